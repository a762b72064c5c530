package dev.airlock.db;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Reason;
import dev.airlock.core.TrustedTime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The appliance's H2 database ({@code airlock.mv.db}): schema migrations and transactions.
 *
 * <p>Several airlock processes share one home (a {@code verify} while an {@code import} runs), and
 * embedded H2 admits one process at a time. So a process opens the database only for short units
 * of work and closes it again; a process that finds it in use retries until {@code busyTimeout},
 * then fails with {@link Reason#DATABASE_BUSY} (exit 3). Long I/O (copying blobs, reading media)
 * happens outside any transaction.
 *
 * <p>Migrations are {@code db/V<n>__<name>.sql} classpath resources applied in order of n; the
 * applied version is kept in {@code schema_version}. Each stage owns its own migration numbers.
 *
 * <p>This package is the appliance's one persistence adapter (DESIGN.md section 1): the stages
 * declare repository interfaces with domain types only; the H2 implementations here are the only
 * code that holds SQL, {@code java.sql} types or H2 error codes. A transaction hands its work a
 * {@link Transaction}, from which the appliance layer takes the repositories it needs.
 */
public final class Database {
  /** Migrations in order. Each stage appends its file here; numbers are never reused. */
  static final List<String> MIGRATIONS =
      List.of("V1__audit.sql", "V2__trust.sql", "V3__checkpoints.sql", "V4__images.sql",
          "V5__policy.sql", "V6__audit_v2.sql", "V7__decisions.sql");

  private static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(30);
  /** H2 error "Database may be already in use" (another process holds the file lock). */
  private static final int H2_DATABASE_ALREADY_OPEN = 90020;
  /** H2 lock timeout inside one process (row lock held by another transaction). */
  private static final int H2_LOCK_TIMEOUT = 50200;

  private final Home home;
  private final Duration busyTimeout;

  private Database(Home home, Duration busyTimeout) {
    this.home = home;
    this.busyTimeout = busyTimeout;
  }

  /** A handle on an initialised home's database; applies pending migrations on first use. */
  public static Database open(Home home) {
    return open(home, busyTimeout());
  }

  /** The busy timeout: system property {@code airlock.busyTimeoutSeconds}, default 30 s. */
  static Duration busyTimeout() {
    String s = System.getProperty("airlock.busyTimeoutSeconds");
    try {
      return s == null ? DEFAULT_BUSY_TIMEOUT : Duration.ofSeconds(Math.max(0, Long.parseLong(s.strip())));
    } catch (NumberFormatException e) {
      return DEFAULT_BUSY_TIMEOUT;
    }
  }

  public static Database open(Home home, Duration busyTimeout) {
    if (!home.isInitialised()) {
      throw AirlockException.cannotDecide(Reason.HOME_NOT_INITIALISED,
          home.root() + ": not an airlock home (no airlock.mv.db); run 'airlock init --root ROOT.json'");
    }
    Database db = new Database(home, busyTimeout);
    if (!MIGRATED.contains(home.databaseFile())) {
      db.migrate();
      MIGRATED.add(home.databaseFile());
    }
    return db;
  }

  /** Databases this process has already migrated (each open is a full H2 open; skip the extra one). */
  private static final java.util.Set<java.nio.file.Path> MIGRATED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Creates the database file of a new home and applies every migration. */
  public static Database create(Home home) {
    Database db = new Database(home, DEFAULT_BUSY_TIMEOUT);
    db.migrate();
    return db;
  }

  public Home home() {
    return home;
  }

  /** Work done inside one transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Transaction tx) throws IOException;
  }

  /**
   * Runs {@code work} in one transaction on a fresh connection: commit if it returns, roll back if
   * it throws. The database is closed afterwards so that other processes can open it.
   */
  public <T> T transaction(Work<T> work) {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(new Transaction(c));
        c.commit();
        runAfterCommit(c);
        return result;
      } catch (SQLException | IOException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException e) {
      throw translate(e);
    } catch (DatabaseFailure e) {
      // a repository's SQLException, carried out unchecked through stage code that never sees java.sql
      throw translate(e.sqlException());
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED,
          home.root() + ": " + e.getMessage(), e);
    }
  }

  /** Work on the raw JDBC connection of one transaction: {@link #jdbcTransaction}. */
  @FunctionalInterface
  public interface JdbcWork<T> {
    T run(Transaction tx) throws SQLException, IOException;
  }

  /**
   * {@link #transaction} for work that also uses {@link Transaction#connection()} directly: tests
   * that read or tamper with the tables. A {@link SQLException} is reported like a repository's.
   */
  public <T> T jdbcTransaction(JdbcWork<T> work) {
    return transaction(tx -> {
      try {
        return work.run(tx);
      } catch (SQLException e) {
        throw new DatabaseFailure(e);
      }
    });
  }

  /**
   * Work run after every successful commit while this process still holds the database (so no
   * other process interleaves). The appliance layer installs the audit stage's checkpoint
   * refresher here ({@code appliance.StateViews}), with the transaction's audit repository. A
   * failing hook does not undo the committed work.
   */
  @FunctionalInterface
  public interface AfterCommit {
    void run(Home home, Transaction tx) throws IOException;
  }

  private static volatile AfterCommit afterCommit;

  /** Installs the after-commit hook (null to remove). */
  public static void setAfterCommit(AfterCommit hook) {
    afterCommit = hook;
  }

  private void runAfterCommit(Connection c) {
    AfterCommit hook = afterCommit;
    if (hook == null) {
      return;
    }
    try {
      hook.run(home, new Transaction(c));
    } catch (IOException | RuntimeException e) {
      // the change and its audit event are committed; the hook only refreshes derived state
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the original failure is what matters; the connection is closed next
    }
  }

  private AirlockException translate(SQLException e) {
    if (e.getErrorCode() == H2_LOCK_TIMEOUT) {
      return AirlockException.cannotDecide(Reason.DATABASE_BUSY,
          home.databaseFile() + ": busy (other airlock processes are using it); try again", e);
    }
    return AirlockException.cannotDecide(Reason.DATABASE_CORRUPT,
        home.databaseFile() + ": database error: " + e.getMessage(), e);
  }

  private String url() {
    // FILE_LOCK=FS: an OS lock, released by the kernel if the process dies (no stale lock files).
    // WRITE_DELAY=0: a commit reaches the file before the command reports success (H2's default
    // delays writes by up to 500 ms, which a killed process loses). MAX_COMPACT_TIME=0: no chunk
    // compaction when the database closes; a process killed during that compaction came back with
    // an older committed state (seen 1-5 times in 50 kills by CheckpointCrashTest, 0 in 100 after).
    return "jdbc:h2:file:" + home.databaseBase()
        + ";FILE_LOCK=FS;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;MAX_COMPACT_TIME=0";
  }

  /** Opens a connection, waiting while another process has the database open. */
  Connection connect() throws SQLException {
    long deadline = System.nanoTime() + busyTimeout.toNanos();
    long sleepMillis = 10;
    while (true) {
      try {
        return DriverManager.getConnection(url(), "airlock", "");
      } catch (SQLException e) {
        if (!isInUse(e)) {
          throw e;
        }
        if (System.nanoTime() > deadline) {
          throw new SQLException("database busy", "HYT00", H2_LOCK_TIMEOUT, e);
        }
        try {
          Thread.sleep(sleepMillis);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new SQLException("interrupted while waiting for the database", ie);
        }
        sleepMillis = Math.min(200, sleepMillis * 2);
      }
    }
  }

  private static boolean isInUse(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
        return true;
      }
    }
    return false;
  }

  private void migrate() {
    transaction(
        tx -> {
          Connection c = tx.connection();
          try {
          try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY, "
                + "name VARCHAR(200) NOT NULL)");
          }
          int current = 0;
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            rs.next();
            current = rs.getInt(1);
          }
          for (int i = current; i < MIGRATIONS.size(); i++) {
            String name = MIGRATIONS.get(i);
            for (String sql : statements(load(name))) {
              try (Statement s = c.createStatement()) {
                s.execute(sql);
              }
            }
            try (PreparedStatement p =
                c.prepareStatement("INSERT INTO schema_version(version, name) VALUES (?, ?)")) {
              p.setInt(1, i + 1);
              p.setString(2, name);
              p.executeUpdate();
            }
          }
          return null;
          } catch (SQLException e) {
            throw new DatabaseFailure(e);
          }
        });
  }

  /** The schema version of this database (number of applied migrations). */
  public int schemaVersion() {
    return transaction(
        tx -> Sql.call(tx.connection(), c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
          }
        }));
  }

  private static String load(String name) throws IOException {
    try (InputStream in = Database.class.getResourceAsStream("/db/" + name)) {
      if (in == null) {
        throw new IOException("missing migration resource db/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Splits a migration on ';' at line ends; comments start with '--'. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : script.split("\n", -1)) {
      String t = line.strip();
      if (t.startsWith("--") || t.isEmpty()) {
        continue;
      }
      cur.append(line).append('\n');
      if (t.endsWith(";")) {
        String sql = cur.toString().strip();
        out.add(sql.substring(0, sql.length() - 1));
        cur.setLength(0);
      }
    }
    if (!cur.toString().isBlank()) {
      out.add(cur.toString().strip());
    }
    return out;
  }

  // TEMPORARY until the serve-db branch lands: same names, no concurrency or version tracking.
  public <T> T readTransaction(Work<T> work) {
    return transaction(work);
  }

  public <T> T auditTransaction(Work<T> work) {
    return transaction(work);
  }

  public long stateVersion() {
    return System.nanoTime();
  }

  public AutoCloseable holdOpen() {
    return () -> { };
  }
}
