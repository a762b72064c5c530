package dev.airlock.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.audit.AuditExport;
import dev.airlock.audit.AuditTamperedException;
import dev.airlock.audit.AuditVerifier;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.TrustedTime;
import dev.airlock.core.json.AuditDetail;
import dev.airlock.core.json.Documents;
import dev.airlock.db.Database;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code audit export} and {@code audit verify} of the home's log: each reads the log and appends
 * its own event in one transaction; a failed verification is recorded too (best effort).
 */
public final class AuditService {
  private AuditService() {}

  /**
   * Exports the log (see {@link AuditExport#export}) with its {@code audit.export} event.
   *
   * @param onTime told the trusted time the export runs at (the edge reports a clock behind it)
   */
  public static AuditExport.Result export(Home home, Path output, AuditExport.Format format, Instant since,
      Instant until, AuditContext who, Consumer<TrustedTime> onTime) {
    return Database.open(home).transaction(tx -> {
      TrustedTime t = tx.trustedNow(who.systemClock());
      onTime.accept(t);
      return AuditExport.export(home, tx.audit(), output, format, since, until, t.now(),
          detail -> who.event(t, "audit.export", output.toAbsolutePath().toString(), "ok", List.of(), detail));
    });
  }

  /**
   * Verifies the log in the database (see {@link AuditVerifier#verify}) and records the result.
   *
   * @throws AuditTamperedException naming the first bad event (recorded as a failed check)
   */
  public static AuditVerifier.Report verify(Home home, AuditContext who, Consumer<TrustedTime> onTime) {
    Database db = Database.open(home);
    try {
      return db.transaction(tx -> {
        AuditVerifier.Report rep = AuditVerifier.verify(home, tx.audit());
        JsonNode detail = Documents.tree(new AuditDetail.AuditVerified(rep.count(), rep.headHash(), rep.root()));
        TrustedTime t = tx.trustedNow(who.systemClock());
        onTime.accept(t);
        tx.audit().append(who.event(t, "audit.verify", "audit-log", "ok", List.of(), detail));
        return rep;
      });
    } catch (AuditTamperedException e) {
      recordFailure(db, e, who, onTime);
      throw e;
    }
  }

  /** Records a failed check (best effort: the log is damaged, the failure is reported anyway). */
  private static void recordFailure(Database db, AuditTamperedException e, AuditContext who,
      Consumer<TrustedTime> onTime) {
    try {
      db.transaction(tx -> {
        JsonNode detail = Documents.tree(new AuditDetail.AuditVerifyFailed(e.seq(), e.getMessage()));
        TrustedTime t = tx.trustedNow(who.systemClock());
        onTime.accept(t);
        return tx.audit().append(who.event(t, "audit.verify", "audit-log", "failed",
            List.of(e.reason().name()), detail));
      });
    } catch (AirlockException ignored) {
      // the verification result is what the operator needs; it is printed by the caller
    }
  }
}
