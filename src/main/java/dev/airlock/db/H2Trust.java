package dev.airlock.db;

import dev.airlock.core.Json;
import dev.airlock.trust.InstalledSnapshot;
import dev.airlock.trust.TrustContent;
import dev.airlock.trust.TrustRepository;
import dev.airlock.trust.TrustStore;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * H2 implementation of {@link TrustRepository} (tables of migration V2 and the {@code appliance}
 * row's high-water mark): the SQL moved here from {@code trust.TrustStore} and
 * {@code core.Database} unchanged in semantics and order. Every method works in the caller's
 * transaction.
 */
final class H2Trust implements TrustRepository {
  private final Connection connection;

  H2Trust(Connection connection) {
    this.connection = connection;
  }

  @Override
  public Optional<InstalledSnapshot> currentInfo() {
    return Sql.call(connection, tx -> {
      List<InstalledSnapshot> h = query(tx, "SELECT * FROM trust_snapshot ORDER BY seq DESC LIMIT 1");
      return h.isEmpty() ? Optional.empty() : Optional.of(h.get(0));
    });
  }

  @Override
  public List<InstalledSnapshot> history() {
    return Sql.call(connection, tx -> query(tx, "SELECT * FROM trust_snapshot ORDER BY seq DESC"));
  }

  @Override
  public List<TrustContent> contents(long seq) {
    return Sql.call(connection, tx -> {
      List<TrustContent> out = new ArrayList<>();
      try (PreparedStatement p = tx.prepareStatement(
          "SELECT path, kind, custom, content FROM trust_content WHERE snapshot_seq = ? ORDER BY path")) {
        p.setLong(1, seq);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            String custom = rs.getString(3);
            out.add(new TrustContent(rs.getString(1), TrustContent.Kind.valueOf(rs.getString(2)),
                rs.getBytes(4), custom == null ? null : Json.parse(custom.getBytes(StandardCharsets.UTF_8), "custom")));
          }
        }
      }
      return out;
    });
  }

  @Override
  public void insert(long seq, String id, TrustStore.Install in) {
    Sql.run(connection, tx -> {
      try (PreparedStatement p = tx.prepareStatement(
          "INSERT INTO trust_snapshot(seq, id, installed_at, source, tuf_root_version, tuf_root_expires, "
              + "timestamp_version, timestamp_expires, snapshot_version, snapshot_expires, targets_version, "
              + "targets_expires, expired_timestamp_accepted) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        p.setLong(1, seq);
        p.setString(2, id);
        p.setObject(3, odt(in.installedAt()));
        p.setString(4, in.source());
        p.setInt(5, in.tufRootVersion());
        p.setObject(6, odt(in.tufRootExpires()));
        p.setInt(7, in.timestampVersion());
        p.setObject(8, odt(in.timestampExpires()));
        p.setInt(9, in.snapshotVersion());
        p.setObject(10, odt(in.snapshotExpires()));
        p.setInt(11, in.targetsVersion());
        p.setObject(12, odt(in.targetsExpires()));
        p.setBoolean(13, in.expiredTimestampAccepted());
        p.executeUpdate();
      }
      try (PreparedStatement p = tx.prepareStatement(
          "INSERT INTO trust_content(snapshot_seq, path, kind, sha256, custom, content) VALUES (?,?,?,?,?,?)")) {
        for (TrustContent c : in.contents()) {
          p.setLong(1, seq);
          p.setString(2, c.path());
          p.setString(3, c.kind().name());
          p.setString(4, c.sha256());
          p.setString(5, c.custom() == null ? null : Json.canonicalString(c.custom()));
          p.setBytes(6, c.content());
          p.addBatch();
        }
        p.executeBatch();
      }
    });
  }

  @Override
  public Optional<Instant> highestVerifiedTime() {
    return Sql.call(connection, tx -> {
      try (Statement s = tx.createStatement();
          ResultSet rs = s.executeQuery("SELECT MAX(highest_verified_time) FROM appliance")) {
        if (rs.next() && rs.getString(1) != null) {
          return Optional.of(Instant.parse(rs.getString(1)));
        }
      }
      return Optional.empty();
    });
  }

  @Override
  public void raiseVerifiedTime(Instant verified) {
    Sql.run(connection, tx -> {
      try (PreparedStatement p = tx.prepareStatement(
          "UPDATE appliance SET highest_verified_time = ? WHERE highest_verified_time IS NULL "
              + "OR highest_verified_time < ?")) {
        // ISO-8601 instants of equal precision sort as text; normalise to seconds precision + Z.
        String t = verified.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        p.setString(1, t);
        p.setString(2, t);
        p.executeUpdate();
      }
    });
  }

  private static List<InstalledSnapshot> query(Connection tx, String sql) throws SQLException {
    List<InstalledSnapshot> out = new ArrayList<>();
    try (PreparedStatement p = tx.prepareStatement(sql); ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        out.add(new InstalledSnapshot(rs.getLong("seq"), rs.getString("id"), inst(rs, "installed_at"),
            rs.getString("source"), rs.getInt("tuf_root_version"), inst(rs, "tuf_root_expires"),
            rs.getInt("timestamp_version"), inst(rs, "timestamp_expires"), rs.getInt("snapshot_version"),
            inst(rs, "snapshot_expires"), rs.getInt("targets_version"), inst(rs, "targets_expires"),
            rs.getBoolean("expired_timestamp_accepted")));
      }
    }
    return out;
  }

  private static Instant inst(ResultSet rs, String col) throws SQLException {
    OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static OffsetDateTime odt(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
