package dev.airlock.appliance;

import dev.airlock.core.Home;
import dev.airlock.core.TrustedTime;
import dev.airlock.core.json.AuditDetail;
import dev.airlock.core.json.Documents;
import dev.airlock.core.json.PolicyInstallDocument;
import dev.airlock.db.Database;
import dev.airlock.policy.Policy;
import dev.airlock.policy.PolicyStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * {@code policy set}: installs a parsed policy with its audit event in one transaction. Every
 * stored decision made under the previous policy is stale from the commit on (DESIGN.md 6b).
 */
public final class PolicyService {
  private PolicyService() {}

  /** The outcome: the audit detail (the edge's document) and the trusted time it ran at. */
  public record Set(PolicyInstallDocument document, TrustedTime time) {}

  /**
   * @param describe builds the audit detail from the previous and the new install (the edge's
   *     document); it is recorded as the event's detail before the edge adds its own fields
   */
  public static Set set(Home home, Policy policy, byte[] bytes, Path baseDir, AuditContext who,
      BiFunction<Optional<PolicyStore.Installed>, PolicyStore.Installed, AuditDetail.PolicySet> describe) {
    return Database.open(home).transaction(tx -> {
      TrustedTime time = tx.trustedNow(who.systemClock());
      Optional<PolicyStore.Installed> before = tx.policies().current();
      PolicyStore.Installed now = tx.policies().install(policy, bytes, "policy set", baseDir, time.now());
      AuditDetail.PolicySet d = describe.apply(before, now);
      tx.audit().append(who.event(time, "policy.set", policy.name() + " " + policy.digest(), "ok", List.of(),
          Documents.tree(d)));
      return new Set(new PolicyInstallDocument(d, now.installedAt().toString()), time);
    });
  }
}
