package dev.airlock.appliance;

import dev.airlock.audit.AuditCheckpoint;
import dev.airlock.audit.AuditEvent;
import dev.airlock.audit.AuditLog;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.TrustedTime;
import dev.airlock.db.Database;
import dev.airlock.policy.Policy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * {@code init}: the database part of creating a home. The edge stages the folder, the pinned root
 * and the audit key; this writes the appliance row, the initial policy and the first audit event in
 * one transaction and signs the first checkpoint. For {@code init --force} it reads what the new
 * log must name of the home being replaced (DESIGN.md 6b).
 */
public final class InitService {
  private InitService() {}

  /** The previous appliance of a forced init: its id and the head of its audit log. */
  public record Previous(String applianceId, long logSize, String logHead) {}

  /** What the replaced home's log ends with; an unreadable home is named as such. */
  public static Previous previous(Home home) {
    try {
      return Database.open(home).transaction(tx -> {
        AuditLog.Head h = tx.audit().head(false);
        return new Previous(tx.audit().applianceId(), h.seq(), h.hash());
      });
    } catch (AirlockException e) {
      return new Previous("unreadable: " + e.getMessage(), -1, null);
    }
  }

  /** The replaced home's verified-time high-water mark, or null. */
  public static Instant previousTrustedTime(Home home) {
    try {
      return Database.open(home).transaction(tx -> {
        TrustedTime t = tx.trustedNow(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        return t.clockBehind() ? t.now() : null;
      });
    } catch (AirlockException e) {
      return null; // an unreadable old home is being replaced; it has no trustworthy high-water mark
    }
  }

  /** The initial policy of {@code init --policy}. */
  public record InitialPolicy(Policy policy, byte[] bytes, Path baseDir) {}

  /**
   * Creates the database of the staged home: appliance row, initial policy (may be null), the
   * {@code init} event, then the first signed checkpoint of the log.
   *
   * @param highest the high-water mark carried over from the replaced home, or null
   */
  public static void create(Home staged, String applianceId, Instant now, String auditPublicKeyPem,
      Instant highest, InitialPolicy policy, AuditEvent initEvent) throws IOException {
    Database db = Database.create(staged);
    db.transaction(tx -> {
      tx.appliance().create(applianceId, now, auditPublicKeyPem, highest);
      if (policy != null) {
        tx.policies().install(policy.policy(), policy.bytes(), "init", policy.baseDir(), now);
      }
      tx.audit().append(initEvent);
      AuditCheckpoint.writeInitial(staged, tx.audit());
      return null;
    });
  }
}
