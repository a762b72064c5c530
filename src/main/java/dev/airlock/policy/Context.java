package dev.airlock.policy;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a decision is made with besides the policy and the material: the trusted time and the
 * trust snapshot's identity, recorded in the verdict.
 *
 * @param now the appliance's trusted "now" (max of system clock and highest verified time)
 * @param timeSource {@code system} or {@code verified-high-water-mark}
 * @param tufRootVersion the TUF root version of the trust snapshot, or null
 * @param trustSnapshot the trust snapshot id, or null
 * @param checkpoints latest stored tree size per log origin
 * @param validUntil the latest instant a decision made now may be reused (the trust's expiry and
 *     the key windows), or null; the engine narrows it further (scan age)
 */
public record Context(Instant now, String timeSource, Integer tufRootVersion, String trustSnapshot,
    Map<String, Long> checkpoints, Instant validUntil) {
  public Context {
    Objects.requireNonNull(now, "now");
    checkpoints = Map.copyOf(checkpoints);
  }

  /** A context whose decisions are bounded by nothing but what the policy engine finds. */
  public Context(Instant now, String timeSource, Integer tufRootVersion, String trustSnapshot,
      Map<String, Long> checkpoints) {
    this(now, timeSource, tufRootVersion, trustSnapshot, checkpoints, null);
  }
}
