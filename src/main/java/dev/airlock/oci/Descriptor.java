package dev.airlock.oci;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A content descriptor (image-spec v1.1 descriptor.md): media type, digest, size, annotations and,
 * in index entries, a platform. Immutable.
 */
public record Descriptor(String mediaType, Digest digest, long size, Map<String, String> annotations,
    Optional<Platform> platform, Optional<String> artifactType) {
  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    annotations = annotations == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(annotations));
    platform = platform == null ? Optional.empty() : platform;
    artifactType = artifactType == null ? Optional.empty() : artifactType;
  }

  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, Map.of(), Optional.empty(), Optional.empty());
  }

  public Optional<String> annotation(String key) {
    return Optional.ofNullable(annotations.get(key));
  }
}
