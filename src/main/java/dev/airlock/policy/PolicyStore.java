package dev.airlock.policy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The installed policy (DESIGN.md 6a "Which policy"): the last one set by {@code init --policy},
 * {@code policy set} or a TUF target {@code policy/airlock.yaml}. Every install is a row of
 * {@code policy_install}; the newest row is the installed policy.
 */
public final class PolicyStore {
  /** The TUF target that carries the appliance policy. */
  public static final String TUF_TARGET = "policy/airlock.yaml";

  private PolicyStore() {}

  /**
   * One installed policy.
   *
   * @param source {@code init}, {@code policy set} or {@code tuf}
   * @param baseDir folder relative key files resolve against, or null
   */
  public record Installed(long id, String name, String digest, byte[] bytes, Instant installedAt,
      String source, Path baseDir) {
    public Installed {
      bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    /** Parses the stored bytes (validated when installed, so errors here mean a corrupt state). */
    public Policy policy() {
      return PolicyParser.parse(bytes, source + " policy '" + name + "'", baseDir, digest);
    }
  }

  public static Optional<Installed> current(Connection tx) throws SQLException {
    try (PreparedStatement p = tx.prepareStatement(
        "SELECT id, name, digest, bytes, installed_at, source, base_dir FROM policy_install "
            + "ORDER BY id DESC LIMIT 1");
        ResultSet rs = p.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      String dir = rs.getString(7);
      return Optional.of(new Installed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4),
          Instant.parse(rs.getString(5)), rs.getString(6), dir == null ? null : Path.of(dir)));
    }
  }

  /** Records a validated policy as the installed one. */
  public static Installed install(Connection tx, Policy policy, byte[] bytes, String source, Path baseDir,
      Instant at) throws SQLException {
    try (PreparedStatement p = tx.prepareStatement(
        "INSERT INTO policy_install(name, digest, bytes, installed_at, source, base_dir) VALUES (?,?,?,?,?,?)",
        new String[] {"ID"})) {
      p.setString(1, policy.name());
      p.setString(2, policy.digest());
      p.setBytes(3, bytes);
      p.setString(4, at.toString());
      p.setString(5, source);
      p.setString(6, baseDir == null ? null : baseDir.toString());
      p.executeUpdate();
    }
    return current(tx).orElseThrow();
  }
}
