package dev.airlock.audit;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.PublicKey;

/**
 * Recomputes the hash chain and the Merkle tree of the database's audit log and compares them with
 * the head row and the home's signed checkpoint file. The first bad event is reported as
 * modified, missing (deleted), inserted, reordered, or the log as truncated.
 */
public final class AuditVerifier {
  private static final int BATCH = 10_000;

  private AuditVerifier() {}

  /**
   * The verified state.
   *
   * @param count number of events
   * @param headHash chain hash of the last event (hex)
   * @param root Merkle root of all events (hex)
   * @param checkpointSize tree size of the signed checkpoint file that was checked
   */
  public record Report(long count, String headHash, String root, long checkpointSize) {}

  /**
   * Verifies the log read through the repository of the caller's transaction.
   *
   * @throws AuditTamperedException naming the reason and the first bad event
   */
  public static Report verify(Home home, AuditStore store) throws IOException {
    PublicKey pub = applianceKey(store);
    AuditCheckpoint cp = readCheckpoint(home, pub);
    AuditTree.Frontier frontier = AuditTree.Frontier.empty();
    byte[] rootAtCheckpoint = cp != null && cp.size() == 0 ? frontier.root() : null;
    long expected = 1;
    String p = AuditLog.GENESIS;
    String pp = null;
    long last = 0;
    while (true) {
      int n = 0;
      for (AuditLog.StoredEvent r : store.events(last, Long.MAX_VALUE, BATCH)) {
        n++;
        last = r.seq();
        if (r.seq() > expected) {
          throw tampered(Reason.AUDIT_EVENT_MISSING, expected,
              "event " + expected + " is missing (deleted): the next stored event is " + r.seq());
        }
        String problem = r.formatProblem();
        if (problem != null) {
          throw tampered(Reason.AUDIT_EVENT_MODIFIED, r.seq(), "event " + r.seq() + " was modified: it " + problem);
        }
        byte[] canonical = r.canonical();
        boolean selfOk = r.hash() != null && r.prevHash() != null
            && r.hash().equals(Hashing.hex(AuditLog.chainHash(unhex(r.prevHash()), canonical)));
        if (!r.prevHash().equals(p) || !selfOk) {
          throw classify(store, r, p, pp, selfOk);
        }
        frontier.append(AuditTree.leafHash(canonical));
        if (cp != null && frontier.size() == cp.size()) {
          rootAtCheckpoint = frontier.root();
        }
        pp = p;
        p = r.hash();
        expected++;
      }
      if (n < BATCH) {
        break;
      }
    }
    long count = expected - 1;
    AuditLog.Head head = store.head(false);
    if (head.seq() > count) {
      throw tampered(Reason.AUDIT_TRUNCATED, count + 1, "event " + (count + 1) + " and later were removed: "
          + "the log ends at event " + count + " but its head row says " + head.seq());
    }
    if (head.seq() < count) {
      throw tampered(Reason.AUDIT_EVENT_INSERTED, head.seq() + 1, "events after the head row's "
          + head.seq() + " were added outside the log (event " + (head.seq() + 1) + " onwards)");
    }
    if (!head.hash().equals(p)) {
      throw tampered(Reason.AUDIT_EVENT_MODIFIED, count, "the head row's hash does not match event " + count);
    }
    byte[] root = frontier.root();
    if (!MessageDigest.isEqual(root, head.root())) {
      throw tampered(Reason.AUDIT_CHECKPOINT_INVALID, 0, "the head row's Merkle state does not match the events");
    }
    if (cp == null) {
      if (count > 0) {
        throw tampered(Reason.AUDIT_CHECKPOINT_INVALID, 0, AuditCheckpoint.file(home)
            + ": missing; the log cannot be shown complete (restore it from a backup or an export)");
      }
    } else {
      if (cp.size() > count) {
        throw tampered(Reason.AUDIT_TRUNCATED, count + 1, "event " + (count + 1) + " and later were removed: "
            + "the signed checkpoint covers " + cp.size() + " events but the log has " + count);
      }
      if (!MessageDigest.isEqual(rootAtCheckpoint, cp.root())) {
        throw tampered(Reason.AUDIT_CHECKPOINT_INVALID, 0, "the first " + cp.size()
            + " events do not match the signed checkpoint's root hash: the log was rewritten");
      }
    }
    return new Report(count, p, Hashing.hex(root), cp == null ? 0 : cp.size());
  }

  /** Names the first bad event for a row that does not follow the verified prefix. */
  private static AuditTamperedException classify(AuditStore store, AuditLog.StoredEvent r, String p,
      String pp, boolean selfOk) {
    long s = r.seq();
    if (r.prevHash().equals(p)) {
      return tampered(Reason.AUDIT_EVENT_MODIFIED, s, "event " + s + " was modified: its content no longer matches its hash");
    }
    Long q = store.seqOfHash(r.prevHash()).orElse(null);
    if (q != null && q > s) {
      return tampered(Reason.AUDIT_EVENT_REORDERED, s, "event " + s + " is out of order: it follows event "
          + q + ", which is stored after it");
    }
    if (pp != null && r.prevHash().equals(pp)) {
      return tampered(Reason.AUDIT_EVENT_INSERTED, s - 1, "event " + (s - 1)
          + " was inserted: event " + s + " links to the event before it");
    }
    if (q == null) {
      if (!selfOk && r.hash().equals(Hashing.hex(AuditLog.chainHash(unhex(r.prevHash()), r.withSeq(s + 1).canonical())))) {
        return tampered(Reason.AUDIT_EVENT_MISSING, s, "an event before stored event " + s
            + " was deleted and the rest renumbered (this event was " + (s + 1) + ")");
      }
      if (selfOk && s > 1) {
        return tampered(Reason.AUDIT_EVENT_MODIFIED, s - 1, "event " + (s - 1)
            + " was modified: event " + s + " links to a different version of it");
      }
    }
    return tampered(Reason.AUDIT_EVENT_MODIFIED, s, "event " + s + " was modified: it does not link to the event before it");
  }

  private static byte[] unhex(String h) {
    try {
      return Hashing.unhex(h);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  static PublicKey applianceKey(AuditStore store) {
    try {
      String pem = store.auditPublicKeyPem().orElseThrow(() -> AirlockException.cannotDecide(
          Reason.HOME_NOT_INITIALISED, "the database has no appliance row; run 'airlock init'"));
      return Keys.parsePublicKey(pem.getBytes(StandardCharsets.US_ASCII));
    } catch (Keys.KeyException e) {
      throw tampered(Reason.AUDIT_CHECKPOINT_INVALID, 0, "the stored audit public key is malformed: " + e.getMessage());
    }
  }

  private static AuditCheckpoint readCheckpoint(Home home, PublicKey pub) throws IOException {
    try {
      String note = new String(AuditKeys.readBounded(AuditCheckpoint.file(home), 8192), StandardCharsets.UTF_8);
      return AuditCheckpoint.verify(note, pub, AuditCheckpoint.file(home).toString());
    } catch (NoSuchFileException e) {
      return null;
    } catch (AirlockException e) {
      throw tampered(Reason.AUDIT_CHECKPOINT_INVALID, 0, e.getMessage());
    }
  }

  static AuditTamperedException tampered(Reason reason, long seq, String message) {
    return new AuditTamperedException(reason, seq, message);
  }
}
