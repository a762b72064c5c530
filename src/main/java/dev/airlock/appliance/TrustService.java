package dev.airlock.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.json.AuditDetail;
import dev.airlock.core.json.Documents;
import dev.airlock.core.json.TrustUpdateDocument;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.trust.TrustedClock;
import dev.airlock.trust.tuf.TufInstaller;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * {@code trust update}: runs the TUF client over a repository folder and installs its targets (and
 * a TUF-delivered policy) with the audit event in the same transaction; a refusal is audited too.
 * Every stored decision made under the previous trust is stale from the commit on (DESIGN.md 6b).
 */
public final class TrustService {
  private TrustService() {}

  /** Steps run inside the install transaction after the install, before the file swap (audit). */
  @FunctionalInterface
  public interface InTransaction {
    void run(Transaction tx, TufInstaller.Result result) throws java.io.IOException;
  }

  /** {@link #install(Home, Path, Clock, boolean, InTransaction)} without a hook (no audit event). */
  public static TufInstaller.Result install(Home home, Path tufDir, Clock trustedClock,
      boolean acceptExpiredTimestamp) {
    return install(home, tufDir, trustedClock, acceptExpiredTimestamp, null);
  }

  /**
   * Runs {@link TufInstaller#update} with its install transaction on the home's database: install,
   * then {@code inTransaction} (may be null), then the swap of the TUF metadata, then the commit.
   */
  public static TufInstaller.Result install(Home home, Path tufDir, Clock trustedClock,
      boolean acceptExpiredTimestamp, InTransaction inTransaction) {
    Database db = Database.open(home);
    return TufInstaller.update(home, tufDir, trustedClock, acceptExpiredTimestamp, work -> db.transaction(tx -> {
      TufInstaller.Result r = work.install(tx.trust());
      if (inTransaction != null) {
        inTransaction.run(tx, r);
      }
      work.finish();
      return r;
    }));
  }

  /** The outcome, with the trusted clock the update ran at. */
  public record Update(TufInstaller.Result result, TrustedClock clock) {}

  /**
   * @param describe the audit detail of the install (the edge's update document)
   */
  public static Update update(Home home, Path tufDir, boolean acceptExpiredTimestamp, AuditContext who,
      BiFunction<TufInstaller.Result, TrustedClock, TrustUpdateDocument> describe) {
    Database db = Database.open(home);
    TrustedClock clock = db.transaction(tx -> TrustedClock.read(tx.trust(), who.systemClock()));
    dev.airlock.core.TrustedTime time = new dev.airlock.core.TrustedTime(clock.now(), clock.systemTime(), clock.systemBehind());
    String subject = tufDir.toAbsolutePath().normalize().toString();
    try {
      TufInstaller.Result r = install(home, tufDir, clock.clock(), acceptExpiredTimestamp, (tx, res) -> {
        tx.audit().append(who.event(time, "trust.update", subject, "ok", List.of(),
            Documents.tree(describe.apply(res, clock))));
        PolicyChoice.installTufPolicy(tx, res.snapshot(), clock.now(), (action, subj, d) ->
            tx.audit().append(who.event(time, action, subj, "ok", List.of(), Documents.tree(d))));
      });
      return new Update(r, clock);
    } catch (AirlockException e) {
      if (e.kind() != AirlockException.Kind.AUDIT_FAILED) {
        List<String> reasons = new ArrayList<>(List.of(e.reason().name()));
        JsonNode detail = Documents.tree(new AuditDetail.TrustRefused(e.getMessage(), acceptExpiredTimestamp));
        db.transaction(tx -> tx.audit().append(who.event(time, "trust.update", subject, "refused", reasons,
            detail)));
      }
      throw e;
    }
  }
}
