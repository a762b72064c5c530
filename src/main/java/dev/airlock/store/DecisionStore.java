package dev.airlock.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stored decisions (migration V7): a cache keyed by (digest, reference, policy digest, trust id,
 * transparency-log state), never an authority (DESIGN.md 6b). Works in the caller's transaction.
 * Plain SQL (DELETE + INSERT, no vendor upsert) so that another database can take it unchanged.
 */
public final class DecisionStore {
  private DecisionStore() {}

  /**
   * One stored decision.
   *
   * @param reference the reference as it was asked ({@code repo:tag}, {@code repo@sha256:...} or
   *     a bare digest)
   * @param validUntil null when nothing bounds it
   */
  public record Entry(String digest, String reference, String policyDigest, String trustId, String tlogState,
      String decision, boolean releasable, List<String> reasons, String verdictJson, Instant decidedAt,
      Instant validUntil) {
    public Entry {
      reasons = List.copyOf(reasons);
    }

    /** Valid for these current key values at {@code now}. */
    public boolean currentFor(String policy, String trust, String tlog, Instant now) {
      return policyDigest.equals(policy) && trustId.equals(trust) && tlogState.equals(tlog)
          && (validUntil == null || now.isBefore(validUntil));
    }
  }

  public static void put(Connection tx, Entry e) throws SQLException {
    try (PreparedStatement p = tx.prepareStatement("DELETE FROM decision_cache WHERE digest = ? AND reference = ?")) {
      p.setString(1, e.digest());
      p.setString(2, e.reference());
      p.executeUpdate();
    }
    try (PreparedStatement p = tx.prepareStatement("INSERT INTO decision_cache(digest, reference, policy_digest,"
        + " trust_id, tlog_state, decision, releasable, reasons, verdict, decided_at, valid_until)"
        + " VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
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
      p.executeUpdate();
    }
  }

  public static Optional<Entry> get(Connection tx, String digest, String reference) throws SQLException {
    List<Entry> l = query(tx, "SELECT * FROM decision_cache WHERE digest = ? AND reference = ?", digest, reference);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  /** Every stored decision of one image. */
  public static List<Entry> forDigest(Connection tx, String digest) throws SQLException {
    return query(tx, "SELECT * FROM decision_cache WHERE digest = ? ORDER BY reference", digest);
  }

  /** Forgets every stored decision of an image (its signature material changed). */
  public static void forget(Connection tx, String digest) throws SQLException {
    try (PreparedStatement p = tx.prepareStatement("DELETE FROM decision_cache WHERE digest = ?")) {
      p.setString(1, digest);
      p.executeUpdate();
    }
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
              until == null ? null : until.toInstant()));
        }
      }
    }
    return out;
  }
}
