package dev.airlock.cli;

/**
 * Runs the heaviest class initialisers of a short command on a second core while the main thread
 * builds the command line (issue 17, cold start: one process per verification). In the JFR profile
 * of a cold {@code verify-bundle} from the release (AOT cache, 12 runs), class initialisers were a
 * quarter of the samples, led by {@code java.math.BigDecimal}'s (reached through Jackson's parser
 * base class and H2's values: 9%), the shared JSON mapper (4%) and the EC curve tables of the JDK
 * and Bouncy Castle, and the JDK's first provider lookups (KeyFactory, CertificateFactory,
 * MessageDigest: 7%); picocli's reflective model took the main thread for about as long meanwhile.
 *
 * <p>Only initialisers that compute tables from constants and depend on nothing of airlock's that
 * could be initialising on the main thread at the same time (so that two threads never wait on each
 * other's class initialisation): if the main thread needs one first, it waits for it as it would
 * have run it; nothing is skipped, and a failure here is left for the main thread to meet and
 * report. The provider lookups only fill the JDK's caches (it serves concurrent lookups by
 * design); the objects they return are dropped. Last, it verifies two throwaway ECDSA signatures
 * (P-256, P-384), so that Bouncy Castle's curve arithmetic is compiled before the main thread checks
 * its first certificate (cold verify-bundle from the release 409 to 373 ms, medians of 15). The
 * thread is a daemon: an exit does not wait for it.
 *
 * <p>Tried and left out: reading and parsing a {@code verify-bundle --trusted-root} file and
 * checking its authorities' chains here, for the main thread to take over by name and bytes. The
 * main thread then waited for it, and the run was no faster (361 vs 362 ms, medians of 21): both
 * cores are already busy (this thread, the JIT compiler, the main thread).
 */
final class Warmup {
  private Warmup() {}

  /** In order of first need by the verify commands. */
  static final java.util.List<String> CLASSES = java.util.List.of(
      "java.math.BigDecimal",
      "dev.airlock.core.Json",
      "sun.security.util.CurveDB",
      "org.bouncycastle.crypto.util.PublicKeyFactory",
      "org.bouncycastle.crypto.ec.CustomNamedCurves");

  /** Starts the thread; returns it (tests join it). */
  static Thread start() {
    Thread t = new Thread(Warmup::run, "airlock-warmup");
    t.setDaemon(true);
    t.start();
    return t;
  }

  static void run() {
    ClassLoader loader = Warmup.class.getClassLoader();
    for (String c : CLASSES) {
      try {
        Class.forName(c, true, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        // the main thread meets the same problem where it needs the class, and reports it there
      }
    }
    dev.airlock.crypto.JcaWarmup.run(); // only the crypto stage touches JCA engines (ArchitectureTest)
  }
}
