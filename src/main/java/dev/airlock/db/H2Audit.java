package dev.airlock.db;

import dev.airlock.audit.AuditLog;
import dev.airlock.audit.AuditStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * H2 implementation of {@link AuditStore} (tables of migrations V1 and V6): the SQL moved here
 * from {@code audit.AuditLog}, {@code AuditVerifier}, {@code AuditExport} and
 * {@code AuditCheckpoint} unchanged in semantics and order, except that the checkpoint record is
 * a portable UPDATE-then-INSERT instead of H2's {@code MERGE ... KEY}. Every method works in the
 * caller's transaction.
 */
final class H2Audit implements AuditStore {
  private final Connection connection;

  H2Audit(Connection connection) {
    this.connection = connection;
  }

  @Override
  public AuditLog.Head head(boolean forUpdate) {
    return Sql.call(connection, tx -> {
      try (PreparedStatement p = tx.prepareStatement(
              "SELECT seq, hash, frontier FROM audit_head WHERE id = 1" + (forUpdate ? " FOR UPDATE" : ""));
          ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("audit_head row missing");
        }
        return new AuditLog.Head(rs.getLong(1), rs.getString(2), rs.getString(3));
      }
    });
  }

  @Override
  public void insert(AuditLog.StoredEvent s, String hash) {
    Sql.run(connection, tx -> {
      try (PreparedStatement p = tx.prepareStatement(
          "INSERT INTO audit_event(seq, event_time, operator, host, command, action, subject, outcome, "
              + "reasons, detail, prev_hash, hash, format_version, account, sudo_user, reason) "
              + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        p.setLong(1, s.seq());
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
        p.setInt(13, s.version());
        p.setString(14, s.account());
        p.setString(15, s.sudoUser());
        p.setString(16, s.reason());
        p.executeUpdate();
      }
    });
  }

  @Override
  public void updateHead(long seq, String hash, String frontierHex) {
    Sql.run(connection, tx -> {
      try (PreparedStatement p =
          tx.prepareStatement("UPDATE audit_head SET seq = ?, hash = ?, frontier = ? WHERE id = 1")) {
        p.setLong(1, seq);
        p.setString(2, hash);
        p.setString(3, frontierHex);
        if (p.executeUpdate() != 1) {
          throw new SQLException("audit_head row missing");
        }
      }
    });
  }

  @Override
  public List<AuditLog.StoredEvent> events(long afterSeq, long upToSeq, int limit) {
    return Sql.call(connection, tx -> {
      List<AuditLog.StoredEvent> out = new ArrayList<>();
      String sql = "SELECT " + AuditRows.COLUMNS + " FROM audit_event WHERE seq > ?"
          + (upToSeq == Long.MAX_VALUE ? "" : " AND seq <= ?") + " ORDER BY seq"
          + (limit == Integer.MAX_VALUE ? "" : " LIMIT " + limit);
      try (PreparedStatement ps = tx.prepareStatement(sql)) {
        ps.setLong(1, afterSeq);
        if (upToSeq != Long.MAX_VALUE) {
          ps.setLong(2, upToSeq);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(AuditRows.read(rs));
          }
        }
      }
      return out;
    });
  }

  @Override
  public Optional<Long> seqOfHash(String hash) {
    return Sql.call(connection, tx -> {
      try (PreparedStatement ps = tx.prepareStatement("SELECT seq FROM audit_event WHERE hash = ?")) {
        ps.setString(1, hash);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
        }
      }
    });
  }

  @Override
  public String applianceId() {
    return Sql.call(connection, tx -> {
      try (Statement s = tx.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM appliance")) {
        if (!rs.next()) {
          throw new SQLException("appliance row missing");
        }
        return rs.getString(1);
      }
    });
  }

  @Override
  public Optional<String> auditPublicKeyPem() {
    return Sql.call(connection, tx -> {
      try (Statement s = tx.createStatement();
          ResultSet rs = s.executeQuery("SELECT audit_public_key FROM appliance")) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
      }
    });
  }

  @Override
  public List<IssuedCheckpoint> issuedCheckpoints(long upTo) {
    return Sql.call(connection, tx -> {
      List<IssuedCheckpoint> out = new ArrayList<>();
      try (PreparedStatement ps = tx.prepareStatement(
          "SELECT tree_size, root_hash FROM audit_checkpoint WHERE tree_size > 0 AND tree_size <= ? ORDER BY tree_size")) {
        ps.setLong(1, upTo);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new IssuedCheckpoint(rs.getLong(1), rs.getString(2)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public void recordCheckpoint(long size, String rootHex, String note, Instant issuedAt) {
    Sql.run(connection, tx -> {
      // portable upsert (no vendor MERGE): update the row of this size if there is one, else insert
      int updated;
      try (PreparedStatement ps = tx.prepareStatement(
          "UPDATE audit_checkpoint SET root_hash = ?, note = ?, issued_at = ? WHERE tree_size = ?")) {
        ps.setString(1, rootHex);
        ps.setString(2, note);
        ps.setString(3, issuedAt.toString());
        ps.setLong(4, size);
        updated = ps.executeUpdate();
      }
      if (updated == 0) {
        try (PreparedStatement ps = tx.prepareStatement(
            "INSERT INTO audit_checkpoint(tree_size, root_hash, note, issued_at) VALUES (?,?,?,?)")) {
          ps.setLong(1, size);
          ps.setString(2, rootHex);
          ps.setString(3, note);
          ps.setString(4, issuedAt.toString());
          ps.executeUpdate();
        }
      }
    });
  }
}
