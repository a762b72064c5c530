package dev.airlock.db;

/**
 * The database's part of the CLI's warm-up thread (issue 17, cold start): H2's exception class,
 * initialised ahead of the first connection. Its initialiser reads H2's messages from the jar;
 * classes come from the AOT cache, so that is the first read of the jar, which opens and indexes
 * its 18,800 entries (and, in the development jar, walks H2's nested resource archive), in the
 * middle of the database open: 8 to 11% of a cold {@code verify IMAGE}'s main thread, sampled. The
 * main thread needs it a few milliseconds after {@code main} and waits for what is left of it, so
 * this takes only part of it off the critical path. Its initialiser uses only the JDK and H2
 * utility classes whose own initialisers need nothing (no cycle through anything the main thread
 * initialises meanwhile), and nothing of H2's system properties (which {@link Database} sets first).
 * Kept here because this package is the only one that names H2 (DESIGN.md section 1).
 */
public final class DatabaseWarmup {
  static final String FIRST = "org.h2.message.DbException";

  private DatabaseWarmup() {}

  /**
   * Initialises {@link #FIRST}, then loads the default time zone's rules, which H2's first session
   * reads (the JDK's zone rules provider and its tzdb; about 3 ms of a cold import's main thread,
   * sampled). A failure is left for the first connection to meet and report.
   */
  public static void run() {
    try {
      Class.forName(FIRST, true, DatabaseWarmup.class.getClassLoader());
      java.time.ZoneId.systemDefault().getRules();
    } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
      // the database open meets the same problem and reports it
    }
  }
}
