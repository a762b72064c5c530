package dev.airlock.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import dev.airlock.policy.*;
import dev.airlock.policy.PolicyStore.*;

/**
 * H2 implementation of {@link PolicyRepository}: the SQL moved here from {@code policy.PolicyStore} unchanged in
 * semantics and order. Every method works in the caller's transaction (the connection of one
 * {@link Transaction}).
 */
final class H2Policies implements PolicyRepository {
  private final Connection connection;

  H2Policies(Connection connection) {
    this.connection = connection;
  }
  @Override
  public Optional<Installed> current() {
    return Sql.call(connection, tx -> {
      try (PreparedStatement p = tx.prepareStatement(COLUMNS + "ORDER BY id DESC LIMIT 1");
          ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(installed(rs)) : Optional.empty();
      }
    });
  }

  private static final String COLUMNS =
      "SELECT id, name, digest, bytes, installed_at, source, base_dir, key_files FROM policy_install ";

  /** The {@link Installed} of the current row of a {@link #COLUMNS} query. */
  private static Installed installed(ResultSet rs) throws SQLException {
    String dir = rs.getString(7);
    String files = rs.getString(8);
    return new Installed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4),
        Instant.parse(rs.getString(5)), rs.getString(6), dir == null ? null : Path.of(dir),
        files == null ? null : files.isEmpty() ? List.of() : List.of(files.split("\n")));
  }

  /** Records a validated policy as the installed one. */
  @Override
  public Installed install(Policy policy, byte[] bytes, String source, Path baseDir, Instant at) {
    return Sql.call(connection, tx -> {
      try (PreparedStatement p = tx.prepareStatement(
          "INSERT INTO policy_install(name, digest, bytes, installed_at, source, base_dir, key_files)"
              + " VALUES (?,?,?,?,?,?,?)",
          new String[] {"ID"})) {
        p.setString(1, policy.name());
        p.setString(2, policy.digest());
        p.setBytes(3, bytes);
        p.setString(4, at.toString());
        p.setString(5, source);
        p.setString(6, baseDir == null ? null : baseDir.toString());
        p.setString(7, keyFilesColumn(policy));
        p.executeUpdate();
      }
      return current().orElseThrow();
    });
  }

  /** The {@code key_files} value of {@code policy}: one path a line, or null when a path holds a line break. */
  private static String keyFilesColumn(Policy policy) {
    List<String> files = PolicyStore.keyFiles(policy);
    // a path holding a line break cannot be listed: left unrecorded, the policy is parsed to find it
    return files.stream().anyMatch(f -> f.indexOf('\n') >= 0) ? null : String.join("\n", files);
  }

  /**
   * Migration V10's second half: records the key files of each installed policy that has none
   * recorded (installed before V10), parsed from its stored bytes as {@link Installed#policy()}
   * parses them. A row whose policy no longer parses keeps none: a decision under it parses it
   * and fails, as before.
   */
  static void recordKeyFiles(Connection c) throws SQLException {
    List<Installed> rows = new java.util.ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(COLUMNS + "WHERE key_files IS NULL");
        ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        rows.add(installed(rs));
      }
    }
    for (Installed i : rows) {
      String files;
      try {
        files = keyFilesColumn(i.policy());
      } catch (RuntimeException e) {
        continue; // a policy that no longer parses: its decisions meet the same error
      }
      try (PreparedStatement p = c.prepareStatement("UPDATE policy_install SET key_files = ? WHERE id = ?")) {
        p.setString(1, files);
        p.setLong(2, i.id());
        p.executeUpdate();
      }
    }
  }

  @Override
  public Optional<String> latestDigest(String source) {
    return Sql.call(connection, tx -> {
      try (PreparedStatement p = tx.prepareStatement(
          "SELECT digest FROM policy_install WHERE source = ? ORDER BY id DESC LIMIT 1")) {
        p.setString(1, source);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
      }
    });
  }
}
