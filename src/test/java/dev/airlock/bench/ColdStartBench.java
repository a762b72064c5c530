package dev.airlock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.testing.ApplianceLab;
import dev.airlock.testing.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code scripts/bench coldstart RELEASE_DIR} (issue 17, the mercure path: one process per module
 * launch): wall time of cold processes started from the release's launcher against node
 * {@code @sigstore/verify} 3.1.1 on the same bundle, measured in the same run, interleaved (one of
 * each per round, so load from other work falls on all of them alike), medians of {@code --runs}
 * (default 9) and their ratios to node. Cases:
 *
 * <ul>
 *   <li>{@code verify-bundle}: the bundle {@link VerifyBench} times cold
 *       (conformance.happy-path-intoto-in-dsse-v3, public-good trusted_root.json, no home);
 *   <li>{@code verify IMAGE}: the admitted demo image {@code reg.vendor.example/ai/seg:2.1} on a home
 *       made from the demo medium (init + import through the same launcher, not measured); each
 *       run writes its audit event, as every verify does;
 *   <li>{@code verify IMAGE} beside a running {@code airlock serve} that holds a copy of that home
 *       (an appliance that runs the service: the command reaches the database through serve's
 *       channel, H2's client; serve's own CPU is not in the CPU column);
 *   <li>both again with {@code AIRLOCK_AOT=off} (the same launcher without the AOT cache), for
 *       reference.
 * </ul>
 *
 * <p>Each line also shows the median CPU time (user + sys, all threads) of the same runs and its
 * ratio to node's: the wall time is the goal, the CPU time shows it while other work loads the
 * machine (a JVM's compiler and GC threads wait for cores that node's single thread does not need).
 *
 * <p>Arguments: {@code RELEASE_DIR [--runs N] [--no-node] [--with-dev-launcher]}; the last adds
 * the same two commands through the development launcher {@code scripts/airlock} (JDK on PATH,
 * shaded jar, AppCDS archive recorded by its first verify), the state before issue 17. The first run of each command is a
 * warm-up of the file cache and is not counted.
 */
public final class ColdStartBench {
  private ColdStartBench() {}

  static final String NODE_VERIFY_VERSION = "3.1.1";

