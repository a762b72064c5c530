package dev.airlock.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database shared by a long-running serve and CLI commands (db.Database class comment): the
 * holder listens on loopback only behind a key in an owner-only file, nothing else listens, writers are serialised by
 * the write lock, readers are not and cannot write, and the state version moves with every state
 * change and with nothing else.
 */
class DatabaseSharingTest {
  @TempDir Path dir;
  Home home;
  ExecutorService pool;

  @BeforeEach
  void newHome() throws Exception {
    Path root = Files.createDirectories(dir.resolve("home"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    home = Home.at(root);
    Database.create(home);
    pool = Executors.newCachedThreadPool();
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static void exec(Transaction tx, String sql) {
    Sql.run(tx.connection(), c -> {
      try (Statement s = c.createStatement()) {
        s.executeUpdate(sql);
      }
    });
  }

  @Test
  void theHolderListensOnLoopbackOnlyAndItsKeyIsOwnerOnly() throws Exception {
    Set<String> before = ownListeners();
    Path published = home.root().resolve(LocalChannel.FILE);
    try (Database.Holder held = Database.open(home).holdOpen()) {
      Set<String> during = ownListeners();
      during.removeAll(before);
      // /proc/net/tcp(6): local address as little-endian hex; 0100007F is 127.0.0.1, the JDK's
      // dual-stack socket shows it IPv4-mapped (::ffff:127.0.0.1) in tcp6; 0.0.0.0 / :: would be all
      assertEquals(1, during.size(), "the holder serves the database: one new listener of this process " + during);
      for (String l : during) {
        assertTrue(l.startsWith("0100007F:") || l.startsWith("0000000000000000FFFF00000100007F:"),
            "listener not on 127.0.0.1: " + l + " (all: " + during + ")");
      }
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(published)));
      String text = Files.readString(published);
      assertTrue(text.matches("port=[0-9]+\nkey=[0-9a-f]{32}\n"), "a port and a random 128-bit key: " + text);
      LocalChannel.Address a = LocalChannel.read(home);
      assertEquals(Integer.toHexString(a.port()).toUpperCase(java.util.Locale.ROOT),
          during.iterator().next().replaceAll(".*:0*", ""), "the published port is the listener's");
      assertTrue(held.stateVersion() >= 0);
      // the per-home secret: the server serves this database only to a client naming the key
      String server = Database.LOOPBACK + ":" + a.port();
      String otherKey = (a.key().charAt(0) == '0' ? "1" : "0") + a.key().substring(1);
      java.sql.SQLException refused = assertThrows(java.sql.SQLException.class,
          () -> java.sql.DriverManager.getConnection("jdbc:h2:tcp://" + server + "/" + otherKey, "airlock", "").close());
      assertEquals(28000, refused.getErrorCode(), refused.getMessage());
      assertThrows(java.sql.SQLException.class, () -> java.sql.DriverManager.getConnection(
          "jdbc:h2:tcp://" + server + "/" + home.databaseBase(), "airlock", "").close(), "the path is no key");
      try (var c = java.sql.DriverManager.getConnection("jdbc:h2:tcp://" + server + "/" + a.key(), "airlock", "")) {
        assertEquals(held.stateVersion(), Database.stateVersion(c), "the key opens this home's database");
      }
    }
    assertFalse(Files.exists(published), "the address is withdrawn on close");
    Set<String> after = ownListeners();
    after.removeAll(before);
    assertTrue(after.isEmpty(), "listener closed with the holder: " + after);
  }

  /** A short unit of work or a kept command serves nobody: no listener, no published address. */
  @Test
  void withoutAHolderNothingListens() throws Exception {
    Set<String> before = ownListeners();
    Database db = Database.open(home);
    Set<String> inUnit = db.transaction(tx -> {
      assertFalse(Files.exists(home.root().resolve(LocalChannel.FILE)));
      try {
        return ownListeners();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    inUnit.removeAll(before);
    assertTrue(inUnit.isEmpty(), "a unit of work listens on nothing: " + inUnit);
    try (Database.Holder kept = Database.keepOpen(home)) {
      assertTrue(kept != null);
      Set<String> during = ownListeners();
      during.removeAll(before);
      assertTrue(during.isEmpty(), "a kept command listens on nothing: " + during);
      assertFalse(Files.exists(home.root().resolve(LocalChannel.FILE)));
    }
  }

  /** Local addresses of this process's listening TCP sockets, from /proc/net/tcp and tcp6. */
  static Set<String> ownListeners() throws Exception {
    Set<String> inodes = new HashSet<>();
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (java.io.IOException e) {
          // closed meanwhile
        }
      }
    }
    Set<String> out = new HashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode; 0A = LISTEN
        if (f[3].equals("0A") && inodes.contains(f[9])) {
          out.add(f[1]);
        }
      }
    }
    return out;
  }

