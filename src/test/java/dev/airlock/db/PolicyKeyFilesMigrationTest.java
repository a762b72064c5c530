package dev.airlock.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.airlock.core.Home;
import dev.airlock.testing.ApplianceLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Migration V10 records the key files of policies installed before it, so that a stored decision
 * of an upgraded home is keyed by its key files' bytes without parsing the policy each time.
 */
class PolicyKeyFilesMigrationTest {
  private static String keyFiles(Home home) {
    return Database.open(home).readTransaction(tx -> {
      try (Statement s = tx.connection().createStatement();
          ResultSet rs = s.executeQuery("SELECT key_files FROM policy_install ORDER BY id DESC LIMIT 1")) {
        rs.next();
        return rs.getString(1);
      } catch (java.sql.SQLException e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void aHomeOfV9GetsItsPolicysKeyFilesRecorded() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      Path key = l.write("policies/keys/it.pub", l.vendor.publicKeyPem());
      assertEquals(0, l.init(l.policy("file-key", ApplianceLab.FILE_KEY)).code());
      assertEquals(key.toAbsolutePath().normalize().toString(), keyFiles(Home.at(l.home)));
      // the same database as V9 left it: no column, no record of V10
      Path v9 = Files.createDirectories(l.dir.resolve("v9-home"));
      Files.copy(l.home.resolve("airlock.mv.db"), v9.resolve("airlock.mv.db"));
      try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + v9.resolve("airlock").toAbsolutePath()
          + ";FILE_LOCK=FS", "airlock", "");
          Statement s = c.createStatement()) {
        s.execute("ALTER TABLE policy_install DROP COLUMN key_files");
        s.execute("DELETE FROM schema_version WHERE version = 10");
      }
      assertEquals(key.toAbsolutePath().normalize().toString(), keyFiles(Home.at(v9)));
      assertEquals(10, Database.open(Home.at(v9)).schemaVersion());
    }
  }

  @Test
  void aPolicyWithoutKeyFilesRecordsNone() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("hospital", ApplianceLab.HOSPITAL)).code());
      assertEquals("", keyFiles(Home.at(l.home)));
    }
  }
}
