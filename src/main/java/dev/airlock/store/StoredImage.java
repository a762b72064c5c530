package dev.airlock.store;

import dev.airlock.oci.AttachedSignature;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.Digest;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An image record of the store: what was imported and, once the glue decided, the decision.
 *
 * @param image the top manifest or index descriptor (its digest is the image digest)
 * @param references normalised references, e.g. {@code docker.io/library/ubuntu:22.04}
 * @param platforms child manifests of an index, with their platforms
 * @param blobs every blob the image holds in the store, the top manifest first
 * @param decision {@code admit}/{@code deny}/... or empty while undecided
 * @param verdictJson the verdict document of the last decision, or empty
 */
public record StoredImage(Descriptor image, List<String> references, List<Descriptor> platforms,
    List<Descriptor> blobs, List<AttachedSignature> signatures, String source, Instant importedAt,
    Optional<String> decision, List<String> reasons, Optional<String> verdictJson,
    Optional<Instant> decidedAt) {
  public StoredImage {
    Objects.requireNonNull(image);
    references = List.copyOf(references);
    platforms = List.copyOf(platforms);
    blobs = List.copyOf(blobs);
    signatures = List.copyOf(signatures);
    Objects.requireNonNull(importedAt);
    reasons = List.copyOf(reasons);
  }

  public Digest digest() {
    return image.digest();
  }

  public boolean admitted() {
    return decision.map("admit"::equals).orElse(false);
  }
}
