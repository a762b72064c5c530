package dev.airlock.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.crypto.Hashing;
import dev.airlock.lab.oci.OciLayoutWriter;
import dev.airlock.lab.oci.Tars;
import dev.airlock.oci.Annotations;
import dev.airlock.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety (issue 5): 50 imports killed (SIGKILL) at random moments. After each: every
 * visible blob hashes to its name, every recorded image has all its blobs, the database opens
 * and the audit chain's head matches its last event; finally a re-import completes.
 */
class CrashSafetyTest {
  static final int RUNS = 50;
  @TempDir Path tmp;

  Process start(Path home, Path medium) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        CrashImportMain.class.getName(), home.toString(), medium.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  @Test
  void killedImportsLeaveAConsistentStore() throws Exception {
    Path layout = tmp.resolve("medium/images/app");
    OciLayoutWriter w = new OciLayoutWriter(layout, 51);
    for (int i = 0; i < 3; i++) {
      Descriptor img = w.image(4, 1 << 20);
      w.legacyAttachment(img, "sig");
      w.list(img, Map.of(Annotations.CONTAINERD_IMAGE_NAME, "reg.example/app:" + i));
    }
    w.writeIndex();
    Path medium = tmp.resolve("medium.tar");
    Tars.tar(tmp.resolve("medium"), medium, Tars.Compression.NONE);
    Path homeDir = Files.createDirectories(tmp.resolve("home"));
    Home home = Home.at(homeDir);
    Database db = Database.create(home);

    long t0 = System.nanoTime();
    Process full = start(homeDir, medium);
    assertTrue(full.waitFor(120, TimeUnit.SECONDS));
    long fullMillis = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(0, full.exitValue());
    wipe(home);
    Database.create(home);

    Random r = new Random(5);
    int killed = 0;
    for (int i = 0; i < RUNS; i++) {
      Process p = start(homeDir, medium);
      Thread.sleep(r.nextInt((int) Math.max(50, fullMillis)));
      if (p.isAlive()) {
        killed++;
      }
      p.destroyForcibly();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertConsistent(home);
    }
    assertTrue(killed >= RUNS / 2, "most runs were killed mid-way: " + killed);
    Process last = start(homeDir, medium);
    assertTrue(last.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, last.exitValue(), "the re-import completes");
    assertConsistent(home);
    assertEquals(3, db.jdbcTransaction(t -> t.images().list()).size());
    try (Stream<Path> s = Files.list(home.staging())) {
      assertEquals(0, s.count(), "the completed import swept the killed imports' staging folders");
    }
    try (Stream<Path> s = Files.list(home.blobs().resolve("tmp"))) {
      assertEquals(0, s.count(), "and their temporary blob files");
    }
    System.out.println("crash test: " + RUNS + " runs, " + killed + " killed mid-import, full import " + fullMillis + " ms");
  }

  static void assertConsistent(Home home) throws IOException {
    Path dir = home.blobs().resolve("sha256");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.toList()) {
          try (InputStream in = Files.newInputStream(p)) {
            assertEquals(p.getFileName().toString(), Hashing.hex(Hashing.sha256(in)), "visible blob verified");
          }
        }
      }
    }
    Database db = Database.open(home);
    BlobStore store = BlobStore.at(home);
    for (StoredImage s : db.jdbcTransaction(t -> t.images().list())) {
      for (Descriptor b : s.blobs()) {
        assertTrue(store.has(b.digest()), "recorded image " + s.digest() + " has blob " + b.digest());
      }
    }
    long[] counts = db.jdbcTransaction(tx -> {
      try (ResultSet rs = tx.connection().createStatement().executeQuery(
          "SELECT (SELECT COUNT(*) FROM audit_event), (SELECT seq FROM audit_head WHERE id = 1),"
              + " (SELECT COUNT(*) FROM image)")) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
      }
    });
    assertEquals(counts[0], counts[1], "audit head matches the events");
    assertTrue(counts[0] >= counts[2], "every recorded image has its audit event");
  }

  static void wipe(Home home) throws IOException {
    try (Stream<Path> s = Files.walk(home.root())) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!p.equals(home.root())) {
          Files.delete(p);
        }
      }
    }
  }
}
