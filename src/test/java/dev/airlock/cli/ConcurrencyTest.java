package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real airlock processes on one home at the same time (DESIGN.md section 4: busy is exit 3). */
class ConcurrencyTest {
  @TempDir Path dir;

  static Process start(Path log, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    // the subprocess inherits the test JVM's network namespace (scripts/test-jvm): loopback only
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    for (String a : args) {
      if (a.startsWith("-D")) {
        cmd.add(a);
      }
    }
    cmd.add("dev.airlock.cli.Main");
    for (String a : args) {
      if (!a.startsWith("-D")) {
        cmd.add(a);
      }
    }
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  @Test
  void concurrentProcessesAllSucceedOrReportBusyAndTheLogStaysIntact() throws Exception {
    Home home = AuditHarness.initHome(dir, 3);
    String h = home.root().toString();
    List<Process> ps = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path log = dir.resolve("p" + i + ".log");
      logs.add(log);
      ps.add(start(log, "--home", h, "audit", "export", "-o", dir.resolve("e" + i + ".jsonl").toString()));
    }
    Path vlog = dir.resolve("verify.log");
    logs.add(vlog);
    ps.add(start(vlog, "--home", h, "audit", "verify"));
    int ok = 0;
    for (int i = 0; i < ps.size(); i++) {
      assertTrue(ps.get(i).waitFor(120, TimeUnit.SECONDS), "process " + i + " finished");
      int code = ps.get(i).exitValue();
      String out = Files.readString(logs.get(i), StandardCharsets.UTF_8);
      assertTrue(code == 0 || (code == 3 && out.contains("busy")), "process " + i + " exit " + code + ": " + out);
      if (code == 0) {
        ok++;
      }
    }
    assertTrue(ok >= 2, "at least two of the processes succeed, got " + ok);
    AuditHarness.Run v = AuditHarness.run("--home", h, "--json", "audit", "verify");
    assertEquals(0, v.code(), v.err());
    // init + 3 test events + one event per successful process
    assertEquals(4 + ok, v.json().get("events").asLong());
    for (int i = 0; i < 3; i++) {
      Path e = dir.resolve("e" + i + ".jsonl");
      if (Files.exists(e)) {
        assertEquals(0, AuditHarness.run("audit", "verify", e.toString(), "--key", h + File.separator + "audit.pub").code());
      }
    }
  }

  @Test
  void aProcessThatCannotGetTheDatabaseFailsWithBusy() throws Exception {
    Home home = AuditHarness.initHome(dir, 0);
    Path log = dir.resolve("busy.log");
    int code = Database.open(home).transaction(tx -> {
      // this JVM holds the database open while another process tries to use it
      Process p;
      try {
        p = start(log, "-Dairlock.busyTimeoutSeconds=1", "--home", home.root().toString(), "audit", "export",
            "-o", dir.resolve("x.jsonl").toString());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      return p.exitValue();
    });
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(3, code, out);
    assertTrue(out.contains("busy"), out);
    assertTrue(!out.contains("\tat "), "no stack trace: " + out);
    assertTrue(!Files.exists(dir.resolve("x.jsonl")));
    assertEquals(0, AuditHarness.run("--home", home.root().toString(), "audit", "verify").code());
  }
}
