package dev.airlock.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The append-only, hash-chained audit log in H2 (tables of migration V1).
 *
 * <p>Callers append inside the same transaction as the change they record, so a change without
 * its event is never committed: if the append fails the transaction rolls back and the command
 * exits 4 ({@link AirlockException.Kind#AUDIT_FAILED}).
 *
 * <p>Each event is stored with {@code hash = SHA-256(prev_hash || canonical event bytes)} (the
 * chain; the first prev_hash is 32 zero bytes) and is leaf {@code seq - 1} of an RFC 9162 Merkle
 * tree whose leaf entry is the same canonical bytes. The head row keeps the chain head and the
 * tree's compact range, so signing a checkpoint needs no scan of the table.
 */
public final class AuditLog {
  /** prev_hash of event 1. */
  public static final String GENESIS = "0".repeat(64);

  private AuditLog() {}

  /**
   * Appends one event in the caller's transaction and returns its sequence number.
   *
   * @throws AirlockException AUDIT_FAILED if the event cannot be written
   */
  public static long append(Connection tx, AuditEvent e) {
    try {
      Head head = head(tx, true);
      long seq = head.seq() + 1;
      StoredEvent s = new StoredEvent(seq, e.time().toString(), e.operator(), e.host(), e.command(),
          e.action(), e.subject(), e.outcome(), reasonsJson(e.reasons()),
          Json.canonicalString(e.detail()), head.hash(), null);
      byte[] canonical = s.canonical();
      String hash = Hashing.hex(chainHash(Hashing.unhex(head.hash()), canonical));
      AuditTree.Frontier f = head.frontier();
      f.append(AuditTree.leafHash(canonical));
      try (PreparedStatement p = tx.prepareStatement(
          "INSERT INTO audit_event(seq, event_time, operator, host, command, action, subject, outcome, "
              + "reasons, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
        p.setLong(1, seq);
        p.setString(2, s.time());
        p.setString(3, s.operator());
        p.setString(4, s.host());
        p.setString(5, s.command());
        p.setString(6, s.action());
        p.setString(7, s.subject());
        p.setString(8, s.outcome());
        p.setString(9, s.reasonsJson());
        p.setString(10, s.detailJson());
        p.setString(11, s.prevHash());
        p.setString(12, hash);
        p.executeUpdate();
      }
      try (PreparedStatement p =
          tx.prepareStatement("UPDATE audit_head SET seq = ?, hash = ?, frontier = ? WHERE id = 1")) {
        p.setLong(1, seq);
        p.setString(2, hash);
        p.setString(3, f.toHex());
        if (p.executeUpdate() != 1) {
          throw new SQLException("audit_head row missing");
        }
      }
      return seq;
    } catch (SQLException | RuntimeException ex) {
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

  /** Reads the head row ({@code forUpdate}: lock it for an append). */
  public static Head head(Connection tx, boolean forUpdate) throws SQLException {
    try (PreparedStatement p = tx.prepareStatement(
            "SELECT seq, hash, frontier FROM audit_head WHERE id = 1" + (forUpdate ? " FOR UPDATE" : ""));
        ResultSet rs = p.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("audit_head row missing");
      }
      return new Head(rs.getLong(1), rs.getString(2), rs.getString(3));
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
   * stored canonical JSON texts; {@code hash} may be null before it is computed.
   */
  public record StoredEvent(long seq, String time, String operator, String host, String command,
      String action, String subject, String outcome, String reasonsJson, String detailJson,
      String prevHash, String hash) {

    /**
     * The canonical event bytes (RFC 8785): the chain hash and the Merkle leaf cover exactly these.
     * Keys in UTF-16 order; the stored reasons and detail texts are embedded as they are, so the
     * hash covers the stored bytes and any change to them shows.
     */
    public byte[] canonical() {
      StringBuilder sb = new StringBuilder(256 + detailJson.length());
      sb.append("{\"action\":");
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
      sb.append(",\"reasons\":").append(reasonsJson);
      sb.append(",\"seq\":").append(seq);
      sb.append(",\"subject\":");
      Canonical.string(subject, sb);
      sb.append(",\"time\":");
      Canonical.string(time, sb);
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
          detailJson, prevHash, hash);
    }
  }

  /** RFC 8785 section 3.2.2.2 string serialisation (ECMAScript JSON.stringify). */
  static final class Canonical {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Canonical() {}

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
