package dev.airlock.oci.json;

import java.util.List;
import java.util.Map;

/** Wire form of a descriptor (image-spec descriptor.md). Fields only; translated by oci. */
public final class DescriptorJson {
  public String mediaType;
  public String digest;
  public Long size;
  public Map<String, String> annotations;
  public PlatformJson platform;
  public String artifactType;
  public List<String> urls;
  public String data;
}
