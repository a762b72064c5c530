package dev.airlock.audit;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The append-only, hash-chained audit log in H2 (tables of migration V1).
 *
 * <p>Callers append inside the same transaction as the change they record, so a change without
 * its event is never committed: if the append fails the transaction rolls back and the command
 * exits 4 ({@link AirlockException.Kind#AUDIT_FAILED}).
 */
public final class AuditLog {
  private AuditLog() {}

  /**
   * Appends one event in the caller's transaction and returns its sequence number.
   *
   * @throws AirlockException AUDIT_FAILED if the event cannot be written
   */
  public static long append(Connection tx, AuditEvent e) {
    try {
      long seq;
      String prev;
      try (PreparedStatement p = tx.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE");
          ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("audit_head row missing");
        }
        seq = rs.getLong(1) + 1;
        prev = rs.getString(2);
      }
      String detail = Json.canonicalString(e.detail());
      String reasons = String.join(",", e.reasons());
      byte[] canonical = AuditCanonical.eventBytes(seq, e.time().toString(), e.operator(), e.host(),
          e.command(), e.action(), e.subject(), e.outcome(), e.reasons(), detail);
      String hash = Hashing.hex(Hashing.sha256(Hashing.unhex(prev), canonical));
      try (PreparedStatement p = tx.prepareStatement(
          "INSERT INTO audit_event(seq, event_time, operator, host, command, action, subject, outcome, "
              + "reasons, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
        p.setLong(1, seq);
        p.setString(2, e.time().toString());
        p.setString(3, e.operator());
        p.setString(4, e.host());
        p.setString(5, e.command());
        p.setString(6, e.action());
        p.setString(7, e.subject());
        p.setString(8, e.outcome());
        p.setString(9, reasons);
        p.setString(10, detail);
        p.setString(11, prev);
        p.setString(12, hash);
        p.executeUpdate();
      }
      try (PreparedStatement p = tx.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
        p.setLong(1, seq);
        p.setString(2, hash);
        p.executeUpdate();
      }
      return seq;
    } catch (SQLException ex) {
      throw new AirlockException(AirlockException.Kind.AUDIT_FAILED, Reason.AUDIT_WRITE_FAILED,
          "audit event could not be written: " + ex.getMessage(), ex);
    }
  }

  /** Canonical event bytes (RFC 8785 JSON of the event's fields), the input of the hash chain. */
  static final class AuditCanonical {
    private AuditCanonical() {}

    static byte[] eventBytes(long seq, String time, String operator, String host, String command,
        String action, String subject, String outcome, java.util.List<String> reasons, String canonicalDetail) {
      com.fasterxml.jackson.databind.node.ObjectNode n =
          com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      n.put("seq", seq);
      n.put("time", time);
      n.put("operator", operator);
      n.put("host", host);
      n.put("command", command);
      n.put("action", action);
      n.put("subject", subject);
      n.put("outcome", outcome);
      com.fasterxml.jackson.databind.node.ArrayNode r = n.putArray("reasons");
      reasons.forEach(r::add);
      n.set("detail", Json.parse(canonicalDetail.getBytes(StandardCharsets.UTF_8), "audit detail"));
      return Json.canonical(n);
    }
  }
}
