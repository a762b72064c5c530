package dev.airlock.core.json;

import java.util.List;
import java.util.Objects;

/**
 * The report of {@code import} ({@code application/vnd.airlock.import-report.v1+json}) and of
 * {@code medium check} ({@code application/vnd.airlock.medium-check.v1+json}): one element of
 * {@code media} per medium, in the order given.
 *
 * @param mediaType which of the two reports this is
 */
public record ImportReport(String mediaType, List<Medium> media) implements Document {
  public ImportReport {
    Objects.requireNonNull(mediaType, "mediaType");
    media = List.copyOf(media);
  }

  /**
   * One medium: {@code medium} always written; {@code trust}, {@code checkpoints}, {@code warning}
   * absent when null (no {@code tuf/}, no checkpoints, a policy installed); {@code images} and
   * {@code rejected} written when not null (always, once the medium was imported).
   */
  public record Medium(String medium, TrustChange trust, Checkpoints checkpoints, String warning, List<Image> images,
      List<Rejected> rejected) {
    public Medium {
      Objects.requireNonNull(medium, "medium");
      images = images == null ? null : List.copyOf(images);
      rejected = rejected == null ? null : List.copyOf(rejected);
    }
  }

  /** {@code trust}: the snapshot now installed, and whether its contents changed. */
  public record TrustChange(SnapshotDocument snapshot, boolean changed) {}

  /** {@code checkpoints}: how many were added, were already stored, and how many proofs were stored. */
  public record Checkpoints(int added, int unchanged, int proofs) {}

  /**
   * One stored image under one reference: all fields written; {@code decision} is {@code admit},
   * {@code deny} or {@code undecided}; {@code reasons} are the verdict's.
   */
  public record Image(String reference, String digest, String decision, List<String> reasons,
      VerdictDocument verdict) {
    public Image {
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * One rejected image or image folder: {@code digest} absent when null (an unusable folder has
   * none); {@code message} null as JSON null.
   */
  public record Rejected(String source, String digest, String reason, String message) {}
}
