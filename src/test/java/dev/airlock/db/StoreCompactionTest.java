package dev.airlock.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.Home;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StoreCompaction}: the database file stops collecting sparse chunks, and nothing committed
 * is lost or changed by the rewrite. The homes here set H2's retention time to 0 (persistent, for
 * this file only), so that chunks may be rewritten and freed at once instead of after 45 s; the
 * appliance never changes it (StoreCompactionCrashTest runs with the default).
 */
class StoreCompactionTest {
  static final int COMMITS = 1000;
  @TempDir Path dir;

  @AfterEach
  void restoreInterval() {
    StoreCompaction.interval = Duration.ofMinutes(1);
  }

  @Test
  void commitsLeaveABoundedNumberOfChunksAndEveryRow() {
    StoreCompaction.Shape without = fragment(dir.resolve("without"), Duration.ofDays(1), "SET RETENTION_TIME 0", SCRATCH);
    StoreCompaction.Shape with = fragment(dir.resolve("with"), Duration.ZERO, "SET RETENTION_TIME 0", SCRATCH);
    System.out.println("store compaction: after " + COMMITS + " commits " + without + " without, " + with + " with");
    assertTrue(without.chunks() > 2 * StoreCompaction.MAX_CHUNKS, "the workload fragments the file: " + without);
    assertTrue(without.fragmented(), without.toString());
    assertTrue(with.chunks() <= StoreCompaction.MAX_CHUNKS + 4, "compaction bounds the chunks: " + with);
    for (String home : new String[] {"without", "with"}) {
      read(Home.at(dir.resolve(home)), tx -> {
        try (PreparedStatement q = tx.connection().prepareStatement("SELECT id, v FROM scratch ORDER BY id");
            ResultSet rs = q.executeQuery()) {
          int n = 0;
          while (rs.next()) {
            int id = rs.getInt(1);
            assertEquals(value(id), rs.getString(2), home + ": row " + id);
            n++;
          }
          assertEquals(COMMITS, n, home + ": every committed row");
        }
        return null;
      });
    }
  }

  @Test
  void aSmallOrDenseStoreIsLeftAlone() {
    assertFalse(new StoreCompaction.Shape(StoreCompaction.MAX_CHUNKS, 10).fragmented());
    assertFalse(new StoreCompaction.Shape(10 * StoreCompaction.MAX_CHUNKS, StoreCompaction.MIN_FILL_RATE).fragmented());
    assertTrue(new StoreCompaction.Shape(StoreCompaction.MAX_CHUNKS + 1, StoreCompaction.MIN_FILL_RATE - 1).fragmented());
  }

  static final String SCRATCH = "CREATE TABLE scratch(id INT PRIMARY KEY, v VARCHAR(4000))";

  /**
   * A new home at {@code path}: {@code setup} statements, then COMMITS transactions of random-key
   * inserts into {@code scratch} (each changes a leaf page that stays live in its chunk); returns
   * its shape.
   */
  static StoreCompaction.Shape fragment(Path path, Duration interval, String... setup) {
    StoreCompaction.interval = interval;
    Home home = Home.at(path);
    Database.create(home);
    try (Database.Holder h = Database.keepOpen(home)) {
      Database db = Database.open(home);
      db.jdbcTransaction(tx -> {
        try (Statement s = tx.connection().createStatement()) {
          for (String sql : setup) {
            s.execute(sql);
          }
        }
        return null;
      });
      insertShuffled(db, "scratch", COMMITS);
    }
    return shape(home);
  }

  /** Rows 0..n-1 of {@code table} in a fixed random order, one commit each. */
  static void insertShuffled(Database db, String table, int n) {
    java.util.List<Integer> ids = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(i);
    }
    java.util.Collections.shuffle(ids, new java.util.Random(7));
    for (int id : ids) {
      insert(db, table, id);
    }
  }

  /** Row {@code id} of {@code table} (id, {@link #value}) in its own transaction. */
  static void insert(Database db, String table, int id) {
    db.jdbcTransaction(tx -> {
      try (PreparedStatement p = tx.connection().prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
        p.setInt(1, id);
        p.setString(2, value(id));
        p.executeUpdate();
      }
      return null;
    });
  }

  /** The store's shape, read without a writer's commit (which would check it and maybe compact). */
  static StoreCompaction.Shape shape(Home home) {
    return read(home, tx -> StoreCompaction.shape(StoreCompaction.store(tx.connection())));
  }

  interface SqlWork<T> {
    T run(Transaction tx) throws java.sql.SQLException;
  }

  /** A read transaction whose work may throw SQLException. */
  static <T> T read(Home home, SqlWork<T> work) {
    return Database.open(home).readTransaction(tx -> {
      try {
        return work.run(tx);
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  static String value(int id) {
    return ("row " + id + " ").repeat(200);
  }
}
