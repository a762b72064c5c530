package dev.airlock.oci.json;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One entry of a docker-archive {@code manifest.json} (moby image/tarexport). */
public final class DockerManifestEntryJson {
  @JsonProperty("Config")
  public String config;
  @JsonProperty("RepoTags")
  public List<String> repoTags;
  @JsonProperty("Layers")
  public List<String> layers;
  @JsonProperty("Parent")
  public String parent;
  @JsonProperty("LayerSources")
  public java.util.Map<String, DescriptorJson> layerSources;
}
