package dev.airlock.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.audit.AuditLog;
import dev.airlock.core.AirlockException;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.core.json.AuditDetail;
import dev.airlock.core.json.CheckpointDocument;
import dev.airlock.core.json.Documents;
import dev.airlock.core.Reason;
import dev.airlock.tlog.CheckpointRefusedException;
import dev.airlock.tlog.CheckpointStore;
import dev.airlock.tlog.LogKey;
import dev.airlock.trust.KeyAuthority;
import dev.airlock.trust.TransparencyLog;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustStore;
import dev.airlock.trust.TrustedRoot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Checkpoint use cases: which keys sign checkpoints and witness cosignatures under a trust snapshot. */
public final class CheckpointService {
  private CheckpointService() {}

  /**
   * The log keys of the installed trusted roots. A {@code trusted_root.json} does not carry the
   * key's signed-note name, so the keys are unnamed: a signature line is matched by its key hint,
   * and its name must be the checkpoint origin without the {@code " - <tree id>"} suffix
   * (DESIGN.md 6a "Checkpoints").
   */
  public static List<LogKey> logKeys(TrustSnapshot snapshot) {
    List<LogKey> out = new ArrayList<>();
    for (TrustedRoot root : snapshot.roots()) {
      for (TransparencyLog t : root.tlogs()) {
        if (out.stream().noneMatch(k -> Arrays.equals(k.key().getEncoded(), t.key().getEncoded()))) {
          out.add(LogKey.unnamed(t.key()));
        }
      }
    }
    return out;
  }

  /** Witness keys: key authorities delivered as TUF targets {@code keys/witness-*.pub}. */
  public static List<LogKey> witnessKeys(TrustSnapshot snapshot) {
    List<LogKey> out = new ArrayList<>();
    for (Map.Entry<String, KeyAuthority> e : new java.util.TreeMap<>(snapshot.keys()).entrySet()) {
      String name = e.getKey();
      if (name.startsWith("keys/witness-") && name.endsWith(".pub")) {
        out.add(LogKey.unnamed(e.getValue().key()));
      }
    }
    return out;
  }

  /** A stored checkpoint as the audit log and the edges describe it. */
  public static ObjectNode describe(CheckpointStore.StoredCheckpoint c) {
    return (ObjectNode) Documents.tree(document(c));
  }

  /** {@link #describe} as its template. */
  public static CheckpointDocument document(CheckpointStore.StoredCheckpoint c) {
    return new CheckpointDocument(c.origin(), c.size(), c.rootHex(), c.signer(), c.keyHint(), c.witnesses(),
        c.importedAt().toString());
  }

  /**
   * {@code checkpoint import}: verifies and stores the files under the installed trust in one
   * transaction with their audit event; when refused, records the refusal (and a fork alarm) in a
   * second transaction, then throws DENIED with the refusal's reason (exit 1). A stored checkpoint
   * or an alarm makes stored decisions stale (their log state changed).
   */
  public static CheckpointStore.ImportResult importFiles(Home home, List<CheckpointStore.InputFile> inputs,
      String subject, AuditContext who) {
    return importFiles(Database.open(home), inputs, subject, tx -> tx.trust().current().orElseThrow(
        () -> AirlockException.cannotDecide(Reason.TRUST_NOT_INSTALLED, "no trust installed: cannot verify checkpoints")),
        who);
  }

  /** Where the trust a checkpoint import verifies against comes from (the installed one, or a test's). */
  @FunctionalInterface
  public interface TrustSource {
    TrustSnapshot current(dev.airlock.db.Transaction tx);
  }

  /** {@link #importFiles(Home, List, String, AuditContext)} under the trust {@code trust} gives. */
  public static CheckpointStore.ImportResult importFiles(Database db, List<CheckpointStore.InputFile> inputs,
      String subject, TrustSource trust, AuditContext who) {
    try {
      return db.transaction(tx -> {
        dev.airlock.core.TrustedTime time = tx.trustedNow(who.systemClock());
        TrustSnapshot snapshot = trust.current(tx);
        CheckpointStore.ImportResult r;
        try {
          r = tx.checkpoints().importFiles(inputs, logKeys(snapshot), witnessKeys(snapshot), time.now());
        } catch (CheckpointRefusedException e) {
          throw new CheckpointRefused(e);
        }
        JsonNode detail = Documents.tree(new AuditDetail.CheckpointImport(
            r.added().stream().map(CheckpointService::document).toList(), r.unchanged().size(), r.proofsStored(),
            snapshot.id()));
        tx.audit().append(who.event(time, "checkpoint.import", subject, "ok", List.of(), detail));
        return r;
      });
    } catch (CheckpointRefused r) {
      CheckpointRefusedException e = r.refusal;
      db.transaction(tx -> {
        dev.airlock.core.TrustedTime time = tx.trustedNow(who.systemClock());
        AuditDetail.Fork fork = null;
        if (e.fork().isPresent()) {
          CheckpointStore.Fork f = e.fork().get();
          long id = tx.checkpoints().raiseAlarm(f, time.now());
          fork = new AuditDetail.Fork(id, f.origin(), f.size(), f.storedRootHex(), f.otherRootHex());
        }
        JsonNode detail = Documents.tree(new AuditDetail.CheckpointRefused(e.file(), e.getMessage(), fork));
        tx.audit().append(who.event(time, "checkpoint.import", subject, "refused", List.of(e.reason().name()),
            detail));
        return null;
      });
      throw AirlockException.denied(e.reason(), "checkpoint import refused, nothing stored: " + e.getMessage()
          + (e.fork().isPresent() ? " (fork alarm raised; see 'airlock checkpoint show')" : ""));
    }
  }

  /** {@code checkpoint clear-alarm}: clears a log's open alarms with the operator's reason; 0 if none was open. */
  public static int clearAlarms(Home home, String origin, String reason, AuditContext who) {
    return Database.open(home).transaction(tx -> {
      dev.airlock.core.TrustedTime time = tx.trustedNow(who.systemClock());
      int n = tx.checkpoints().clearAlarms(origin, who.operator(), reason, time.now());
      if (n == 0) {
        return 0;
      }
      JsonNode detail = Documents.tree(new AuditDetail.AlarmsCleared(origin, n, reason));
      tx.audit().append(who.event(time, "checkpoint.clear-alarm", origin, "ok", List.of(), detail));
      return n;
    });
  }

  /**
   * {@code checkpoint request}: per log origin, the largest checkpoint the appliance holds (in
   * origin order), so the publisher brings exactly the consistency proofs the next medium needs.
   */
  public static List<CheckpointStore.StoredCheckpoint> held(Home home) {
    List<CheckpointStore.StoredCheckpoint> stored = Database.open(home).transaction(tx -> tx.checkpoints().list());
    Map<String, CheckpointStore.StoredCheckpoint> latest = new java.util.TreeMap<>();
    for (CheckpointStore.StoredCheckpoint c : stored) {
      latest.merge(c.origin(), c, (a, b) -> a.size() >= b.size() ? a : b);
    }
    return List.copyOf(latest.values());
  }
}
