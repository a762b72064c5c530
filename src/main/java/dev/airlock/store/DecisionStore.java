package dev.airlock.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stored decisions (migration V7): a cache keyed by (digest, reference, policy digest, trust id,
 * transparency-log state), never an authority (DESIGN.md 6b). The value type; persistence is
 * {@link DecisionRepository}.
 */
public final class DecisionStore {
  private DecisionStore() {}

  /**
   * One stored decision.
   *
   * @param reference the reference as it was asked ({@code repo:tag}, {@code repo@sha256:...} or
   *     a bare digest)
   * @param validUntil null when nothing bounds it
   * @param printed what {@code verify} prints besides the verdict, as the appliance stage wrote it
   *     (migration V9), or null
   */
  public record Entry(String digest, String reference, String policyDigest, String trustId, String tlogState,
      String decision, boolean releasable, List<String> reasons, String verdictJson, Instant decidedAt,
      Instant validUntil, String printed) {
    public Entry {
      reasons = List.copyOf(reasons);
    }

    /** Valid for these current key values at {@code now}. */
    public boolean currentFor(String policy, String trust, String tlog, Instant now) {
      return policyDigest.equals(policy) && trustId.equals(trust) && tlogState.equals(tlog)
          && (validUntil == null || now.isBefore(validUntil));
    }
  }

}
