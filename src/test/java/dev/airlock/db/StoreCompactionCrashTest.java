package dev.airlock.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.Home;
import dev.airlock.core.FileTrees;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of {@link StoreCompaction} with H2's default retention time: a fragmented home
 * whose chunks are older than the retention time (so the first commit compacts it) is copied for
 * each round; a child process commits rows and is killed (SIGKILL) at a random moment, most often
 * while it compacts. After every kill the database opens, every row committed before the child
 * started is there with its value, and the child's rows are a gapless prefix that holds every row
 * it reported committed. One child runs to the end and leaves the store no longer fragmented.
 */
class StoreCompactionCrashTest {
  static final int KILLS = Integer.getInteger("airlock.crashKills", 30);
  static final int ROWS = 40;
  @TempDir Path dir;

  @AfterEach
  void restoreInterval() {
    StoreCompaction.interval = Duration.ofMinutes(1);
  }

  @Test
  void aKillDuringCompactionLosesNoCommittedRow() throws Exception {
    Path template = dir.resolve("template");
    StoreCompaction.Shape before = fragmentWithDefaultRetention(template);
    assertTrue(before.fragmented(), "the template must make the first commit compact: " + before);

    Random random = new Random(17);
    int duringFirstCommit = 0;
    for (int k = 0; k < KILLS; k++) {
      Path home = dir.resolve("round-" + k);
      FileTrees.copy(template, home);
      Process p = child(home);
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      assertEquals("ready", first, "child did not start: " + Files.readString(dir.resolve("child.err")));
      // the child's lines are read as they come: killing a process closes its streams here
      java.util.concurrent.atomic.AtomicInteger last = new java.util.concurrent.atomic.AtomicInteger(-1);
      Thread reader = new Thread(() -> {
        try {
          for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("committed ")) {
              last.set(Integer.parseInt(line.split(" ")[1]));
            }
          }
        } catch (java.io.IOException e) {
          // the stream closed with the kill
        }
      });
      reader.start();
      Thread.sleep(random.nextInt(250));
      int reported = last.get(); // what the child reported before the kill (a later line may not have come yet)
      p.destroyForcibly();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      reader.join(5_000);
      if (reported < 0) {
        duringFirstCommit++;
      }
      int stored = check(home, "round " + k);
      assertTrue(stored >= reported + 1, "round " + k + ": the child reported row " + reported
          + " committed, the database has " + stored + " rows");
      FileTrees.delete(home);
    }
    System.out.println("store compaction crash test: " + KILLS + " kills, " + duringFirstCommit
        + " of them before the first commit (and its compaction) returned; nothing committed lost");
    assertTrue(duringFirstCommit >= KILLS / 5, "too few kills landed in the compacting commit: " + duringFirstCommit);

    Path home = dir.resolve("full");
    FileTrees.copy(template, home);
    Process p = child(home);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the full run did not finish");
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), log + Files.readString(dir.resolve("child.err")));
    assertEquals(ROWS, check(home, "full run"));
    StoreCompaction.Shape after = StoreCompactionTest.shape(Home.at(home));
    System.out.println("store compaction crash test: full run " + before + " -> " + after + "; " + log.lines().skip(1).findFirst().orElse(""));
    assertFalse(after.fragmented(), "the full run compacted: " + after);
  }

  /** Commits that fragment the file, then waits out H2's retention time (45 s) so its chunks may be rewritten. */
  private static StoreCompaction.Shape fragmentWithDefaultRetention(Path path) throws Exception {
    StoreCompactionTest.fragment(path, Duration.ofDays(1), StoreCompactionTest.SCRATCH,
        "CREATE TABLE after(id INT PRIMARY KEY, v VARCHAR(4000))");
    Thread.sleep(46_000); // H2's retention time is 45 s: younger chunks are never rewritten
    return StoreCompactionTest.shape(Home.at(path));
  }

  /**
   * Checks the rows and returns how many of the child's rows are stored (a gapless prefix). A read
   * transaction: a writer's commit here would compact the file itself.
   */
  private static int check(Path home, String what) {
    return StoreCompactionTest.read(Home.at(home), tx -> {
      assertEquals(StoreCompactionTest.COMMITS, prefix(tx, "scratch", what + ": rows committed before the child"));
      return prefix(tx, "after", what + ": the child's rows");
    });
  }

  /** Checks that {@code table} holds rows 0..n-1 with their values, and returns n. */
  private static int prefix(Transaction tx, String table, String what) throws java.sql.SQLException {
    try (PreparedStatement q = tx.connection().prepareStatement("SELECT id, v FROM " + table + " ORDER BY id");
        ResultSet rs = q.executeQuery()) {
      int n = 0;
      while (rs.next()) {
        assertEquals(n, rs.getInt(1), what + ": a gapless prefix");
        assertEquals(StoreCompactionTest.value(n), rs.getString(2), what + ": row " + n);
        n++;
      }
      return n;
    }
  }

  private Process child(Path home) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"), StoreCompactionCrashChild.class.getName(), home.toString(),
        Integer.toString(ROWS))
        .redirectError(dir.resolve("child.err").toFile())
        .start();
  }
}
