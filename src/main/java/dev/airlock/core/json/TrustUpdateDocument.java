package dev.airlock.core.json;

import java.util.List;

/**
 * What {@code trust update --json} prints ({@code application/vnd.airlock.trust-update.v1+json}),
 * also the {@code trust.update} audit detail: the snapshot now installed, whether it is a new one
 * and whether its contents changed, the target paths added, removed and changed, whether an
 * expired timestamp was accepted, and the clock it was decided at. Every field always written, in
 * this order.
 */
public record TrustUpdateDocument(SnapshotDocument snapshot, boolean newSnapshot, boolean contentsChanged,
    List<String> added, List<String> removed, List<String> changed, boolean expiredTimestampAccepted,
    Clock clock) implements AuditDetail {
  public static final String MEDIA_TYPE = "application/vnd.airlock.trust-update.v1+json";

  public TrustUpdateDocument {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    changed = List.copyOf(changed);
  }

  /** The trusted clock: its time, the system's, the highest verified time (absent when none), and whether the system is behind. */
  public record Clock(String trustedTime, String systemTime, String highestVerifiedTime, boolean systemClockBehind) {}
}
