package dev.airlock.oci.json;

import java.util.List;
import java.util.Map;

/** Wire form shared by image manifests and indexes (OCI and Docker schema 2). */
public final class ManifestJson {
  public Integer schemaVersion;
  public String mediaType;
  public String artifactType;
  public DescriptorJson config;
  public List<DescriptorJson> layers;
  public List<DescriptorJson> manifests;
  public DescriptorJson subject;
  public Map<String, String> annotations;
}
