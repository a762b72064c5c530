package dev.airlock.trust;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the trust stage persists: installed trust snapshots (migration V2) and the appliance's
 * verified-time high-water mark (DESIGN.md section 3). Every method works in the caller's
 * transaction, so an install, its audit event and the raised mark commit together. The logic
 * (validation, what changed, parsing into a {@link TrustSnapshot}) stays in {@link TrustStore}; an
 * implementation only stores and reads rows.
 */
public interface TrustRepository {
  /** The current snapshot's install record (highest {@code seq}), if any. */
  Optional<InstalledSnapshot> currentInfo();

  /** Every install, newest first. */
  List<InstalledSnapshot> history();

  /** The installed targets of one snapshot, by path. */
  List<TrustContent> contents(long seq);

  /**
   * Writes one new snapshot row {@code seq} with content id {@code id} and its content rows; the
   * snapshot is current once the transaction commits. Called by {@link TrustStore#install} after
   * every target validated.
   */
  void insert(long seq, String id, TrustStore.Install in);

  /** The current trust snapshot, if any trust was installed. */
  default Optional<TrustSnapshot> current() {
    return TrustStore.current(this);
  }

  /** Validates and installs {@code in} as the current snapshot (see {@link TrustStore#install}). */
  default TrustStore.Installed install(TrustStore.Install in) {
    return TrustStore.install(this, in);
  }

  /** The highest verified time seen (a Rekor integrated time, RFC 3161 time or TUF install time). */
  Optional<Instant> highestVerifiedTime();

  /**
   * Raises the high-water mark to {@code verified} if it is higher; never lowers it. Call inside
   * the transaction that verified {@code verified}.
   */
  void raiseVerifiedTime(Instant verified);
}
