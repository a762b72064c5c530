package dev.airlock.bench;

import com.fasterxml.jackson.databind.JsonNode;
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
 *   <li>both again with {@code AIRLOCK_AOT=off} (the same launcher without the AOT cache), for
 *       reference.
 * </ul>
 *
 * <p>Arguments: {@code RELEASE_DIR [--runs N] [--no-node]}. The first run of each command is a
 * warm-up of the file cache and is not counted.
 */
public final class ColdStartBench {
  private ColdStartBench() {}

  static final String NODE_VERIFY_VERSION = "3.1.1";

  public static void main(String[] args) throws Exception {
    Path release = null;
    int runs = 9;
    boolean node = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--no-node" -> node = false;
        default -> {
          if (args[i].startsWith("-") || release != null) {
            System.err.println("usage: scripts/bench coldstart RELEASE_DIR [--runs N] [--no-node]");
            System.exit(2);
          }
          release = Path.of(args[i]).toAbsolutePath();
        }
      }
    }
    if (release == null || !Files.isExecutable(release.resolve("bin/airlock"))) {
      System.err.println("usage: scripts/bench coldstart RELEASE_DIR [--runs N] [--no-node] (RELEASE_DIR/bin/airlock)");
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
          List.of("node", script.toString(), bundle.toString(), root.toString(), artifact.toString(), identity, issuer),
          Map.of()));
    } else {
      System.out.println("node @sigstore/verify: skipped (node/npm not on PATH or --no-node)");
    }
    cases.put("airlock verify-bundle" + (aot ? " (AOT cache)" : ""), new Case(verifyBundle, Map.of()));
    cases.put("airlock verify IMAGE" + (aot ? " (AOT cache)" : ""), new Case(verifyImage, Map.of()));
    if (aot) {
      cases.put("airlock verify-bundle, AIRLOCK_AOT=off", new Case(verifyBundle, noAot));
      cases.put("airlock verify IMAGE, AIRLOCK_AOT=off", new Case(verifyImage, noAot));
    }
    for (Case k : cases.values()) {
      VerifyBench.run(k.cmd(), 120, k.env()); // warm-up, not counted; fails the bench unless it exits 0
    }
    System.out.printf("coldstart bench: %s, %d interleaved rounds; load average before: %s%n", release, runs,
        VerifyBench.loadAverage());
    for (int r = 0; r < runs; r++) {
      for (Case k : cases.values()) {
        k.times().add(VerifyBench.run(k.cmd(), 120, k.env()));
      }
    }
    Double nodeMedian = null;
    for (Map.Entry<String, Case> e : cases.entrySet()) {
      double m = median(e.getValue().times());
      if (e.getKey().startsWith("node")) {
        nodeMedian = m;
      }
      System.out.printf("  %-45s median %5.0f ms (min %4.0f, max %4.0f)%s%n", e.getKey(), m,
          min(e.getValue().times()), max(e.getValue().times()),
          nodeMedian == null || e.getKey().startsWith("node") ? "" : String.format(", %.2fx node", m / nodeMedian));
    }
    System.out.printf("goal: airlock <= 1.5x node for both; machine: %d CPUs, load average after: %s%n",
        Runtime.getRuntime().availableProcessors(), VerifyBench.loadAverage());
    deleteTree(work);
  }

  record Case(List<String> cmd, Map<String, String> env, List<Double> times) {
    Case(List<String> cmd, Map<String, String> env) {
      this(cmd, env, new ArrayList<>());
    }
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
