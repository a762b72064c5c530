package dev.airlock.oci;

import java.util.List;
import java.util.Objects;

/** An index entry's platform (image-spec image-index.md "platform"). */
public record Platform(String os, String architecture, String variant, String osVersion,
    List<String> osFeatures) {
  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
  }

  /** {@code os/architecture[/variant]}, as docker prints it. */
  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant);
  }
}
