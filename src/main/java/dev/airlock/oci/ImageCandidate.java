package dev.airlock.oci;

import dev.airlock.core.Reason;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One image found on a medium, ready to be copied into the content store: its digest (of the
 * exact manifest or index bytes), references, platforms, every blob it needs (the top manifest or
 * index first, then child manifests, configs, layers, and the carriers and layers of attached
 * signatures) and the signatures found. A candidate with a {@link #problem} is rejected as a whole.
 *
 * @param source where it was found (for messages), e.g. {@code images/app}
 * @param platforms the child manifests of an index, each with its platform (empty for a manifest)
 */
public record ImageCandidate(String source, Descriptor image, List<ImageReference> references,
    List<Descriptor> platforms, List<Descriptor> blobs, List<AttachedSignature> signatures,
    Optional<Problem> problem, BlobSource blobSource) {

  /** Why an image cannot be imported. */
  public record Problem(Reason reason, String message) {
    public Problem {
      Objects.requireNonNull(reason);
      Objects.requireNonNull(message);
    }
  }

  public ImageCandidate {
    Objects.requireNonNull(source);
    Objects.requireNonNull(image);
    references = List.copyOf(references);
    platforms = List.copyOf(platforms);
    blobs = List.copyOf(blobs);
    signatures = List.copyOf(signatures);
    Objects.requireNonNull(problem);
    Objects.requireNonNull(blobSource);
  }

  public Digest digest() {
    return image.digest();
  }

  public ImageCandidate withProblem(Reason reason, String message) {
    return new ImageCandidate(source, image, references, platforms, blobs, signatures,
        Optional.of(new Problem(reason, message)), blobSource);
  }
}
