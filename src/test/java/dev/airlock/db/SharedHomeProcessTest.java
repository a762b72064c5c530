package dev.airlock.db;

import static dev.airlock.testing.ApplianceLab.ONE_VENDOR_KEY;
import static dev.airlock.testing.ApplianceLab.SEG;
import static dev.airlock.testing.ApplianceLab.logged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.Home;
import dev.airlock.testing.ApplianceLab;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A long-running process holds the home's database open (what {@code airlock serve} does) while
 * real CLI commands run against the same home in other JVMs: they reach the database through the
 * holder's local channel on 127.0.0.1, succeed, and the holder sees their changes through the state
 * version and a fresh read. Also: concurrent audit appends from two processes leave a chain that
 * {@code audit verify} accepts, a holder killed with SIGKILL does not lock the home, and a stale
 * address does not fail a command that waits for the file.
 */
class SharedHomeProcessTest {
  /** A child JVM of the test classpath. */
  static Process java(Path log, Class<?> main, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        // without a holder, short processes hand the database over (each waits for the other's unit
        // of work); under CI's load the test is about the chain, not about the length of that wait
        "-Dairlock.busyTimeoutSeconds=180",
        "-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder b = new ProcessBuilder(cmd);
    return (log == null ? b.redirectError(ProcessBuilder.Redirect.INHERIT) : b.redirectErrorStream(true)
        .redirectOutput(log.toFile())).start();
  }

  /** The holder child: one request line in, one answer line out. */
  static final class Holder implements AutoCloseable {
    final Process p;
    final BufferedReader out;
    final PrintWriter in;
    final long readyVersion;

    Holder(Path home) throws IOException {
      p = java(null, HoldingChild.class, home.toString());
      out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      in = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8);
      String ready = out.readLine();
      assertTrue(ready != null && ready.startsWith("READY "), "holder did not start: " + ready);
      readyVersion = Long.parseLong(ready.substring(6));
    }

    String ask(String request) throws IOException {
      in.println(request);
      String answer = out.readLine();
      assertTrue(answer != null, "holder died answering " + request);
      return answer;
    }

    long version() throws IOException {
      return Long.parseLong(ask("version"));
    }

    @Override
    public void close() throws Exception {
      if (p.isAlive()) {
        in.println("exit");
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  static ApplianceLab.MediumBuilder medium(ApplianceLab l) {
    ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
    m.image("x", List.of(SEG + ":4.0"), logged(l.vendor));
    return m;
  }

  @Test
  void cliCommandsRunWhileAnotherProcessHoldsTheHomeAndItSeesTheirChanges() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", ONE_VENDOR_KEY)).code());
      ApplianceLab.MediumBuilder m = medium(l);
      // databases other tests of this JVM still have open listen too; only new listeners count
      java.util.Set<String> listeners = DatabaseSharingTest.ownListeners();
      System.out.println("listeners of this JVM before the holder starts: " + listeners);
      try (Holder serve = new Holder(l.home)) {
        String before = serve.ask("policy");
        assertTrue(before.startsWith("lax "), before);
        long v0 = serve.version();
        assertEquals(serve.readyVersion, v0);

        ApplianceLab.Run set = l.run("policy", "set",
            l.policy("strict", ONE_VENDOR_KEY.replace("name: lax", "name: strict")).toString());
        assertEquals(0, set.code(), set.toString());
        long v1 = serve.version();
        assertTrue(v1 > v0, "policy set moved the state version: " + v0 + " -> " + v1);
        String after = serve.ask("policy");
        assertTrue(after.startsWith("strict "), "the holder reads the new policy at once: " + after);
        assertNotEquals(before.split(" ")[1], after.split(" ")[1]);

        ApplianceLab.Run imported = l.run("import", m.path().toString());
        assertEquals(0, imported.code(), imported.toString());
        long v2 = serve.version();
        assertTrue(v2 > v1, "import moved the state version");

        long head = Long.parseLong(serve.ask("head"));
        ApplianceLab.Run verified = l.run("--json", "verify", SEG + ":4.0");
        assertEquals(0, verified.code(), verified.toString());
        assertTrue(Long.parseLong(serve.ask("head")) > head, "the holder sees verify's audit event");

        ApplianceLab.Run audit = l.run("audit", "verify");
        assertEquals(0, audit.code(), audit.toString());
        // this JVM reached the database through the holder's server: it never listened itself
        java.util.Set<String> now = DatabaseSharingTest.ownListeners();
        now.removeAll(listeners);
        assertTrue(now.isEmpty(), "this JVM was a client only: " + now);
        assertTrue(serve.p.isAlive());
      }
      // the holder is gone: the CLI opens the database itself again
      assertEquals(0, l.run("verify", SEG + ":4.0").code());
      assertFalse(Files.exists(l.home.resolve("airlock.trace.db")),
          "finding the file locked by the holder is no error H2 writes into the home");
    }
  }

