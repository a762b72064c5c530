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
 * its first certificate (cold verify-bundle from the release 409 to 373 ms, medians of 15). For a
 * command on a home it first signs and verifies with a throwaway Ed25519 key, as the audit
 * checkpoint that ends every such command does with the home's key: a cold {@code verify IMAGE}
 * spends its first 100 ms or more opening the database, the second core is free meanwhile, and the
 * checkpoint's signature was one of its slowest steps after the decision. The thread is a daemon:
 * an exit does not wait for it.
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

  /** Those of {@link #CLASSES} that {@link Plan#AUDIT} initialises: no curve tables. */
  static final java.util.List<String> AUDIT_CLASSES = CLASSES.subList(0, 2);

  /** Starts the thread for the command line {@code args}; returns it (tests join it). */
  static Thread start(String[] args) {
    Plan plan = plan(args);
    Thread t = new Thread(() -> run(plan), "airlock-warmup");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** What the warm-up does for a command line. */
  enum Plan {
    /** No home (verify-bundle, the publisher's commands): the verification path only. */
    VERIFY,
    /**
     * A plain {@code verify IMAGE} on a home: most often answered from a stored decision, so no
     * signature is verified; the audit checkpoint is signed at the end. The verification path is
     * left out: warmed, it took the second core from the main thread's database open (a cold
     * cached verify IMAGE from the release 383 vs 367 ms, medians of 21 interleaved).
     */
    AUDIT,
    /** Any other command on a home (verify with cosign's flags or a what-if, ...): both. */
    BOTH,
    /**
     * {@code import}: both, then the data binding of the documents every import reads (OCI
     * manifests and layout headers, checkpoint consistency proofs). Jackson builds a type's
     * deserializer by reflection on its first use: 8 to 12% of a cold re-import's main thread,
     * sampled (issue 17); here it is built on the second core, and the main thread finds it cached.
     */
    IMPORT
  }

  /** The document types {@link Plan#IMPORT} has Jackson prepare, in order of first need. */
  static final java.util.List<String> IMPORT_TYPES = java.util.List.of(
      "dev.airlock.tlog.json.ConsistencyProofJson",
      "dev.airlock.oci.json.LayoutHeaderJson",
      "dev.airlock.oci.json.ManifestJson");

  /**
   * The plan for a command line: by its first command name; for {@code verify}, whether it can be
   * answered from a stored decision (no cosign flag such as {@code --key} or
   * {@code --certificate-identity}, no {@code --policy} what-if). Only a hint for the warm-up:
   * what the command does is decided by the command.
   */
  static Plan plan(String[] args) {
    if (args.length == 2 && args[0].equals(AotTraining.OPTION)) {
      return trainingPlan(java.nio.file.Path.of(args[1]));
    }
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!Main.SUBCOMMANDS.containsKey(a)) {
        continue;
      }
      if (NO_HOME.contains(a)) {
        return Plan.VERIFY;
      }
      if (a.equals("import")) {
        return Plan.IMPORT;
      }
      if (!a.equals("verify")) {
        return Plan.BOTH;
      }
      for (int j = i + 1; j < args.length; j++) {
        if (args[j].startsWith("--key") || args[j].startsWith("--certificate") || args[j].startsWith("--policy")) {
          return Plan.BOTH;
        }
      }
      return Plan.AUDIT;
    }
    return Plan.VERIFY;
  }

  /**
   * The plan of an AOT cache's training run ({@code scripts/aot-train}): that of the first command
   * it trains, so the cache holds the classes that command's warm-up loads and no others (a cache
   * loads every class it holds at each start). A plan file that cannot be read warms as VERIFY;
   * the training itself then reports the file.
   */
  static Plan trainingPlan(java.nio.file.Path planFile) {
    try {
      for (String line : java.nio.file.Files.readAllLines(planFile, java.nio.charset.StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          String[] f = line.split("\t");
          return plan(java.util.Arrays.copyOfRange(f, 1, f.length));
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // the training reads the file again and reports it
    }
    return Plan.VERIFY;
  }

  /**
   * What a command on a home does with its records before its audit event: the first ISO-8601
   * instant parsed (the JDK's formatter tables are built then), a JSON document parsed and put in
   * RFC 8785 canonical form (the audit event's detail). In a cold cached {@code verify IMAGE} these
   * first calls took about 2 ms (the stored trust's time) and 7 ms (the stored verdict, the
   * event's canonical form) of the main thread, sampled (issue 17). Returns whether all worked
   * (tests); a failure is left for the main thread to meet.
   */
  static boolean records() {
    try {
      java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00.5Z");
      com.fasterxml.jackson.databind.JsonNode n = dev.airlock.core.Json.parse(
          "{\"time\":\"2026-01-01T00:00:00Z\",\"checks\":[{\"id\":\"x\",\"n\":1.5,\"ok\":true}]}"
              .getBytes(java.nio.charset.StandardCharsets.UTF_8), "warm-up document");
      return t.getNano() == 500_000_000
          && dev.airlock.core.Json.canonicalString(n).startsWith("{\"checks\":[{\"id\":\"x\",\"n\":1.5,");
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Commands that sign no audit checkpoint (no home, or verify-bundle's usual --trusted-root). */
  private static final java.util.Set<String> NO_HOME =
      java.util.Set.of("verify-bundle", "keygen", "repo", "sign", "pack");

  static void run(Plan plan) {
    ClassLoader loader = Warmup.class.getClassLoader();
    if (plan != Plan.VERIFY) {
      dev.airlock.appliance.StateViews.warmUpDatabase(); // first: a command on a home opens its database at once
    }
    for (String c : plan == Plan.AUDIT ? AUDIT_CLASSES : CLASSES) {
      try {
        Class.forName(c, true, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        // the main thread meets the same problem where it needs the class, and reports it there
      }
    }
    if (plan != Plan.VERIFY) {
      records();
    }
    // only the crypto stage touches JCA engines (ArchitectureTest)
    dev.airlock.crypto.JcaWarmup.run(plan != Plan.VERIFY, plan != Plan.AUDIT);
    if (plan == Plan.IMPORT) {
      for (String c : IMPORT_TYPES) {
        try {
          dev.airlock.core.Json.prime(Class.forName(c, false, loader));
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
          // the main thread meets the same problem where it binds the type, and reports it there
        }
      }
    }
  }
}
