package dev.airlock.cli;

import static dev.airlock.cli.AuditHarness.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.audit.TestRoots;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitCommandTest {
  @TempDir Path dir;

  @Test
  void initCreatesTheHome() throws Exception {
    Path root = AuditHarness.demoRoot(dir);
    Path h = dir.resolve("home");
    AuditHarness.Run r = run("--home", h.toString(), "--json", "init", "--root", root.toString());
    assertEquals(0, r.code(), r.err());
    Home home = Home.at(h);
    assertTrue(home.isInitialised());
    assertTrue(Files.isDirectory(h.resolve("blobs/sha256")));
    assertArrayEquals(Files.readAllBytes(root), Files.readAllBytes(h.resolve("tuf/root.json")));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(h.resolve("keys/audit.key"))));
    assertTrue(AuditHarness.read(h.resolve("keys/audit.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
    String pub = AuditHarness.read(h.resolve("audit.pub"));
    assertEquals(pub, AuditHarness.read(h.resolve("keys/audit.pub")));
    assertEquals(pub, r.json().get("auditPublicKey").asText());
    assertTrue(r.json().get("applianceId").asText().matches("[0-9a-f]{32}"));
    assertEquals(10, Database.open(home).schemaVersion()); // V1..V10 (V10: an installed policy's key files)
    assertEquals(1, AuditHarness.count(home, "SELECT COUNT(*) FROM audit_event WHERE action = 'init' AND operator = 'tester'"));
    assertTrue(AuditHarness.read(h.resolve("audit.checkpoint")).contains("\n1\n"));
    assertEquals(0, run("--home", h.toString(), "audit", "verify").code());
    // no staging folders left next to the home
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(2, s.count(), "only root.json and home");
    }
  }

  @Test
  void humanOutputPrintsThePublicKey() throws Exception {
    Path root = AuditHarness.demoRoot(dir);
    AuditHarness.Run r = run("--home", dir.resolve("h").toString(), "init", "--root", root.toString());
    assertEquals(0, r.code());
    assertTrue(r.out().contains(AuditHarness.read(dir.resolve("h/audit.pub"))), r.out());
  }

  @Test
  void reInitIsRefusedUnlessForced() throws Exception {
    Path root = AuditHarness.demoRoot(dir);
    Path h = dir.resolve("home");
    AuditHarness.Run first = run("--home", h.toString(), "--json", "init", "--root", root.toString());
    assertEquals(0, first.code());
    AuditHarness.Run again = run("--home", h.toString(), "--json", "init", "--root", root.toString());
    assertEquals(2, again.code());
    assertEquals("HOME_EXISTS", again.json().get("reason").asText());
    assertTrue(again.err().contains("--force"), again.err());
    assertEquals(1, again.err().strip().lines().count(), again.err());
    AuditHarness.Run forced = run("--home", h.toString(), "--json", "init", "--force", "--root", root.toString());
    assertEquals(0, forced.code(), forced.err());
    assertNotEquals(first.json().get("applianceId"), forced.json().get("applianceId"));
    assertEquals(0, run("--home", h.toString(), "audit", "verify").code());
    try (Stream<Path> s = Files.list(dir)) {
      // DESIGN.md 6b: the old home is moved aside (never deleted); no staging folder is left
      List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(3, names.size(), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.startsWith("home.replaced-")), names.toString());
    }
  }

  @Test
  void forceNeverReplacesAFolderThatIsNotAnAirlockHome() throws Exception {
    Path root = AuditHarness.demoRoot(dir);
    Path h = Files.createDirectory(dir.resolve("documents"));
    Files.writeString(h.resolve("thesis.txt"), "precious");
    AuditHarness.Run r = run("--home", h.toString(), "--json", "init", "--force", "--root", root.toString());
    assertEquals(2, r.code(), r.err());
    assertEquals("HOME_EXISTS", r.json().get("reason").asText());
    assertEquals("precious", Files.readString(h.resolve("thesis.txt")));
  }

  @Test
  void badRootsAreRefusedAndLeaveNothing() throws Exception {
    Path h = dir.resolve("home");
    Files.writeString(dir.resolve("not-tuf.json"), "{\"hello\": 1}");
    Files.writeString(dir.resolve("garbage.json"), "\u0000\u0001 not json");
    TestRoots.write(dir.resolve("one-sig.json"), Instant.parse("2036-01-01T00:00:00Z"), 3, 2, 1);
    TestRoots.write(dir.resolve("expired.json"), Instant.parse("2026-01-01T00:00:00Z"), 3, 2, 2);
    Object[][] cases = {
        {"missing.json", 3, "MEDIUM_UNREADABLE"},
        {"not-tuf.json", 1, "TUF_MALFORMED"},
        {"garbage.json", 1, "TUF_MALFORMED"},
        {"one-sig.json", 1, "TUF_SIGNATURE_THRESHOLD"},
    };
    for (Object[] c : cases) {
      AuditHarness.Run r = run("--home", h.toString(), "--json", "init", "--root", dir.resolve((String) c[0]).toString());
      assertEquals(c[1], r.code(), c[0] + ": " + r.err());
      assertEquals(c[2], r.json().get("reason").asText(), c[0] + "");
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains((String) c[0]), r.err());
      assertFalse(Files.exists(h), c[0] + " left a home behind");
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(4, s.count(), "no staging folder left");
    }
  }

  /**
   * TUF spec v1.0.34 5.3.2: the trusted root's own expiry is not checked when it is loaded; only the
   * newest root after an update must be unexpired (issue 16: init with an expired pin was exit 3).
   */
  @Test
  void anExpiredPinnedRootIsPinnedWithANote() throws Exception {
    Path h = dir.resolve("home");
    Path expired = dir.resolve("expired.json");
    TestRoots.write(expired, Instant.parse("2026-01-01T00:00:00Z"), 3, 2, 2);
    AuditHarness.Run r = run("--home", h.toString(), "--json", "init", "--root", expired.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("expired at 2026-01-01T00:00:00Z") && r.err().contains("5.3.2"), r.err());
    assertEquals("2026-01-01T00:00:00Z", r.json().path("rootExpires").asText(), r.out());
    assertTrue(Files.isRegularFile(h.resolve("tuf").resolve("root.json")));
    // a forged (under-signed) root is still refused: only the expiry is not judged at pin time
    TestRoots.write(dir.resolve("one-sig-expired.json"), Instant.parse("2026-01-01T00:00:00Z"), 3, 2, 1);
    AuditHarness.Run bad = run("--home", dir.resolve("home2").toString(), "init", "--root",
        dir.resolve("one-sig-expired.json").toString());
    assertEquals(1, bad.code(), bad.err());
  }

  @Test
  void unwritableParentIsExit3AndLeavesNothing() throws Exception {
    Path root = AuditHarness.demoRoot(dir);
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    AuditHarness.Run r = run("--home", file.resolve("home").toString(), "--json", "init", "--root", root.toString());
    assertEquals(3, r.code(), r.err());
    assertEquals("STATE_WRITE_FAILED", r.json().get("reason").asText());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    Path ro = Files.createDirectory(dir.resolve("ro"));
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      if (!Files.isWritable(ro)) { // as root every folder is writable; the case above covers it
        AuditHarness.Run r2 = run("--home", ro.resolve("home").toString(), "init", "--root", root.toString());
        assertEquals(3, r2.code(), r2.err());
        try (Stream<Path> s = Files.list(ro)) {
          assertEquals(0, s.count());
        }
      }
    } finally {
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void corruptedDatabaseIsExit3() throws Exception {
    Home home = AuditHarness.initHome(dir, 0);
    Files.write(home.databaseFile(), "this is not an H2 file at all".repeat(200).getBytes(StandardCharsets.US_ASCII));
    AuditHarness.Run r = run("--home", home.root().toString(), "--json", "audit", "verify");
    assertEquals(3, r.code(), r.err());
    assertEquals("DATABASE_CORRUPT", r.json().get("reason").asText());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void invalidPolicyLeavesNoHome() throws Exception {
    Path root = AuditHarness.demoRoot(dir);
    Path pol = Files.writeString(dir.resolve("bad.yaml"), "apiVersion: airlock/v1\nkind: Policy\nname: t\nmodee: warn\n");
    Path h = dir.resolve("home-bad");
    AuditHarness.Run r = run("--home", h.toString(), "init", "--root", root.toString(), "--policy", pol.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("line 4, column 1: unknown key 'modee'"), r.err());
    assertFalse(Files.exists(h), "a refused init leaves no home");
  }

  @Test
  void policyIsStored() throws Exception {
    Path root = AuditHarness.demoRoot(dir);
    Path pol = Files.writeString(dir.resolve("policy.yaml"), "apiVersion: airlock/v1\nkind: Policy\nname: t\n");
    Path h = dir.resolve("home");
    assertEquals(0, run("--home", h.toString(), "init", "--root", root.toString(), "--policy", pol.toString()).code());
    Home home = Home.at(h);
    assertEquals(1, AuditHarness.count(home, "SELECT COUNT(*) FROM policy_install WHERE name = 't' AND source = 'init'"));
    assertEquals(1, AuditHarness.count(home, "SELECT COUNT(*) FROM audit_event WHERE detail LIKE '%\"policy\"%'"));
  }

  @Test
  void clockBehindTheVerifiedTimeIsReportedAndAudited() throws Exception {
    Home home = AuditHarness.initHome(dir, 0);
    AuditHarness.sql(home, "UPDATE appliance SET highest_verified_time = '2027-01-01T00:00:00Z'");
    Clock behind = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
    AuditHarness.Run r = AuditHarness.run(behind, "--home", home.root().toString(), "audit", "export", "-o",
        dir.resolve("e.jsonl").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("CLOCK_BEHIND"), r.err());
    assertEquals(1, AuditHarness.count(home,
        "SELECT COUNT(*) FROM audit_event WHERE action = 'audit.export' AND reasons LIKE '%CLOCK_BEHIND%' "
            + "AND event_time = '2027-01-01T00:00:00Z'"));
  }
}
