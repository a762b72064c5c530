package dev.airlock.db;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Reason;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The appliance's H2 database ({@code airlock.mv.db}): schema migrations and transactions.
 *
 * <p><b>Several processes, one database.</b> Several airlock processes share one home: CLI
 * commands, each a short-lived JVM, and {@code airlock serve}, which keeps the database open for
 * its whole life ({@link #holdOpen}). The process that opens the file has it embedded and holds
 * the operating system's lock on it ({@code FILE_LOCK=FS}) until it lets go. A holder also serves
 * the database to every other process over TCP ({@link LocalChannel}): the others find the file
 * locked, read the server's port and key from {@code airlock.server} in the home and connect as
 * clients. This is the one local channel of DESIGN.md section 7, and it is held to it: the listener
 * binds 127.0.0.1 only ({@code h2.bindAddress}, set in this class's static initialiser, before any
 * H2 class reads it; {@link #connect} refuses to open the database if H2 read another value first)
 * and refuses peers that are not local; a client must present the holder's random key (128 bits
 * from {@code SecureRandom}) as the TCP server's {@code -key}, or the server refuses the
 * connection; {@code airlock.server} is created owner-only (0600) inside the 0700 home. While
 * {@code serve} runs, {@code ss -ltnp} shows one {@code [::ffff:127.0.0.1]:<random port>} listener
 * (127.0.0.1, IPv4-mapped by the JDK) of its java process besides its HTTP listener.
 *
 * <p><b>Writers are serialised.</b> Through a holder, transactions of different processes run
 * concurrently under MVCC, so every {@link #transaction} first locks the audit head row ({@code SELECT ... FROM
 * audit_head WHERE id = 1 FOR UPDATE}): the global write lock. Read-modify-write sequences (trust
 * updates, imports, {@code policy set}, audit appends, which all move the audit head anyway) stay
 * serialised as before; a writer waits up to {@code busyTimeout} for it, then fails with
 * {@link Reason#DATABASE_BUSY} (exit 3). {@link #readTransaction} takes no lock and runs beside a
 * writer; its connection is a user with SELECT rights only, so it cannot write.
 *
 * <p><b>The state version.</b> A one-row counter (migration V8) that every {@link #transaction}
 * increments before it commits, under the write lock, so it changes exactly when some state may
 * have changed; {@link #auditTransaction} (serve's own audit events) does not move it. A process
 * that caches what it derived from the state (serve: the installed policy, the trust snapshot,
 * decisions) reads {@link #stateVersion} before it answers and re-derives only when the version
 * moved. Because {@code policy set} (like every state change) commits its bump before it exits, a
 * serve that reads the version at the start of a request decides that request under the new
 * policy.
 *
 * <p><b>Short units of work.</b> Without a holder, a process opens the database for one unit of
 * work and closes it again; it serves nobody, so another process that needs the database
 * meanwhile waits for it (up to {@code busyTimeout}, then {@link Reason#DATABASE_BUSY}), as a writer
 * waits for the write lock. A holder that lets go first stops publishing its address, then waits
 * (up to {@code busyTimeout}) for its clients' sessions to end, because closing the database would
 * close their connections mid-transaction. A client whose holder went away all the same (a killed
 * serve) gets {@link Reason#DATABASE_BUSY}: the transaction was rolled back. A process killed while
 * it has the database open takes its file lock with it: the next process opens the file at once
 * (an {@code airlock.server} left behind names a port nobody serves or a key nobody accepts).
 * Long I/O (copying blobs, reading media) happens outside any transaction.
 *
 * <p>Migrations are {@code db/V<n>__<name>.sql} classpath resources applied in order of n; the
 * applied version is kept in {@code schema_version}. Each stage owns its own migration numbers.
 * A process that finds migrations pending applies them with the database in exclusive mode, so
 * that two processes of a new release never apply the same migration twice.
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
          "V5__policy.sql", "V6__audit_v2.sql", "V7__decisions.sql", "V8__state_version.sql",
          "V9__decision_printed.sql", "V10__policy_key_files.sql");

  /** The only address the local channel ({@link LocalChannel}) listens on. */
  static final String LOOPBACK = "127.0.0.1";

  static {
    // DESIGN.md section 7: the CLI-to-database channel listens on loopback only. H2 reads this
    // property once, when org.h2.engine.SysProperties is initialised; this class is the only main
    // code that touches H2, so setting it here comes first. connect() refuses to open the database
    // if H2 was initialised earlier with another value (it would listen on every interface).
    System.setProperty("h2.bindAddress", LOOPBACK);
  }

  /** The database user with every right (creates the schema, writes). */
  private static final String WRITER = "airlock";
  /** The database user of {@link #readTransaction}: SELECT only (migration V8). */
  private static final String READER = "airlock_reader";

  private static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(30);
  /** H2 error "Database may be already in use": another process has the file open (its lock). */
  private static final int H2_DATABASE_ALREADY_OPEN = 90020;
  /** H2's "error opening database" (with the FILE lock method: another process takes its lock file). */
  private static final int H2_ERROR_OPENING_DATABASE = 8000;
  /** The database is in exclusive mode (another process applies migrations). */
  private static final int H2_EXCLUSIVE_MODE = 90135;
  /** The process serving the database went away (its server stopped, its JVM exited or died). */
  private static final int H2_CONNECTION_BROKEN = 90067;
  /** The serving process is closing the database (its JVM is shutting down). */
  private static final int H2_DATABASE_CLOSING = 90121;
  /** H2 lock timeout: the write lock (or a row lock) is held by another transaction. */
  private static final int H2_LOCK_TIMEOUT = 50200;
  /** H2 error for a wrong user, password or, through {@link LocalChannel}, server key (a stale address). */
  private static final int H2_WRONG_KEY = 28000;
  /** H2 error for a write by {@link #READER}. */
  private static final int H2_NOT_ENOUGH_RIGHTS = 90096;

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
    Database kept = KEPT.get(home.databaseFile());
    // a command keeps this database open (keepOpen): its units of work share it, migrations included
    Database db = kept != null && kept.busyTimeout.equals(busyTimeout) ? kept : new Database(home, busyTimeout);
    if (!MIGRATED.contains(home.databaseFile())) {
      db.migrate();
      MIGRATED.add(home.databaseFile());
    }
    return db;
  }

  /** Databases this process has already migrated (each open is a full H2 open; skip the extra one). */
  private static final java.util.Set<java.nio.file.Path> MIGRATED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Databases a command of this process keeps open ({@link #keepOpen}), by database file. */
  private static final java.util.Map<java.nio.file.Path, Database> KEPT = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Keeps an initialised home's database open in this process for one short command (issue 17,
   * cold start): the command's units of work ({@code verify IMAGE}: the migration check, the
   * decision with its audit event, the verified payloads) then share one H2 open instead of
   * opening and closing the file once each. Nothing else changes: each unit of work is still its
   * own transaction under the write lock, audited as before. Like a unit of work without a holder,
   * it serves nobody: another process that needs the database meanwhile waits for this short
   * command to end.
   *
   * <p>Unlike {@link #holdOpen} it never waits to become the process that has the database open:
   * if another process has it and serves it (serve), this command stays its client, and its units
   * of work share the one session this opened (one handshake with the server per command, not one
   * per unit of work) until the holder closes it. The holder MUST be closed (try-with-resources)
   * before the command returns.
   */
  public static Holder keepOpen(Home home) {
    if (!home.isInitialised() || KEPT.containsKey(home.databaseFile())) {
      return null;
    }
    Database db = new Database(home, busyTimeout());
    try {
      Connection c = db.connect(WRITER);
      if (servesOthers(c)) {
        c.setAutoCommit(true);
      } else {
        // a client of the process that serves the database (serve, through its LocalChannel): no
        // file to keep open, but each new session is a handshake with that process; the command's
        // units of work take this one from the pool instead (a cold verify IMAGE beside serve
        // opened three). If that process went away meanwhile, the next unit of work fails busy
        // ("try again"), as one in flight would.
        db.idleWriters.offerFirst(c);
      }
      holders.incrementAndGet();
      db.pooling = true;
      Holder h = db.new Holder(c);
      if (KEPT.putIfAbsent(home.databaseFile(), db) != null) {
        h.close(); // another thread of this process keeps it already
        return null;
      }
      h.kept = home.databaseFile();
      try {
        open(home); // migrations, if any, on the kept database
      } catch (RuntimeException e) {
        h.close();
        throw e;
      }
      return h;
    } catch (SQLException e) {
      throw db.translate(e);
    }
  }

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

  /** What a unit of work may do, and what it takes and moves (see the class comment). */
  private enum Mode {
    /** Takes the write lock, bumps the state version: every state change. */
    WRITE(true, true),
    /** Takes the write lock, leaves the state version: serve's own audit events. */
    AUDIT(true, false),
    /** No lock, no bump, SELECT-only user. */
    READ(false, false),
    /** No lock, no bump: migrations (which run in exclusive mode instead). */
    MIGRATE(false, false);

    final boolean lock;
    final boolean bump;

    Mode(boolean lock, boolean bump) {
      this.lock = lock;
      this.bump = bump;
    }
  }

  /**
   * Runs {@code work} in one transaction: commit if it returns, roll back if it throws. The
   * transaction first takes the global write lock (waiting up to {@code busyTimeout} for another
   * process's or thread's writer, then {@link Reason#DATABASE_BUSY}), so transactions run one at a
   * time as they did when the file lock admitted one process, and it increments the state version
   * before it commits (see {@link #stateVersion}). Use it for every unit of work that changes
   * state, and for reads that must see no writer between them and a following write.
   */
  public <T> T transaction(Work<T> work) {
    return run(Mode.WRITE, work);
  }

  /**
   * {@link #transaction} for work whose only writes are audit events that derived state does not
   * depend on (serve's batched audit appends of its manifest pulls, admission reviews and
   * verifies): it takes the write lock, so the hash chain stays serialised with every other
   * writer, but leaves the state version as it is, so serve's own events do not invalidate serve's
   * caches. The after-commit hook (the signed audit checkpoint) does not run: at thousands of
   * events a second its signature per commit would cost more than the events; the caller refreshes
   * the checkpoint at its own pace ({@code appliance.ServeAudit}: at most once a second).
   */
  public <T> T auditTransaction(Work<T> work) {
    return run(Mode.AUDIT, work);
  }

  /**
   * Runs read-only {@code work} in one transaction without the write lock, so it runs concurrently
   * with writers and with other readers (serve's per-request decisions). Each statement sees the
   * state last committed before it (H2's default READ COMMITTED); read {@link #stateVersion} in
   * the same work to know which state that was. The work MUST NOT write: the connection belongs
   * to a database user with SELECT rights only, and a write fails with
   * {@link Reason#DATABASE_CORRUPT} ("not enough rights"), rolling back nothing of value.
   */
  public <T> T readTransaction(Work<T> work) {
    return run(Mode.READ, work);
  }

  private <T> T run(Mode mode, Work<T> work) {
    String user = mode == Mode.READ ? READER : WRITER;
    try {
      Connection c = borrow(user);
      boolean reusable = false;
      try {
        c.setAutoCommit(false);
        if (mode.lock) {
          takeWriteLock(c);
        }
        T result = work.run(new Transaction(c));
        if (mode.bump) {
          bumpStateVersion(c);
        }
        c.commit();
        if (mode == Mode.WRITE) {
          runAfterCommit(c);
        }
        if (mode.lock) {
          compaction.afterCommit(c); // the file's housekeeping: StoreCompaction
        }
        reusable = true;
        return result;
      } catch (SQLException | IOException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      } finally {
        if (holders.get() == 0) {
          waitForClients(c);
        }
        giveBack(c, user, reusable);
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

  /**
   * Idle connections of this handle while it holds the database open ({@link #holdOpen}): a
   * long-running process then reuses sessions instead of opening one per unit of work (serve's
   * decisions and audit batches; measured by scripts/bench serve). Without a holder every unit of
   * work opens and closes its own connection, so that the database closes for other processes.
   */
  private final java.util.concurrent.ConcurrentLinkedDeque<Connection> idleWriters =
      new java.util.concurrent.ConcurrentLinkedDeque<>();
  private final java.util.concurrent.ConcurrentLinkedDeque<Connection> idleReaders =
      new java.util.concurrent.ConcurrentLinkedDeque<>();
  private volatile boolean pooling;
  private final StoreCompaction compaction = new StoreCompaction();

  private Connection borrow(String user) throws SQLException {
    if (pooling) {
      Connection c = (user.equals(READER) ? idleReaders : idleWriters).pollFirst();
      if (c != null) {
        return c;
      }
    }
    return connect(user);
  }

  private void giveBack(Connection c, String user, boolean reusable) throws SQLException {
    if (reusable && pooling) {
      (user.equals(READER) ? idleReaders : idleWriters).offerFirst(c);
      if (pooling) {
        return;
      }
      // the holder closed meanwhile: fall through and close whatever is idle
    }
    c.close();
    if (!pooling) {
      closeIdle();
    }
  }

  private void closeIdle() {
    for (java.util.Deque<Connection> d : List.of(idleWriters, idleReaders)) {
      for (Connection c; (c = d.pollFirst()) != null; ) {
        try {
          c.close();
        } catch (SQLException e) {
          // closing anyway
        }
      }
    }
  }

  /**
   * The global write lock: the audit head row, locked until commit or rollback. Every state
   * change appends to the audit log and so would lock this row anyway; taking it first, before
   * the work reads anything, makes the whole read-modify-write sequence atomic with respect to
   * every other writer, in this process or another (H2 row locks are held by the database that
   * serves all of them). The wait is the busy timeout.
   */
  private void takeWriteLock(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET LOCK_TIMEOUT " + Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
      try (ResultSet rs = s.executeQuery("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE")) {
        if (!rs.next()) {
          throw new SQLException("audit_head row missing");
        }
      }
    }
  }

  private static void bumpStateVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      if (s.executeUpdate("UPDATE state_version SET version = version + 1 WHERE id = 1") != 1) {
        throw new SQLException("state_version row missing");
      }
    }
  }

  /**
   * The state version: a counter that every committed {@link #transaction} has incremented (and
   * {@link #auditTransaction}, {@link #readTransaction} and migrations have not). Equal values mean
   * no state change committed in between, in any process; so a long-running process may keep
   * whatever it derived from the state while the value stays the same, provided it read the
   * version before it read that state (see {@link Transaction#stateVersion}). Which writes bump:
   * every {@link #transaction} and {@link #jdbcTransaction} that commits, whether or not it changed
   * a row (imports, {@code policy set}, trust and checkpoint installs, alarms, and also the CLI's
   * own audited reads such as {@code verify}); not {@link #auditTransaction},
   * {@link #readTransaction}, migrations or the after-commit hook. The bump commits with the
   * change, so when {@code policy set} exits 0 the new version is visible to every process.
   * One primary-key read, on
   * a short connection (cheap while a {@link #holdOpen holder} keeps the database open in this
   * process; {@link Holder#stateVersion} reuses the holder's own connection).
   */
  public long stateVersion() {
    return readTransaction(tx -> Sql.call(tx.connection(), Database::stateVersion));
  }

  /** {@link #stateVersion()} on a connection (in or outside a transaction). */
  static long stateVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version FROM state_version WHERE id = 1")) {
      if (!rs.next()) {
        throw new SQLException("state_version row missing");
      }
      return rs.getLong(1);
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
   * Work run after every successful commit of a writer ({@link #transaction},
   * {@link #auditTransaction}), in a second transaction that holds the write lock again, so no
   * other writer of any process interleaves. The appliance layer installs the audit stage's
   * checkpoint refresher here ({@code appliance.StateViews}), with the transaction's audit
   * repository. A failing hook does not undo the committed work.
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
      // the hook writes files of the home (the signed audit checkpoint) from the audit head: hold
      // the write lock while it does, as the file lock used to
      takeWriteLock(c);
      hook.run(home, new Transaction(c));
      c.commit();
    } catch (SQLException | IOException | RuntimeException e) {
      // the change and its audit event are committed; the hook only refreshes derived state
      rollbackQuietly(c);
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
    int code = codeOf(e);
    if (code == H2_LOCK_TIMEOUT) {
      return AirlockException.cannotDecide(Reason.DATABASE_BUSY,
          home.databaseFile() + ": busy (other airlock processes are using it); try again", e);
    }
    if (code == H2_CONNECTION_BROKEN || code == H2_DATABASE_CLOSING) {
      // the process that served the database exited or was killed during this unit of work; H2
      // rolled it back when that session closed (a COMMIT whose answer was lost may have landed:
      // the audit log shows which)
      return AirlockException.cannotDecide(Reason.DATABASE_BUSY,
          home.databaseFile() + ": busy (the airlock process serving the database went away); try again", e);
    }
    return AirlockException.cannotDecide(Reason.DATABASE_CORRUPT,
        home.databaseFile() + ": database error: " + e.getMessage(), e);
  }

  /** The first H2 error code in the cause chain that means something to this class, else the top one. */
  private static int codeOf(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getErrorCode() != 0) {
        return s.getErrorCode();
      }
    }
    return e.getErrorCode();
  }

  /** The JDBC URL for {@code user}; its settings are explained inside. */
  private String url(String user) {
    return "jdbc:h2:file:" + home.databaseBase() + settings(user);
  }

  /**
   * The settings of both URLs, the file's and a {@link LocalChannel} client's. FILE_LOCK=FS: the
   * operating system's lock on airlock.mv.db, held by the process that has the file open and gone
   * with it (see {@link LocalChannel} for why not H2's auto-server and its lock file).
   * WRITE_DELAY=0: a commit reaches the file before the command reports success (H2's default
   * delays writes by up to 500 ms, which a killed process loses). MAX_COMPACT_TIME=0: no chunk
   * compaction when the database closes; a process killed during that compaction came back with
   * an older committed state (seen 1-5 times in 50 kills by CheckpointCrashTest, 0 in 100 after).
   * LOCK_TIMEOUT: the wait for a row lock, replaced by the busy timeout for the write lock.
   * WRITE_DELAY is persistent and needs admin rights: the writer's URL sets it (every writer open,
   * migrations first, has stored 0), the reader's cannot. H2 appends a stack trace to
   * airlock.trace.db in the home for every open that finds the file locked: while serve runs,
   * {@link #connect} goes to its address first and so never finds it locked; a command waiting
   * for another one (no serve) leaves one per retry (H2 rolls the file over at 16 MB). Not
   * TRACE_LEVEL_FILE=0: it made every cold verify IMAGE from the release about 50 ms slower
   * (medians of 15, interleaved).
   */
  private static String settings(String user) {
    return ";FILE_LOCK=FS;LOCK_TIMEOUT=10000;MAX_COMPACT_TIME=0" + (user.equals(WRITER) ? ";WRITE_DELAY=0" : "");
  }

  /**
   * H2's driver, called directly: the first {@code DriverManager.getConnection} of a process looks
   * up every {@code java.sql.Driver} service of the class path, which opens and indexes the whole
   * application jar (issue 17: 14 ms of a cold {@code verify IMAGE}'s main thread, sampled).
   */
  private static final java.sql.Driver H2 = new org.h2.Driver();

  private static Connection h2(String url, String user) throws SQLException {
    // H2 hashes the user name and password with SHA-256 on connect. The first digest of a process
    // initialises the JCA provider list (about 8 ms of a cold verify IMAGE, sampled); here it runs
    // on the main thread while the warm-up thread is still reading the jar for H2's exception class
    // (DatabaseWarmup), which the connect below waits for; inside the connect it came after that
    // wait. The wait fell from 16 to 11 ms per run (25 runs sampled; issue 17). Later calls cost a
    // provider look-up.
    dev.airlock.crypto.Hashing.sha256();
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", user);
    p.setProperty("password", "");
    Connection c = H2.connect(url, p);
    if (c == null) {
      throw new SQLException("not an H2 database URL: " + url);
    }
    SESSIONS.incrementAndGet();
    return c;
  }

  /** Opens a connection as the writer user. */
  Connection connect() throws SQLException {
    return connect(WRITER);
  }

  /**
   * Opens a connection, embedded if no other process has the database file open, else through
   * the {@link LocalChannel} of the process that holds it; waits (up to the busy timeout) while
   * another process has the file open without serving it, lets go of it, or migrates the database.
   */
  private Connection connect(String user) throws SQLException {
    if (!LOOPBACK.equals(org.h2.engine.SysProperties.BIND_ADDRESS)) {
      throw new IllegalStateException("H2 was initialised with h2.bindAddress="
          + org.h2.engine.SysProperties.BIND_ADDRESS + " before " + Database.class.getName()
          + " set it; airlock's database listens on " + LOOPBACK + " only");
    }
    long deadline = System.nanoTime() + busyTimeout.toNanos();
    long sleepMillis = 10;
    while (true) {
      SQLException waited = null;
      // a holder's address first, when one is published and it is not this process's own: then
      // the file is open there, and an open attempt here would only fail
      LocalChannel.Address served = SERVED_HERE.contains(home.databaseFile()) ? null : LocalChannel.read(home);
      if (served != null && LocalChannel.trusted(served)) {
        try {
          return h2(served.url(settings(user)), user);
        } catch (SQLException e) {
          if (!isInUse(e) && codeOf(e) != H2_WRONG_KEY) {
            throw e;
          }
          waited = e; // a stale address (a killed holder), or a holder that closes: the file next
        }
      }
      try {
        Connection c = h2(url(user), user);
        counted(c);
        return c;
      } catch (SQLException e) {
        if (!isInUse(e)) {
          throw e;
        }
        waited = e; // another process has the file open, serving nobody: wait for it
      }
      if (System.nanoTime() > deadline) {
        throw new SQLException("database busy", "HYT00", H2_LOCK_TIMEOUT, waited);
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

  /** Database files this process serves through its own {@link LocalChannel} (a holder). */
  private static final Set<Path> SERVED_HERE = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** The H2 databases this process opened from the file, each once (weak: closed ones go). */
  private static final Set<org.h2.engine.Database> OPENED =
      java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));
  private static final java.util.concurrent.atomic.AtomicLong FILE_OPENS = new java.util.concurrent.atomic.AtomicLong();

  /** Database sessions this process opened: embedded or through a holder's channel (tests). */
  private static final java.util.concurrent.atomic.AtomicLong SESSIONS = new java.util.concurrent.atomic.AtomicLong();

  /** How many database sessions (connections) this process has opened, counted by tests. */
  public static long sessionsOpened() {
    return SESSIONS.get();
  }

  private static void counted(Connection c) throws SQLException {
    if (c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession() instanceof org.h2.engine.SessionLocal s
        && OPENED.add(s.getDatabase())) {
      FILE_OPENS.incrementAndGet();
    }
  }

  /**
   * How many times this process has opened a database file (an H2 open, not a connection to a
   * database it already had open): what {@link #keepOpen} saves, counted by tests.
   */
  public static long fileOpens() {
    return FILE_OPENS.get();
  }

  private static boolean isInUse(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        int code = s.getErrorCode();
        if (code == H2_DATABASE_ALREADY_OPEN || code == H2_ERROR_OPENING_DATABASE
            || code == H2_EXCLUSIVE_MODE || code == H2_CONNECTION_BROKEN || code == H2_DATABASE_CLOSING) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * If this process has the database open embedded and serves it to other processes, waits (up to
   * the busy timeout) until their sessions have ended: this JVM's exit closes the database, and
   * with it their connections, mid-transaction. Called when a unit of work ends without a holder.
   */
  private void waitForClients(Connection c) {
    long deadline = System.nanoTime() + busyTimeout.toNanos();
    try {
      while (remoteSessions(c) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException | RuntimeException e) {
      // the connection is closed next; nothing to wait for
    }
  }

  /** Sessions of other processes on the database this process serves; 0 if it is a client. */
  static int remoteSessions(Connection c) throws SQLException {
    org.h2.engine.Session session = c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession();
    if (!(session instanceof org.h2.engine.SessionLocal local)) {
      return 0; // this process is a client of another process's server
    }
    int n = 0;
    for (org.h2.engine.SessionLocal s : local.getDatabase().getSessions(false)) {
      if (s.getNetworkConnectionInfo() != null && !s.isClosed()) {
        n++;
      }
    }
    return n;
  }

  /** Whether this connection opened the database embedded in this process (it serves the others). */
  static boolean servesOthers(Connection c) throws SQLException {
    return c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession() instanceof org.h2.engine.SessionLocal;
  }

  /** Holders open in this process; while one is, units of work need not wait for clients. */
  private static final java.util.concurrent.atomic.AtomicInteger holders =
      new java.util.concurrent.atomic.AtomicInteger();

  /** The connection a long-running process keeps open: {@link #holdOpen}. */
  public final class Holder implements AutoCloseable {
    private final Connection c;
    private boolean closed;
    /** The database file this holder keeps for a command ({@link #keepOpen}), else null. */
    private java.nio.file.Path kept;
    /** How other processes reach the database while {@link #holdOpen} holds it, else null. */
    private LocalChannel channel;

    private Holder(Connection c) {
      this.c = c;
    }

    /** {@link Database#stateVersion()} on the held connection (no new session). */
    public synchronized long stateVersion() {
      try {
        return Database.stateVersion(c);
      } catch (SQLException e) {
        throw translate(e);
      }
    }

    /**
     * Lets go of the database: waits (up to the busy timeout) for the sessions of other processes
     * it serves to end, then closes the connection; the database closes if no other connection of
     * this process is open, and the next process to connect opens it (and serves it) instead.
     */
    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (kept != null) {
        KEPT.remove(kept, Database.this);
      }
      pooling = false;
      closeIdle();
      if (channel != null) {
        channel.unpublish(); // new clients wait and open the file once this process lets go
      }
      waitForClients(c);
      if (channel != null) {
        channel.close();
        SERVED_HERE.remove(home.databaseFile());
      }
      holders.decrementAndGet();
      try {
        c.close();
      } catch (SQLException e) {
        // closing anyway; nothing of ours is uncommitted on this connection
      }
    }
  }

  /**
   * Keeps the database open in this process until the returned holder is closed: for a
   * long-running process ({@code airlock serve}). While it is open the database is embedded in
   * this process, so this process's own units of work get a connection without opening the file,
   * and every other process (each CLI command) reaches the database through this process's
   * {@link LocalChannel} instead of waiting for it. Waits up to the busy timeout until this process is
   * the one that has the database open (if a CLI command had it, until that command lets go), so
   * that the holder never depends on a short-lived process staying alive.
   *
   * @throws AirlockException {@link Reason#DATABASE_BUSY} when another process kept the database
   */
  public Holder holdOpen() {
    long deadline = System.nanoTime() + busyTimeout.toNanos();
    try {
      while (true) {
        Connection c = connect(WRITER);
        if (servesOthers(c)) {
          LocalChannel channel;
          SERVED_HERE.add(home.databaseFile());
          try {
            channel = LocalChannel.start(home, databaseName(c));
          } catch (SQLException | IOException | RuntimeException e) {
            SERVED_HERE.remove(home.databaseFile());
            c.close();
            throw e;
          }
          c.setAutoCommit(true);
          holders.incrementAndGet();
          pooling = true;
          Holder h = new Holder(c);
          h.channel = channel;
          return h;
        }
        c.close();
        if (System.nanoTime() > deadline) {
          throw new SQLException("database busy: another process keeps it open", "HYT00", H2_LOCK_TIMEOUT);
        }
        Thread.sleep(20);
      }
    } catch (SQLException e) {
      throw translate(e);
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED,
          home.root().resolve(LocalChannel.FILE) + ": cannot publish the database's local channel: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw AirlockException.cannotDecide(Reason.DATABASE_BUSY,
          home.databaseFile() + ": interrupted while waiting for the database", e);
    }
  }

  /** H2's name of the database this embedded connection has open (what its server serves). */
  private static String databaseName(Connection c) throws SQLException {
    return ((org.h2.engine.SessionLocal) c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession()).getDatabase()
        .getName();
  }

  /**
   * Applies pending migrations. Another process may have the database open (it is served to this
   * one), and two processes of a new release may start at once; so migrations are applied with
   * the database in exclusive mode (other sessions wait, new ones are refused and retried by
   * {@link #connect}), after reading the version again inside it. DDL commits in H2, so a unit of
   * work's write lock could not cover a migration.
   */
  private void migrate() {
    run(Mode.MIGRATE,
        tx -> Sql.call(tx.connection(), c -> {
          if (appliedMigrations(c) >= MIGRATIONS.size()) {
            return null;
          }
          try (Statement s = c.createStatement()) {
            s.execute("SET EXCLUSIVE 1");
          }
          try {
            try (Statement s = c.createStatement()) {
              s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY, "
                  + "name VARCHAR(200) NOT NULL)");
            }
            for (int i = appliedMigrations(c); i < MIGRATIONS.size(); i++) {
              String name = MIGRATIONS.get(i);
              for (String sql : statements(load(name))) {
                try (Statement s = c.createStatement()) {
                  s.execute(sql);
                }
              }
              if (name.equals("V10__policy_key_files.sql")) {
                H2Policies.recordKeyFiles(c); // the key files of policies installed before
              }
              try (PreparedStatement p =
                  c.prepareStatement("INSERT INTO schema_version(version, name) VALUES (?, ?)")) {
                p.setInt(1, i + 1);
                p.setString(2, name);
                p.executeUpdate();
              }
            }
            c.commit();
          } catch (IOException e) {
            throw new SQLException("cannot read a migration: " + e.getMessage(), e);
          } finally {
            try (Statement s = c.createStatement()) {
              s.execute("SET EXCLUSIVE 0");
            }
          }
          return null;
        }));
  }

  /** The number of applied migrations (0 for a new file). */
  private static int appliedMigrations(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES "
            + "WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME = 'SCHEMA_VERSION'")) {
      rs.next();
      if (rs.getInt(1) == 0) {
        return 0;
      }
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** The schema version of this database (number of applied migrations). */
  public int schemaVersion() {
    return readTransaction(
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
}