  @Test
  void theStateVersionMovesWithEveryTransactionAndWithNothingElse() {
    Database db = Database.open(home);
    long v0 = db.stateVersion();
    db.transaction(tx -> tx.audit().head(false));
    assertEquals(v0 + 1, db.stateVersion(), "every transaction bumps (it may have changed state)");
    db.readTransaction(tx -> tx.audit().head(false));
    assertEquals(v0 + 1, db.stateVersion(), "a read does not");
    db.auditTransaction(tx -> tx.audit().append(new dev.airlock.audit.AuditEvent(
        java.time.Instant.parse("2026-12-06T10:00:00Z"), "serve", "host", "serve", "verify", "x", "admit",
        List.of(), null)));
    assertEquals(v0 + 1, db.stateVersion(), "serve's own audit events do not");
    assertThrows(AirlockException.class, () -> db.transaction(tx -> {
      exec(tx, "UPDATE appliance SET id = id");
      throw new java.io.IOException("the work failed");
    }));
    assertEquals(v0 + 1, db.stateVersion(), "a rolled-back transaction does not");
    try (Database.Holder held = db.holdOpen()) {
      assertEquals(v0 + 1, held.stateVersion());
      db.transaction(tx -> null);
      assertEquals(v0 + 2, held.stateVersion(), "the holder's connection sees the commit");
      assertEquals(v0 + 2, db.stateVersion());
    }
  }

  @Test
  void aReadTransactionCannotWrite() {
    Database db = Database.open(home);
    long v0 = db.stateVersion();
    long seq = db.readTransaction(tx -> tx.audit().head(false).seq());
    for (String write : List.of("UPDATE state_version SET version = version + 1",
        "DELETE FROM audit_event", "INSERT INTO audit_checkpoint VALUES (1, 'aa', 'n', 't')",
        "CREATE TABLE sneaky (id INT)", "DROP TABLE audit_event")) {
      AirlockException e = assertThrows(AirlockException.class, () -> db.readTransaction(tx -> {
        exec(tx, write);
        return null;
      }), write);
      assertEquals(Reason.DATABASE_CORRUPT, e.reason());
      assertTrue(e.getMessage().contains("rights"), e.getMessage());
    }
    assertEquals(v0, db.stateVersion());
    assertEquals(seq, (long) db.readTransaction(tx -> tx.audit().head(false).seq()));
  }

  @Test
  void writersWaitForTheWriteLockAndReadersDoNot() throws Exception {
    Database db = Database.open(home);
    Database impatient = Database.open(home, Duration.ofSeconds(1));
    CountDownLatch locked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<?> writer = pool.submit(() -> db.transaction(tx -> {
      exec(tx, "UPDATE appliance SET highest_verified_time = highest_verified_time");
      locked.countDown();
      try {
        assertTrue(release.await(60, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      return null;
    }));
    assertTrue(locked.await(60, TimeUnit.SECONDS));
    long v = db.stateVersion();
    // a reader runs beside the writer and sees the last committed state
    assertEquals(0L, (long) pool.submit(() -> db.readTransaction(tx -> tx.audit().head(false).seq()))
        .get(10, TimeUnit.SECONDS));
    AirlockException busy = assertThrows(AirlockException.class, () -> impatient.transaction(tx -> null));
    assertEquals(Reason.DATABASE_BUSY, busy.reason(), busy.getMessage());
    assertThrows(AirlockException.class, () -> impatient.auditTransaction(tx -> null));
    // a patient writer gets the lock as soon as the first commits, and runs after it
    List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    Future<?> second = pool.submit(() -> db.transaction(tx -> order.add("second")));
    Thread.sleep(300);
    assertFalse(second.isDone(), "the second writer waits");
    order.add("first commits");
    release.countDown();
    writer.get(30, TimeUnit.SECONDS);
    second.get(30, TimeUnit.SECONDS);
    assertEquals(List.of("first commits", "second"), order);
    assertEquals(v + 2, db.stateVersion());
  }
}
