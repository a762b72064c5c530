package dev.airlock.audit;

import dev.airlock.core.Home;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The golden files of src/test/resources/dev/airlock/audit/v1 (an appliance before format v2). */
public final class AuditFixtures {
  private static final String BASE = "/dev/airlock/audit/v1/";
  private static final List<String> HOME_FILES = List.of("audit.checkpoint", "audit.checkpoint.frontier",
      "audit.pub", "keys/audit.key", "keys/audit.pub", "tuf/root.json");

  private AuditFixtures() {}

  /** Copies a resource of the fixture (e.g. {@code v1-export.jsonl}) to {@code target}. */
  public static Path copy(String name, Path target) {
    try (InputStream in = AuditFixtures.class.getResourceAsStream(BASE + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + BASE + name);
      }
      Files.createDirectories(target.toAbsolutePath().getParent());
      Files.copy(in, target);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The v1 export written by the old code. */
  public static Path v1Export(Path dir) {
    return copy("v1-export.jsonl", dir.resolve("v1-export.jsonl"));
  }

  /**
   * A home as the old code left it: the files copied and {@code airlock.mv.db} rebuilt from the
   * H2 script (schema version 5, 10 events of format v1). Migrations run on its first open.
   */
  public static Home v1Home(Path dir) {
    Path home = dir.resolve("v1-home");
    for (String f : HOME_FILES) {
      copy("home/" + f, home.resolve(f));
    }
    Path script = copy("home/airlock.sql", dir.resolve("v1-airlock.sql"));
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + home.resolve("airlock").toAbsolutePath(),
            "airlock", "");
        Statement s = c.createStatement()) {
      s.execute("RUNSCRIPT FROM '" + script.toAbsolutePath().toString().replace("'", "''") + "'");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot rebuild the v1 database: " + e.getMessage(), e);
    }
    return Home.at(home);
  }
}
