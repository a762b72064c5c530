package dev.airlock.trust;

import java.time.Instant;
import java.util.Objects;

/**
 * The record of one install in the trust store: which TUF metadata versions vouched for it, when
 * it was installed, and whether an expired timestamp was accepted by name.
 *
 * @param seq install order (1, 2, ...); the highest is current
 * @param id digest of the contents ({@code sha256:...}); equal contents give equal ids
 * @param source the TUF folder it was read from
 */
public record InstalledSnapshot(
    long seq,
    String id,
    Instant installedAt,
    String source,
    int tufRootVersion,
    Instant tufRootExpires,
    int timestampVersion,
    Instant timestampExpires,
    int snapshotVersion,
    Instant snapshotExpires,
    int targetsVersion,
    Instant targetsExpires,
    boolean expiredTimestampAccepted) {
  public InstalledSnapshot {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(installedAt, "installedAt");
    Objects.requireNonNull(source, "source");
  }
}
