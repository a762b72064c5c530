package dev.airlock.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import dev.airlock.store.*;
import dev.airlock.store.DecisionStore.*;

/**
 * H2 implementation of {@link DecisionRepository}: the SQL moved here from {@code store.DecisionStore} unchanged in
 * semantics and order. Every method works in the caller's transaction (the connection of one
 * {@link Transaction}).
 */
final class H2Decisions implements DecisionRepository {
  private final Connection connection;

  H2Decisions(Connection connection) {
    this.connection = connection;
  }
  @Override
  public void put(Entry e) {
    Sql.run(connection, tx -> {
      try (PreparedStatement p = tx.prepareStatement("DELETE FROM decision_cache WHERE digest = ? AND reference = ?")) {
        p.setString(1, e.digest());
        p.setString(2, e.reference());
        p.executeUpdate();
      }
      try (PreparedStatement p = tx.prepareStatement("INSERT INTO decision_cache(digest, reference, policy_digest,"
          + " trust_id, tlog_state, decision, releasable, reasons, verdict, decided_at, valid_until, printed)"
          + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
        p.setString(1, e.digest());
        p.setString(2, e.reference());
        p.setString(3, e.policyDigest());
        p.setString(4, e.trustId());
        p.setString(5, e.tlogState());
        p.setString(6, e.decision());
        p.setBoolean(7, e.releasable());
        p.setString(8, String.join(",", e.reasons()));
        p.setString(9, e.verdictJson());
        p.setTimestamp(10, Timestamp.from(e.decidedAt()));
        p.setTimestamp(11, e.validUntil() == null ? null : Timestamp.from(e.validUntil()));
        p.setString(12, e.printed());
        p.executeUpdate();
      }
    });
  }
  @Override
  public Optional<Entry> get(String digest, String reference) {
    return Sql.call(connection, tx -> {
      List<Entry> l = query(tx, "SELECT * FROM decision_cache WHERE digest = ? AND reference = ?", digest, reference);
      return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    });
  }

  /** Every stored decision of one image. */
  @Override
  public List<Entry> forDigest(String digest) {
    return Sql.call(connection, tx -> {
      return query(tx, "SELECT * FROM decision_cache WHERE digest = ? ORDER BY reference", digest);
    });
  }

  /** Forgets every stored decision of an image (its signature material changed). */
  @Override
  public void forget(String digest) {
    Sql.run(connection, tx -> {
      try (PreparedStatement p = tx.prepareStatement("DELETE FROM decision_cache WHERE digest = ?")) {
        p.setString(1, digest);
        p.executeUpdate();
      }
    });
  }

  private static List<Entry> query(Connection tx, String sql, String... args) throws SQLException {
    List<Entry> out = new ArrayList<>();
    try (PreparedStatement p = tx.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setString(i + 1, args[i]);
      }
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          String reasons = rs.getString("reasons");
          Timestamp until = rs.getTimestamp("valid_until");
          out.add(new Entry(rs.getString("digest"), rs.getString("reference"), rs.getString("policy_digest"),
              rs.getString("trust_id"), rs.getString("tlog_state"), rs.getString("decision"),
              rs.getBoolean("releasable"), reasons.isEmpty() ? List.of() : List.of(reasons.split(",")),
              rs.getString("verdict"), rs.getTimestamp("decided_at").toInstant(),
              until == null ? null : until.toInstant(), rs.getString("printed")));
        }
      }
    }
    return out;
  }
}
