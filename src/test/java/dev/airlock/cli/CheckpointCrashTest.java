package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import dev.airlock.tlog.Checkpoint;
import dev.airlock.tlog.CheckpointStore;
import dev.airlock.tlog.LogKey;
import dev.airlock.tlog.MerkleTree;
import dev.airlock.tlog.NoteSigner;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of {@code checkpoint import} (issue 4): a child JVM importing checkpoints is killed
 * (SIGKILL) at random moments, 50 times. After every kill the store holds a gapless prefix of
 * committed imports, each checkpoint with its audit event (never one without the other), the stored
 * roots are the honest log's, and importing again continues to the end. Known limit: H2 as
 * configured in db/Database may roll back to an older committed state (printed, not failed).
 */
class CheckpointCrashTest {
  /** Issue 4 asks for at least 50; -Dairlock.crashKills=N changes it for a quick local run. */
  static final int KILLS = Integer.getInteger("airlock.crashKills", 50);
  static final int N = 200;
  @TempDir Path dir;

  @Test
  void killedImportsLeaveOldOrNewStateAndResume() throws Exception {
    Path home = dir.resolve("home");
    Database.create(Home.at(home));
    Path files = Files.createDirectories(dir.resolve("files"));
    KeyPair kp = Keys.generateEd25519();
    LogKey key = new LogKey("crash.example", kp.getPublic());
    Files.writeString(files.resolve("log.pub"), Keys.toPem(kp.getPublic()));
    MerkleTree tree = new MerkleTree();
    for (int size = 1; size <= N; size++) {
      tree.append(("entry " + size).getBytes(StandardCharsets.UTF_8));
      String body = new Checkpoint("crash.example", size, tree.root(), List.of()).toBody();
      Files.write(files.resolve("cp-" + size + ".checkpoint"),
          NoteSigner.note(body, NoteSigner.signatureLine("crash.example", key, kp.getPrivate(), body)));
      if (size > 1) {
        StringBuilder json = new StringBuilder("{\"origin\":\"crash.example\",\"oldSize\":" + (size - 1)
            + ",\"newSize\":" + size + ",\"hashes\":[");
        List<byte[]> proof = tree.consistencyProof(size - 1, size);
        for (int i = 0; i < proof.size(); i++) {
          json.append(i == 0 ? "" : ",").append('"').append(Hashing.hex(proof.get(i))).append('"');
        }
        Files.writeString(files.resolve("proof-" + size + ".proof.json"), json.append("]}"));
      }
    }
    Random random = new Random(4);
    int kills = 0;
    long lastCount = 0;
    int failedStarts = 0;
    while (kills < KILLS) {
      Process p = child(home, files);
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      if (first == null) {
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String err = Files.readString(dir.resolve("child.err"));
        assertTrue(++failedStarts <= 5, "child keeps failing to start after a kill: " + err);
        System.out.println("checkpoint crash test: child failed to start (exit " + p.exitValue() + "): "
            + err.lines().filter(l -> l.contains("Exception")).findFirst().orElse(err));
        continue;
      }
      assertTrue(first.startsWith("ready"), "child did not start: " + first);
      Thread.sleep(random.nextInt(120));
      p.destroyForcibly();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      kills++;
      long count = checkInvariants(home, tree);
      // Durability: a committed import never disappears when a later process is killed. H2 lost
      // commits this way (2-5 of every 50 kills) until Database (then core/, now db/) set MAX_COMPACT_TIME=0 and
      // WRITE_DELAY=0; this keeps it fixed.
      assertTrue(count >= lastCount,
          "kill " + kills + " lost committed imports: " + lastCount + " -> " + count);
      lastCount = count;
      if (count >= N) {
        break;
      }
    }
    Process p = child(home, files);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "final run did not finish");
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), log + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    assertEquals(N, checkInvariants(home, tree));
    System.out.println("checkpoint crash test: " + kills + " kills, " + lastCount
        + " checkpoints stored before the final run, none lost");
  }

  private Process child(Path home, Path files) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx256m",
        // quick start-up: 50 child JVMs on a shared 2-core build machine
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp",
        System.getProperty("java.class.path"), CheckpointCrashChild.class.getName(), home.toString(),
        files.toString(), Integer.toString(N))
        .redirectError(dir.resolve("child.err").toFile())
        .start();
  }

  /** Returns the number of stored checkpoints after checking they are a committed, audited prefix. */
  private static long checkInvariants(Path home, MerkleTree tree) {
    Database db = Database.open(Home.at(home));
    return db.jdbcTransaction(tx -> {
      List<CheckpointStore.StoredCheckpoint> stored = tx.checkpoints().list();
      for (int i = 0; i < stored.size(); i++) {
        CheckpointStore.StoredCheckpoint c = stored.get(i);
        assertEquals(i + 1, c.size(), "stored sizes are a gapless prefix");
        assertEquals(Hashing.hex(tree.root(c.size())), c.rootHex());
      }
      long okEvents;
      long maxSeq;
      long headSeq;
      try (PreparedStatement q = tx.connection().prepareStatement("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM audit_event "
          + "WHERE action = 'checkpoint.import' AND outcome = 'ok'");
          ResultSet rs = q.executeQuery()) {
        rs.next();
        okEvents = rs.getLong(1);
        maxSeq = rs.getLong(2);
      }
      try (PreparedStatement q = tx.connection().prepareStatement("SELECT seq FROM audit_head WHERE id = 1");
          ResultSet rs = q.executeQuery()) {
        rs.next();
        headSeq = rs.getLong(1);
      }
      assertEquals(stored.size(), okEvents, "every stored checkpoint has exactly its audit event");
      assertEquals(maxSeq, headSeq, "audit head matches the last event");
      assertEquals(0, tx.checkpoints().openAlarms().size());
      return (long) stored.size();
    });
  }
}
