package dev.airlock.oci;

import java.util.List;
import java.util.Objects;

/** One image of a docker-archive {@code manifest.json}: paths inside the archive, and tags. */
public record DockerArchiveEntry(String config, List<String> repoTags, List<String> layers) {
  public DockerArchiveEntry {
    Objects.requireNonNull(config);
    repoTags = List.copyOf(repoTags);
    layers = List.copyOf(layers);
  }
}
