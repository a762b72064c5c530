package dev.airlock.store;

import dev.airlock.oci.ImageCandidate;
import java.util.Objects;
import java.util.Optional;

/**
 * What happened to one image candidate: stored (all its blobs verified and published) or rejected
 * (nothing of it published) with the reason.
 *
 * @param copiedBytes bytes copied from the medium (blobs already in the store are not copied)
 */
public record ImportedImage(ImageCandidate candidate, boolean stored,
    Optional<ImageCandidate.Problem> problem, long copiedBytes) {
  public ImportedImage {
    Objects.requireNonNull(candidate);
    Objects.requireNonNull(problem);
    if (stored == problem.isPresent()) {
      throw new IllegalArgumentException("stored xor problem");
    }
  }
}
