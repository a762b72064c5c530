package dev.airlock.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.audit.AuditCheckpoint;
import dev.airlock.audit.AuditEvent;
import dev.airlock.audit.AuditKeys;
import dev.airlock.audit.AuditLog;
import dev.airlock.audit.AuditTree;
import dev.airlock.audit.TestRoots;
import dev.airlock.cli.Main;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.core.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code scripts/bench audit}: appends 100,000 events through AuditLog.append, verifies a chain of
 * 1,000,000 events with the real {@code audit verify}, exports 100,000 events. Not a unit test.
 */
public final class AuditBench {
  private AuditBench() {}

  static final Clock CLOCK = Clock.systemUTC();

  public static void main(String[] args) throws Exception {
    int appendN = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int verifyN = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    Path tmp = Files.createTempDirectory("airlock-bench-");
    try {
      System.out.println("airlock audit benchmark (" + Runtime.getRuntime().availableProcessors() + " CPUs, java "
          + System.getProperty("java.version") + ", work dir " + tmp + ")");
      Path root = TestRoots.write(tmp.resolve("root.json"), Instant.parse("2036-01-01T00:00:00Z"), 3, 2, 2);

      // 1. append through the real code path
      Home a = init(tmp.resolve("append"), root);
      int perCommand = 200;
      long t0 = System.nanoTime();
      for (int i = 0; i < perCommand; i++) {
        final int k = i;
        Database.open(a).jdbcTransaction(tx -> tx.audit().append(event(k)));
      }
      double perCmdMs = (System.nanoTime() - t0) / 1e6 / perCommand;
      System.out.printf("append, one transaction per event (as a CLI command does, DB open+commit+checkpoint): %d events, %.2f ms/event%n",
          perCommand, perCmdMs);
      int batch = 1000;
      t0 = System.nanoTime();
      for (int done = 0; done < appendN; done += batch) {
        final int base = done;
        Database.open(a).jdbcTransaction(tx -> {
          for (int i = 0; i < batch; i++) {
            tx.audit().append(event(base + i));
          }
          return null;
        });
      }
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf("append via AuditLog.append, %d events in transactions of %d: %.1f s = %.0f events/s%n",
          appendN, batch, s, appendN / s);

      // 2. export 100,000 (+) events with the real command, then verify the export
      Path export = tmp.resolve("export.jsonl");
      t0 = System.nanoTime();
      cli("--home", a.root().toString(), "audit", "export", "-o", export.toString());
      s = (System.nanoTime() - t0) / 1e9;
      System.out.printf("audit export (jsonl, %d events with inclusion proofs): %.1f s, %d MB%n",
          appendN + perCommand + 1, s, Files.size(export) >> 20);
      t0 = System.nanoTime();
      cli("audit", "verify", export.toString(), "--key", AuditKeys.publicKeyFile(a).toString());
      System.out.printf("audit verify EXPORT --key (no database): %.1f s%n", (System.nanoTime() - t0) / 1e9);
      t0 = System.nanoTime();
      cli("--home", a.root().toString(), "audit", "export", "-o", tmp.resolve("export.csv").toString(), "--format", "csv");
      System.out.printf("audit export --format csv: %.1f s%n", (System.nanoTime() - t0) / 1e9);

      // 3. verify a chain of 1,000,000 events: batch-insert directly, then time the real verify
      Home v = init(tmp.resolve("verify"), root);
      t0 = System.nanoTime();
      bulkInsert(v, verifyN);
      System.out.printf("setup: bulk-inserted %d events in %.1f s%n", verifyN, (System.nanoTime() - t0) / 1e9);
      t0 = System.nanoTime();
      cli("--home", v.root().toString(), "audit", "verify");
      s = (System.nanoTime() - t0) / 1e9;
      System.out.printf("audit verify (database, chain + Merkle tree + signed checkpoint), %d events: %.1f s = %.0f events/s (goal < 10 s)%n",
          verifyN + 1, s, (verifyN + 1) / s);
    } finally {
      try (Stream<Path> w = Files.walk(tmp)) {
        w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static Home init(Path h, Path root) {
    cli("--home", h.toString(), "init", "--root", root.toString());
    return Home.at(h);
  }

  static void cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, CLOCK, System.getenv(), new PrintWriter(out), new PrintWriter(err));
    if (code != 0) {
      throw new IllegalStateException(String.join(" ", args) + " -> exit " + code + ": " + err);
    }
  }

  static AuditEvent event(int i) {
    ObjectNode d = JsonNodeFactory.instance.objectNode();
    d.put("mediaType", "application/vnd.airlock.verdict.v1+json");
    d.put("decision", i % 7 == 0 ? "deny" : "admit");
    d.putObject("subject").put("reference", "reg.example/ai/seg:2." + i).put("digest", "sha256:" + "ab".repeat(32));
    return new AuditEvent(Instant.parse("2026-11-22T10:00:00Z").plusMillis(i), "bench", "benchhost", "verify",
        "verify", "reg.example/ai/seg:2." + i, i % 7 == 0 ? "deny" : "admit",
        i % 7 == 0 ? List.of("THRESHOLD_NOT_MET") : List.of(), d);
  }

  /** Setup only: writes n chained events with JDBC batches, then the head row and a signed checkpoint. */
  static void bulkInsert(Home home, int n) {
    Database.setAfterCommit(null);
    Database.open(home).jdbcTransaction(tx -> {
      AuditLog.Head head = tx.audit().head(true);
      AuditTree.Frontier f = head.frontier();
      String prev = head.hash();
      long seq = head.seq();
      try (PreparedStatement p = tx.connection().prepareStatement("INSERT INTO audit_event(seq, event_time, operator, host, "
          + "command, action, subject, outcome, reasons, detail, prev_hash, hash, format_version) "
          + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1)")) {
        for (int i = 0; i < n; i++) {
          AuditEvent e = event(i);
          seq++;
          AuditLog.StoredEvent s = new AuditLog.StoredEvent(seq, e.time().toString(), e.operator(), e.host(), e.command(),
              e.action(), e.subject(), e.outcome(), Json.canonicalString(arr(e.reasons())),
              Json.canonicalString(e.detail()), prev, null);
          String hash = s.computedHash();
          f.append(s.leafHash());
          p.setLong(1, seq);
          p.setString(2, s.time());
          p.setString(3, s.operator());
          p.setString(4, s.host());
          p.setString(5, s.command());
          p.setString(6, s.action());
          p.setString(7, s.subject());
          p.setString(8, s.outcome());
          p.setString(9, s.reasonsJson());
          p.setString(10, s.detailJson());
          p.setString(11, prev);
          p.setString(12, hash);
          p.addBatch();
          prev = hash;
          if (i % 5000 == 4999) {
            p.executeBatch();
            tx.connection().commit();
          }
        }
        p.executeBatch();
      }
      try (PreparedStatement p = tx.connection().prepareStatement("UPDATE audit_head SET seq = ?, hash = ?, frontier = ?")) {
        p.setLong(1, seq);
        p.setString(2, prev);
        p.setString(3, f.toHex());
        p.executeUpdate();
      }
      AuditCheckpoint.write(home, AuditCheckpoint.sign(tx.audit().applianceId(), seq, f.root(),
          AuditKeys.loadPrivate(home), AuditKeys.loadPublic(AuditKeys.publicKeyFile(home))), f);
      return null;
    });
  }

  static com.fasterxml.jackson.databind.node.ArrayNode arr(List<String> l) {
    var a = JsonNodeFactory.instance.arrayNode();
    l.forEach(a::add);
    return a;
  }

  static Map<String, String> env() {
    return System.getenv();
  }
}