  public static void main(String[] args) throws Exception {
    Path release = null;
    int runs = 9;
    boolean node = true;
    boolean dev = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--no-node" -> node = false;
        case "--with-dev-launcher" -> dev = true;
        default -> {
          if (args[i].startsWith("-") || release != null) {
            System.err.println("usage: scripts/bench coldstart RELEASE_DIR [--runs N] [--no-node] [--with-dev-launcher]");
            System.exit(2);
          }
          release = Path.of(args[i]).toAbsolutePath();
        }
      }
    }
    if (release == null || !Files.isExecutable(release.resolve("bin/airlock"))) {
      System.err.println("usage: scripts/bench coldstart RELEASE_DIR [--runs N] [--no-node] [--with-dev-launcher] (RELEASE_DIR/bin/airlock)");
      System.exit(2);
    }
    Path launcher = release.resolve("bin/airlock");
    boolean aot = Files.isRegularFile(release.resolve("lib/airlock.aot"));
    Path repo = VerifyBench.repo();
    JsonNode c = VerifyBench.coldCase();
    Path bundle = Corpus.file(c, "bundle");
    Path root = Corpus.file(c, "trusted_root");
    Path artifact = Corpus.file(c, "artifact");
    String identity = c.path("identity").asText();
    String issuer = c.path("issuer").asText();

    Path work = Files.createTempDirectory("airlock-bench-coldstart");
    Path home = work.resolve("home");
    Path noHome = work.resolve("no-home"); // never created: verify-bundle with --trusted-root only verifies
    Map<String, String> noAot = Map.of("AIRLOCK_AOT", "off");
    VerifyBench.run(List.of(launcher.toString(), "--home", home.toString(), "--operator", "bench", "init",
        "--root", repo.resolve("trust-root/demo/root.json").toString(),
        "--policy", repo.resolve("bundles/demo/policy.yaml").toString()), 600, noAot);
    VerifyBench.run(List.of(launcher.toString(), "--home", home.toString(), "--operator", "bench", "import",
        repo.resolve("bundles/demo").toString()), 600, noAot);

    // the same home beside a running serve, as on an appliance that runs the service: a command
    // reaches the database through serve's channel (H2's client), not by opening the file
    Path served = work.resolve("served");
    ApplianceLab.copyTree(home, served);
    Process serve = new ProcessBuilder(launcher.toString(), "--home", served.toString(), "--operator", "bench",
        "serve", "--listen", "127.0.0.1:0", "--insecure-http")
        .redirectErrorStream(true).redirectOutput(work.resolve("serve.log").toFile()).start();
    try {
      awaitServe(serve, served, work.resolve("serve.log"));
      List<String> verifyBundle = List.of(launcher.toString(), "--home", noHome.toString(), "verify-bundle",
          "--bundle", bundle.toString(), "--certificate-identity", identity, "--certificate-oidc-issuer", issuer,
          "--trusted-root", root.toString(), artifact.toString());
      List<String> verifyImage = List.of(launcher.toString(), "--home", home.toString(), "--operator", "bench",
          "verify", "reg.vendor.example/ai/seg:2.1");
      Map<String, Case> cases = new LinkedHashMap<>();
      if (node && VerifyBench.onPath("node") && VerifyBench.onPath("npm")) {
        Path dir = nodeInstall();
        Path script = dir.resolve("verify.js");
        Files.writeString(script, VerifyBench.NODE_SCRIPT);
        cases.put("node @sigstore/verify " + VerifyBench.nodeVersion(dir) + " (same bundle)", new Case(
            List.of("node", script.toString(), bundle.toString(), root.toString(), artifact.toString(), identity,
                issuer),
            Map.of()));
      } else {
        System.out.println("node @sigstore/verify: skipped (node/npm not on PATH or --no-node)");
      }
      cases.put("airlock verify-bundle" + (aot ? " (AOT cache)" : ""), new Case(verifyBundle, Map.of()));
      cases.put("airlock verify IMAGE" + (aot ? " (AOT cache)" : ""), new Case(verifyImage, Map.of()));
      List<String> verifyServed = new ArrayList<>(verifyImage);
      verifyServed.set(2, served.toString());
      cases.put("airlock verify IMAGE beside serve", new Case(verifyServed, Map.of()));
      if (aot) {
        cases.put("airlock verify-bundle, AIRLOCK_AOT=off", new Case(verifyBundle, noAot));
        cases.put("airlock verify IMAGE, AIRLOCK_AOT=off", new Case(verifyImage, noAot));
      }
      if (dev) {
        // the development launcher (scripts/airlock: JDK on PATH, shaded jar, AppCDS), for comparison
        List<String> d = new ArrayList<>(verifyBundle);
        d.set(0, repo.resolve("scripts/airlock").toString());
        cases.put("scripts/airlock verify-bundle (dev, AppCDS)", new Case(d, Map.of()));
        d = new ArrayList<>(verifyImage);
        d.set(0, repo.resolve("scripts/airlock").toString());
        cases.put("scripts/airlock verify IMAGE (dev, AppCDS)", new Case(d, Map.of()));
      }
      for (Case k : cases.values()) {
        VerifyBench.run(k.cmd(), 600, k.env()); // warm-up, not counted; fails the bench unless it exits 0
      }
      System.out.printf("coldstart bench: %s, %d interleaved rounds; load average before: %s%n", release, runs,
          VerifyBench.loadAverage());
      for (int r = 0; r < runs; r++) {
        for (Case k : cases.values()) {
          long cpu0 = childCpuTicks();
          k.times().add(VerifyBench.run(k.cmd(), 120, k.env()));
          k.cpu().add((childCpuTicks() - cpu0) * 1000.0 / TICKS_PER_SECOND);
        }
      }
      Double nodeMedian = null;
      Double nodeCpu = null;
      for (Map.Entry<String, Case> e : cases.entrySet()) {
        double m = median(e.getValue().times());
        if (e.getKey().startsWith("node")) {
          nodeMedian = m;
        }
        double cpu = median(e.getValue().cpu());
        if (e.getKey().startsWith("node")) {
          nodeCpu = cpu;
        }
        System.out.printf("  %-45s median %5.0f ms (min %4.0f, max %4.0f)%s; CPU (user+sys) median %4.0f ms%s%n",
            e.getKey(), m, min(e.getValue().times()), max(e.getValue().times()),
            nodeMedian == null || e.getKey().startsWith("node") ? "" : String.format(", %.2fx node", m / nodeMedian),
            cpu, nodeCpu == null || e.getKey().startsWith("node") ? "" : String.format(", %.2fx node", cpu / nodeCpu));
      }
      System.out.printf("goal: airlock <= 1.5x node for both; machine: %d CPUs, load average after: %s%n",
          Runtime.getRuntime().availableProcessors(), VerifyBench.loadAverage());
    } finally {
      serve.destroy();
      serve.waitFor();
    }
    deleteTree(work);
  }

  /** Waits until serve has published its database channel and listens; fails if it exits first. */
  private static void awaitServe(Process serve, Path home, Path log) throws Exception {
    for (int i = 0; i < 600; i++) {
      if (Files.isRegularFile(home.resolve("airlock.server"))
          && Files.readString(log, java.nio.charset.StandardCharsets.UTF_8).contains("listening on")) {
        return;
      }
      if (!serve.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("airlock serve did not start: "
        + Files.readString(log, java.nio.charset.StandardCharsets.UTF_8));
  }


  record Case(List<String> cmd, Map<String, String> env, List<Double> times, List<Double> cpu) {
    Case(List<String> cmd, Map<String, String> env) {
      this(cmd, env, new ArrayList<>(), new ArrayList<>());
    }
  }

  /** Linux USER_HZ, the unit of /proc/PID/stat's times (100 on every Linux this runs on). */
  static final long TICKS_PER_SECOND = 100;

  /**
   * CPU time of this process's waited-for children ({@code cutime + cstime}, fields 16 and 17 of
   * /proc/self/stat): the delta around one run is that run's CPU time, all its threads, JIT and GC
   * included. Less sensitive than wall time to other work on the machine (it does not count time
   * spent waiting for a core), so the bench reports it beside the wall time.
   */
  static long childCpuTicks() throws Exception {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // f[0] is field 3 (state); cutime is field 16, cstime field 17
    return Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }

  /** {@code @sigstore/verify} at {@link #NODE_VERIFY_VERSION} (its bundle and protobuf-specs come with it). */
  static Path nodeInstall() throws Exception {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "airlock-bench-node-" + NODE_VERIFY_VERSION);
    if (!Files.isDirectory(dir.resolve("node_modules/@sigstore/verify"))
        || !NODE_VERIFY_VERSION.equals(VerifyBench.nodeVersion(dir))) {
      System.out.println("installing @sigstore/verify@" + NODE_VERIFY_VERSION + " into " + dir + " ...");
      Files.createDirectories(dir);
      VerifyBench.run(List.of("npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", dir.toString(),
          "@sigstore/verify@" + NODE_VERIFY_VERSION), 600, Map.of());
    }
    if (!NODE_VERIFY_VERSION.equals(VerifyBench.nodeVersion(dir))) {
      throw new IllegalStateException("@sigstore/verify in " + dir + " is " + VerifyBench.nodeVersion(dir)
          + ", not " + NODE_VERIFY_VERSION);
    }
    return dir;
  }

  static double median(List<Double> t) {
    double[] a = t.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  static double min(List<Double> t) {
    return t.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  static double max(List<Double> t) {
    return t.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  static void deleteTree(Path p) throws Exception {
    if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (var s = Files.list(p)) {
        for (Path q : s.toList()) {
          deleteTree(q);
        }
      }
    }
    Files.deleteIfExists(p);
  }
}
