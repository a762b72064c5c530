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
 */
public record Context(Instant now, String timeSource, Integer tufRootVersion, String trustSnapshot,
    Map<String, Long> checkpoints) {
  public Context {
    Objects.requireNonNull(now, "now");
    checkpoints = Map.copyOf(checkpoints);
  }
}
