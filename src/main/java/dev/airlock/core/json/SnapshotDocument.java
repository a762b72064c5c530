package dev.airlock.core.json;

import java.util.Objects;

/**
 * One installed trust snapshot as documents show it ({@code trust show}, the import report's
 * {@code trust.snapshot}, audit details): every field always written, in this order, with
 * {@code tuf} holding {@code root}, {@code timestamp}, {@code snapshot}, {@code targets}.
 */
public record SnapshotDocument(long seq, String id, String installedAt, String source, Role root, Role timestamp,
    Role snapshot, Role targets, boolean expiredTimestampAccepted) implements Document {
  public SnapshotDocument {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(targets, "targets");
  }

  /** A TUF role's version and expiry. */
  public record Role(int version, String expires) {}
}
