package dev.airlock.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The append-only, hash-chained audit log (tables of migration V1), stored through {@link AuditStore}.
 *
 * <p>Callers append inside the same transaction as the change they record, so a change without
 * its event is never committed: if the append fails the transaction rolls back and the command
 * exits 4 ({@link AirlockException.Kind#AUDIT_FAILED}).
 *
 * <p>Each event is stored with {@code hash = SHA-256(prev_hash || canonical event bytes)} (the
 * chain; the first prev_hash is 32 zero bytes) and is leaf {@code seq - 1} of an RFC 9162 Merkle
 * tree whose leaf entry is the same canonical bytes. The head row keeps the chain head and the
 * tree's compact range, so signing a checkpoint needs no scan of the table.
 *
 * <p>Each event states its format version ({@link StoredEvent#canonical()}): rows written before
 * migration V6 are {@link #FORMAT_V1} and keep their hash rules; new events are {@link #FORMAT_V2}.
 * One log may hold v1 events followed by v2 events (an upgraded appliance).
 */
public final class AuditLog {
  /** prev_hash of event 1. */
  public static final String GENESIS = "0".repeat(64);
  /** Event format v1: the ten fields of migration V1. */
  public static final int FORMAT_V1 = 1;
  /** Event format v2: v1 plus account, sudoUser, reason and the version itself. */
  public static final int FORMAT_V2 = 2;
  /** The format new events are written in. */
  public static final int CURRENT_FORMAT = FORMAT_V2;

  private AuditLog() {}

  /**
   * Appends one event through the repository of the caller's transaction and returns its sequence
   * number.
   *
   * @throws AirlockException AUDIT_FAILED if the event cannot be written
   */
  public static long append(AuditStore store, AuditEvent e) {
    return appendAll(store, List.of(e));
  }

  /**
   * Appends {@code events} in order, as {@link #append} would one by one, but reading and updating
   * the head row once: {@code serve} group-commits the events of concurrent requests this way.
   *
   * @return the sequence number of the last event (the head's, if {@code events} is empty)
   */
  public static long appendAll(AuditStore store, List<AuditEvent> events) {
    try {
      Head head = store.head(true);
      if (events.isEmpty()) {
        return head.seq();
      }
      long seq = head.seq();
      String hash = head.hash();
      AuditTree.Frontier f = head.frontier();
      for (AuditEvent e : events) {
        seq++;
        StoredEvent s = new StoredEvent(seq, e.time().toString(), e.operator(), e.host(), e.command(),
            e.action(), e.subject(), e.outcome(), reasonsJson(e.reasons()),
            Json.canonicalString(e.detail()), hash, null, CURRENT_FORMAT, e.account(), e.sudoUser(),
            e.reason());
        byte[] canonical = s.canonical();
        hash = Hashing.hex(chainHash(Hashing.unhex(hash), canonical));
        f.append(AuditTree.leafHash(canonical));
        store.insert(s, hash);
      }
      store.updateHead(seq, hash, f.toHex());
      return seq;
    } catch (RuntimeException ex) {
      // a failed write (the database adapter's failure is unchecked) or a broken head row
      if (ex instanceof AirlockException a && a.kind() == AirlockException.Kind.AUDIT_FAILED) {
        throw a;
      }
      throw new AirlockException(AirlockException.Kind.AUDIT_FAILED, Reason.AUDIT_WRITE_FAILED,
          "audit event could not be written, the action was not taken: " + ex.getMessage(), ex);
    }
  }

  /** The chain head and the Merkle compact range, as stored. */
  public record Head(long seq, String hash, String frontierHex) {
    public AuditTree.Frontier frontier() {
      return AuditTree.Frontier.parse(seq, frontierHex);
    }

    public byte[] root() {
      return frontier().root();
    }
  }

  static byte[] chainHash(byte[] prev, byte[] canonical) {
    MessageDigest md = AuditTree.sha256();
    md.update(prev);
    md.update(canonical);
    return md.digest();
  }

  static String reasonsJson(List<String> reasons) {
    var a = JsonNodeFactory.instance.arrayNode();
    reasons.forEach(a::add);
    return Json.canonicalString(a);
  }

  /**
   * One event as stored (and as exported). {@code reasonsJson} and {@code detailJson} are the
   * stored canonical JSON texts; {@code hash} may be null before it is computed. {@code version}
   * is the event's format version; {@code account}, {@code sudoUser} and {@code reason} exist from
   * {@link #FORMAT_V2} on (null: not known / not given) and must be null in a v1 event, whose hash
   * does not cover them ({@link #formatProblem()}).
   */
  public record StoredEvent(long seq, String time, String operator, String host, String command,
      String action, String subject, String outcome, String reasonsJson, String detailJson,
      String prevHash, String hash, int version, String account, String sudoUser, String reason) {

    /** A format v1 event (as written before migration V6). */
    public StoredEvent(long seq, String time, String operator, String host, String command,
        String action, String subject, String outcome, String reasonsJson, String detailJson,
        String prevHash, String hash) {
      this(seq, time, operator, host, command, action, subject, outcome, reasonsJson, detailJson,
          prevHash, hash, FORMAT_V1, null, null, null);
    }

    /**
     * Why this event cannot be hashed under its own version, or null if it can: an unknown
     * version, or a v1 event carrying a v2 field (its hash would not cover it, so it is refused
     * rather than ignored). Callers MUST check this before {@link #canonical()}.
     */
    public String formatProblem() {
      if (version == FORMAT_V1) {
        return account == null && sudoUser == null && reason == null ? null
            : "is format v1 but carries account, sudoUser or reason, which v1 does not have and its hash does not cover";
      }
      return version == FORMAT_V2 ? null : "has format version " + version + ", which this airlock does not know";
    }

    /**
     * The canonical event bytes (RFC 8785): the chain hash and the Merkle leaf cover exactly these.
     * Keys in UTF-16 order; the stored reasons and detail texts are embedded as they are, so the
     * hash covers the stored bytes and any change to them shows.
     *
     * <ul>
     *   <li>v1: {@code action, command, detail, host, operator, outcome, reasons, seq, subject,
     *       time} (unchanged since V1, so existing logs and exports keep verifying);
     *   <li>v2: {@code account, action, command, detail, host, operator, outcome, reason, reasons,
     *       seq, subject, sudoUser, time, version}, null fields as JSON {@code null}. The version
     *       is hashed, so a v2 event can never be passed off as a v1 event with the same hash.
     * </ul>
     *
     * @throws IllegalStateException if {@link #formatProblem()} is not null
     */
    public byte[] canonical() {
      String problem = formatProblem();
      if (problem != null) {
        throw new IllegalStateException("event " + seq + " " + problem);
      }
      boolean v2 = version == FORMAT_V2;
      StringBuilder sb = new StringBuilder(320 + detailJson.length() + (reason == null ? 0 : reason.length()));
      sb.append('{');
      if (v2) {
        sb.append("\"account\":");
        Canonical.stringOrNull(account, sb);
        sb.append(',');
      }
      sb.append("\"action\":");
      Canonical.string(action, sb);
      sb.append(",\"command\":");
      Canonical.string(command, sb);
      sb.append(",\"detail\":").append(detailJson);
      sb.append(",\"host\":");
      Canonical.string(host, sb);
      sb.append(",\"operator\":");
      Canonical.string(operator, sb);
      sb.append(",\"outcome\":");
      Canonical.string(outcome, sb);
      if (v2) {
        sb.append(",\"reason\":");
        Canonical.stringOrNull(reason, sb);
      }
      sb.append(",\"reasons\":").append(reasonsJson);
      sb.append(",\"seq\":").append(seq);
      sb.append(",\"subject\":");
      Canonical.string(subject, sb);
      if (v2) {
        sb.append(",\"sudoUser\":");
        Canonical.stringOrNull(sudoUser, sb);
      }
      sb.append(",\"time\":");
      Canonical.string(time, sb);
      if (v2) {
        sb.append(",\"version\":").append(version);
      }
      sb.append('}');
      return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    public byte[] leafHash() {
      return AuditTree.leafHash(canonical());
    }

    /** SHA-256(prev_hash || canonical) as hex: what {@code hash} must be. */
    public String computedHash() {
      return Hashing.hex(chainHash(Hashing.unhex(prevHash), canonical()));
    }

    public List<String> reasons() {
      JsonNode n = Json.parse(reasonsJson.getBytes(StandardCharsets.UTF_8), "reasons");
      return java.util.stream.StreamSupport.stream(n.spliterator(), false).map(JsonNode::asText).toList();
    }

    public JsonNode detail() {
      return Json.parse(detailJson.getBytes(StandardCharsets.UTF_8), "detail");
    }

    StoredEvent withSeq(long s) {
      return new StoredEvent(s, time, operator, host, command, action, subject, outcome, reasonsJson,
          detailJson, prevHash, hash, version, account, sudoUser, reason);
    }
  }

  /** RFC 8785 section 3.2.2.2 string serialisation (ECMAScript JSON.stringify). */
  static final class Canonical {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Canonical() {}

    static void stringOrNull(String s, StringBuilder sb) {
      if (s == null) {
        sb.append("null");
      } else {
        string(s, sb);
      }
    }

    static void string(String s, StringBuilder sb) {
      sb.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\b' -> sb.append("\\b");
          case '\f' -> sb.append("\\f");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> {
            if (c < 0x20) {
              sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
              sb.append(c);
            }
          }
        }
      }
      sb.append('"');
    }
  }
}