  @ParameterizedTest(name = "with a holder: {0}")
  @ValueSource(booleans = {true, false})
  void twoProcessesAppendingAuditEventsConcurrentlyLeaveAChainThatVerifies(boolean held) throws Exception {
    int n = 50;
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", ONE_VENDOR_KEY)).code());
      assertEquals(0, l.run("import", medium(l).path().toString()).code());
      Database db = Database.open(Home.at(l.home));
      long h0 = db.readTransaction(tx -> tx.audit().head(false).seq());
      assertEquals(0, l.run("verify", SEG + ":4.0").code());
      long perVerify = db.readTransaction(tx -> tx.audit().head(false).seq()) - h0;
      assertTrue(perVerify >= 1, "verify is audited");
      long start = db.readTransaction(tx -> tx.audit().head(false).seq());
      // with a holder, this JVM is serve; without, the two CLI processes hand the database over
      try (Database.Holder serve = held ? db.holdOpen() : null) {
        List<Process> ps = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          Path log = l.dir.resolve("loop" + i + ".log");
          logs.add(log);
          ps.add(java(log, VerifyLoopChild.class, l.home.toString(), l.clock.instant().toString(),
              SEG + ":4.0", Integer.toString(n)));
        }
        for (int i = 0; i < 2; i++) {
          assertTrue(ps.get(i).waitFor(15, TimeUnit.MINUTES), "loop " + i + " finished");
          String out = Files.readString(logs.get(i));
          assertTrue(out.contains("DONE ok=" + n + " "), "every verify of process " + i + " succeeded: " + out);
        }
      }
      long end = db.readTransaction(tx -> tx.audit().head(false).seq());
      assertEquals(start + 2L * n * perVerify, end, "one audit entry per verify, none lost");
      ApplianceLab.Run audit = l.run("--json", "audit", "verify");
      assertEquals(0, audit.code(), audit.toString());
    }
  }

  @Test
  void aHolderKilledWithSigkillDoesNotLockTheHome() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", ONE_VENDOR_KEY)).code());
      Holder serve = new Holder(l.home);
      serve.version();
      serve.p.destroyForcibly();
      assertTrue(serve.p.waitFor(30, TimeUnit.SECONDS));
      assertTrue(Files.exists(l.home.resolve(LocalChannel.FILE)), "SIGKILL leaves the published address behind");
      long t0 = System.nanoTime();
      ApplianceLab.Run r = l.run("policy", "set",
          l.policy("strict", ONE_VENDOR_KEY.replace("name: lax", "name: strict")).toString());
      long millis = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(0, r.code(), r.toString());
      // the operating system released the killed process's file lock: the next process opens the
      // file at once and never reads the stale address (H2's FILE lock took over after 2-4 s)
      assertTrue(millis < 10_000, "opened the home of a killed holder in " + millis + " ms");
      System.out.println("home of a killed holder opened in " + millis + " ms");
      assertEquals(0, l.run("audit", "verify").code());
    }
  }

  /**
   * A process that has the file open without serving it (a short command) keeps a CLI process of
   * another JVM waiting, even with an address in the home that leads to a live server that refuses
   * the key (a stale address whose port another holder took): the waiting command retries, and
   * runs as soon as the file is free.
   */
  /**
   * A command beside a process that serves the home (serve) is that process's client: it opens no
   * file, and its units of work (the migration check, the decision with its audit event, the
   * audit checkpoint) share the one session it opened first, instead of a handshake with the
   * server each (issue 17: a cold verify IMAGE beside serve).
   */
  @Test
  void aCommandBesideAHolderUsesOneSession() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", ONE_VENDOR_KEY)).code());
      assertEquals(0, l.run("import", medium(l).path().toString()).code());
      try (Database.Holder serve = Database.open(Home.at(l.home)).holdOpen()) {
        long events = Database.open(Home.at(l.home)).readTransaction(tx -> tx.audit().head(false).seq());
        Path log = l.dir.resolve("client.log");
        Process child = java(log, VerifyLoopChild.class, l.home.toString(), l.clock.instant().toString(), SEG + ":4.0", "1");
        assertTrue(child.waitFor(5, TimeUnit.MINUTES));
        String out = Files.readString(log);
        assertTrue(out.contains("DONE ok=1 "), "the client verified: " + out);
        assertTrue(out.contains(" sessions=1 "), "one session for the whole command: " + out);
        long after = Database.open(Home.at(l.home)).readTransaction(tx -> tx.audit().head(false).seq());
        assertEquals(events + 1, after, "its decision was audited through the holder");
      }
    }
  }

  @Test
  void aCommandWaitsPastAStaleAddressForTheFile() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", ONE_VENDOR_KEY)).code());
      assertEquals(0, l.run("import", medium(l).path().toString()).code());
      Home other = Home.at(Files.createDirectories(l.dir.resolve("other-home")));
      Database.create(other);
      Database.Holder otherServe = Database.open(other).holdOpen();
      try (otherServe) {
        LocalChannel.Address theirs = LocalChannel.read(other);
        Files.writeString(l.home.resolve(LocalChannel.FILE), "port=" + theirs.port() + "\nkey=" + "0".repeat(32) + "\n");
        Process child;
        Path log = l.dir.resolve("waiting.log");
        try (Database.Holder kept = Database.keepOpen(Home.at(l.home))) {
          assertTrue(kept != null, "this JVM has the file open, serving nobody");
          child = java(log, VerifyLoopChild.class, l.home.toString(), l.clock.instant().toString(), SEG + ":4.0", "1");
          assertFalse(child.waitFor(3, TimeUnit.SECONDS), "the child waits while the file is open here: "
              + (child.isAlive() ? "" : Files.readString(log)));
        }
        assertTrue(child.waitFor(5, TimeUnit.MINUTES));
        String out = Files.readString(log);
        assertTrue(out.contains("DONE ok=1 "), "the child verified once the file was free: " + out);
      }
    }
  }
}
