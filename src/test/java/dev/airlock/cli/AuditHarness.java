package dev.airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.airlock.audit.AuditEvent;
import dev.airlock.audit.AuditLog;
import dev.airlock.audit.TestRoots;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.core.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** In-process CLI runs and direct database access for the audit and init tests. */
final class AuditHarness {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

  record Run(int code, String out, String err) {
    JsonNode json() {
      return Json.parse(out.getBytes(StandardCharsets.UTF_8), "stdout");
    }
  }

  private AuditHarness() {}

  static Run run(Clock clock, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, clock, Map.of("USER", "tester", "HOSTNAME", "testhost"),
        new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  static Run run(String... args) {
    return run(CLOCK, args);
  }

  static Path demoRoot(Path dir) throws Exception {
    return TestRoots.write(dir.resolve("root.json"), Instant.parse("2036-01-01T00:00:00Z"), 3, 2, 2);
  }

  /** A fresh initialised home with {@code extra} more events appended (seq 2..extra+1). */
  static Home initHome(Path dir, int extra) throws Exception {
    Files.createDirectories(dir);
    Path root = demoRoot(dir);
    Path h = dir.resolve("home");
    Run r = run("--home", h.toString(), "init", "--root", root.toString());
    if (r.code() != 0) {
      throw new AssertionError("init failed: " + r.err());
    }
    Home home = Home.at(h);
    append(home, extra, Instant.parse("2026-11-22T10:00:00Z"));
    return home;
  }

  static void append(Home home, String subject) {
    Database.open(home).jdbcTransaction(tx -> tx.audit().append(new AuditEvent(CLOCK.instant(), "tester", "testhost",
        "import", "import", subject, "ok", List.of(), null)));
  }

  /** One event with the v2 who/why fields. */
  static void append(Home home, String subject, String account, String sudoUser, String reason) {
    Database.setAfterCommit((h, t) -> dev.airlock.audit.AuditCheckpoint.refresh(h, t.audit()));
    Database.open(home).jdbcTransaction(tx -> tx.audit().append(new AuditEvent(CLOCK.instant(), "tester", "testhost",
        "policy set", "policy.set", subject, "ok", List.of(), null, account, sudoUser, reason)));
  }

  static void append(Home home, int n, Instant start) {
    if (n == 0) {
      return;
    }
    Database.setAfterCommit((h, t) -> dev.airlock.audit.AuditCheckpoint.refresh(h, t.audit()));
    Database.open(home).jdbcTransaction(tx -> {
      for (int i = 0; i < n; i++) {
        var d = JsonNodeFactory.instance.objectNode();
        d.put("n", i);
        d.put("note", "test event \"" + i + "\"");
        tx.audit().append(new AuditEvent(start.plusSeconds(i), "tester", "testhost", "verify", "verify",
            "sha256:" + "ab".repeat(32), i % 3 == 0 ? "deny" : "admit", i % 3 == 0 ? List.of("THRESHOLD_NOT_MET") : List.of(), d));
      }
      return null;
    });
  }

  /** Runs SQL as an attacker with database access would (no checkpoint refresh afterwards). */
  static void sql(Home home, String... statements) {
    Database.setAfterCommit(null);
    Database.open(home).jdbcTransaction(tx -> {
      try (Statement s = tx.connection().createStatement()) {
        for (String sql : statements) {
          s.execute(sql);
        }
      }
      return null;
    });
  }

  static long count(Home home, String sql) {
    return Database.open(home).jdbcTransaction(tx -> {
      try (Statement s = tx.connection().createStatement(); var rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  static String read(Path p) throws Exception {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}
