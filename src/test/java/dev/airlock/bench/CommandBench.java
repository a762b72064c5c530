package dev.airlock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code scripts/bench import [totalMiB] [layers] [runs] [--release DIR]}: the real command ({@code scripts/airlock
 * import}, or {@code DIR/bin/airlock import} of an unpacked release tree; a new JVM each time, as an
 * operator runs it) against standard tools doing the same
 * durable work, all measured in the same run (issue 17):
 *
 * <ol>
 *   <li><b>fixed cost</b>: a re-import of a tiny medium (the demo medium's {@code tuf/} and
 *       {@code checkpoints/} and one image of {@code layers} 1 MiB layers: JVM start, TUF,
 *       checkpoints, database, decision, report; no blob copied);
 *   <li><b>big import</b>: the same medium with an image of random layers (default 1 GiB, 4 x 256 MiB); its
 *       <i>marginal</i> time is its time minus the fixed cost of the same run, compared with
 *       {@code cp} of the same blob files into the same file system followed by {@code sync} of
 *       the copies (a durable copy: what any import that must persist the bytes has to do);
 *   <li><b>.tar.zst import</b>: the same medium with compressible layers of the same total size, packed with
 *       {@code tar | zstd -3}; marginal time against {@code zstd -d | tar -x} into the same file
 *       system followed by {@code sync} of the extracted files.
 * </ol>
 *
 * <p>Each run uses a fresh home (init + an untimed first import of the demo medium); its fixed
 * cost is the mean of two medians of {@link #SMALL_SAMPLES} re-imports each, one taken before and
 * one after the big imports. A ratio is
 * reference time / marginal time: the import's throughput as a fraction of the tools' (goal: at
 * least 0.9). The load average is printed at the start and the end: on a shared machine the
 * figures move, so compare the ratios (measured side by side), not the seconds.
 */
final class CommandBench {
  private CommandBench() {}

  static void run(String[] args) throws Exception {
    List<String> numbers = new ArrayList<>();
    Path release = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--release") && i + 1 < args.length) {
        release = Path.of(args[++i]).toAbsolutePath().normalize();
      } else {
        numbers.add(args[i]);
      }
    }
    long totalMiB = numbers.size() > 0 ? Long.parseLong(numbers.get(0)) : 1024;
    int layers = numbers.size() > 1 ? Integer.parseInt(numbers.get(1)) : 4;
    int runs = numbers.size() > 2 ? Integer.parseInt(numbers.get(2)) : 3;
    Path repo = Path.of(System.getenv().getOrDefault("AIRLOCK_REPO", ".")).toAbsolutePath().normalize();
    // --release DIR: an unpacked release tree's launcher (its runtime, JVM options and AOT caches);
    // else the development launcher, which builds target/airlock.jar when it is stale
    Path launcher = release != null ? release.resolve("bin/airlock") : repo.resolve("scripts/airlock");
    if (!Files.isExecutable(launcher)) {
      throw new IllegalArgumentException("no launcher at " + launcher);
    }
    System.out.printf(Locale.ROOT, "launcher: %s%n", launcher);
    Path demo = repo.resolve("bundles/demo");
    System.out.printf(Locale.ROOT, "load average at start: %s%n", loadAverage());
    sh(List.of(launcher.toString(), "--version")); // builds target/airlock.jar if it is stale
    Path work = Files.createTempDirectory("airlock-import-bench");
    try {
      // every medium carries the demo's tuf/ and checkpoints/, so that the fixed work (TUF client,
      // checkpoint verification) is the same in the tiny medium and in the big ones
      Path tiny = medium(work.resolve("tiny"), demo);
      ImportBench.generate(tiny.resolve("images/tiny"), layers, layers, false, "bench.example/tiny:1");
      Path big = medium(work.resolve("big"), demo);
      List<Path> bigFiles = ImportBench.generate(big.resolve("images/big"), totalMiB, layers, false,
          "bench.example/big:1");
      Path zlayout = medium(work.resolve("zlayout"), demo);
      ImportBench.generate(zlayout.resolve("images/text"), totalMiB, layers, true, "bench.example/text:1");
      Path zst = work.resolve("medium.tar.zst");
      sh(List.of("bash", "-c", "tar -C '" + zlayout + "' -cf - . | zstd -q -3 -T0 -o '" + zst + "'"));
      FileTreesQuiet.delete(zlayout);
      // the generated media are made durable before anything is timed: otherwise their writeback
      // runs during the first timed import (the big one) and is charged to it, not to cp
      syncTree(work);
      long bigBytes = 0;
      for (Path f : bigFiles) {
        bigBytes += Files.size(f);
      }
      System.out.printf(Locale.ROOT, "big medium: folder (demo tuf/ + checkpoints/, one image), %d random layers, %.1f MB; "
          + ".tar.zst medium: %d compressible layers, %.1f MB compressed%n",
          layers, bigBytes / 1e6, layers, Files.size(zst) / 1e6);
      double[] small = new double[runs];
      double[] bigT = new double[runs];
      double[] cp = new double[runs];
      double[] zT = new double[runs];
      double[] zRef = new double[runs];
      for (int r = 0; r < runs; r++) {
        Path home = work.resolve("home-" + r);
        sh(List.of(launcher.toString(), "--home", home.toString(), "init", "--root",
            repo.resolve("trust-root/demo/root.json").toString(), "--policy", demo.resolve("policy.yaml").toString()));
        sh(List.of(launcher.toString(), "--home", home.toString(), "import", "--quiet", tiny.toString()));
        List<String> reimport = List.of(launcher.toString(), "--home", home.toString(), "import", "--quiet",
            tiny.toString());
        // the fixed cost is timed before and after the big imports and averaged: on a loaded
        // machine one small import alone moves by seconds, and the marginal times inherit it; each
        // side is the median of SMALL_SAMPLES re-imports (one alone moved by 10 to 20% between
        // back-to-back runs of the same tree on the 2-core machine)
        double smallBefore = medianTimed(reimport);
        bigT[r] = timed(List.of(launcher.toString(), "--home", home.toString(), "import", "--quiet", big.toString()));
        Path cpDir = Files.createDirectories(work.resolve("cp-" + r));
        List<String> cpCmd = new ArrayList<>(List.of("cp"));
        bigFiles.forEach(f -> cpCmd.add(f.toString()));
        cpCmd.add(cpDir.toString());
        long t = System.nanoTime();
        sh(cpCmd);
        syncTree(cpDir);
        cp[r] = (System.nanoTime() - t) / 1e9;
        zT[r] = timed(List.of(launcher.toString(), "--home", home.toString(), "import", "--quiet", zst.toString()));
        Path xDir = Files.createDirectories(work.resolve("x-" + r));
        t = System.nanoTime();
        sh(List.of("bash", "-c", "zstd -q -d -c '" + zst + "' | tar -x -C '" + xDir + "'"));
        syncTree(xDir);
        zRef[r] = (System.nanoTime() - t) / 1e9;
        double smallAfter = medianTimed(reimport);
        small[r] = (smallBefore + smallAfter) / 2;
        System.out.printf(Locale.ROOT, "run %d: small import before the big ones %.2f s, after them %.2f s (medians of " + SMALL_SAMPLES + ")%n", r + 1,
            smallBefore, smallAfter);
        System.out.printf(Locale.ROOT, "run %d: small import %.2f s | big import %.2f s (marginal %.2f s) vs cp+sync"
            + " %.2f s: %s | .tar.zst import %.2f s (marginal %.2f s) vs zstd -d|tar -x+sync %.2f s: %s%n",
            r + 1, small[r], bigT[r], bigT[r] - small[r], cp[r], fmt(ratio(cp[r], bigT[r] - small[r])), zT[r],
            zT[r] - small[r], zRef[r], fmt(ratio(zRef[r], zT[r] - small[r])));
        FileTreesQuiet.delete(home);
        FileTreesQuiet.delete(cpDir);
        FileTreesQuiet.delete(xDir);
      }
      double[] bigRatio = new double[runs];
      double[] zRatio = new double[runs];
      for (int r = 0; r < runs; r++) {
        bigRatio[r] = ratio(cp[r], bigT[r] - small[r]);
        zRatio[r] = ratio(zRef[r], zT[r] - small[r]);
      }
      System.out.printf(Locale.ROOT, "median of %d runs:%n", runs);
      System.out.printf(Locale.ROOT, "  fixed cost (re-import of a tiny medium):  %.2f s  (runs: %s)%n",
          median(small), list(small));
      System.out.printf(Locale.ROOT, "  big import, marginal:                     %.2f s  vs cp + sync %.2f s: "
          + "ratio %s (runs: %s)%n", median(minus(bigT, small)), median(cp), fmt(median(bigRatio)), list(bigRatio));
      System.out.printf(Locale.ROOT, "  .tar.zst import, marginal:                %.2f s  vs zstd -d | tar -x + sync"
          + " %.2f s: ratio %s (runs: %s)%n", median(minus(zT, small)), median(zRef), fmt(median(zRatio)), list(zRatio));
      System.out.printf(Locale.ROOT, "load average at end: %s%n", loadAverage());
    } finally {
      FileTreesQuiet.delete(work);
    }
  }

  /** A medium folder with the demo medium's tuf/ and checkpoints/ (its images are added by the caller). */
  private static Path medium(Path dir, Path demo) throws IOException {
    for (String part : List.of("tuf", "checkpoints")) {
      Path from = demo.resolve(part);
      try (Stream<Path> s = Files.walk(from)) {
        for (Path p : s.toList()) {
          Path to = dir.resolve(part).resolve(from.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(to);
          } else {
            Files.copy(p, to);
          }
        }
      }
    }
    return dir;
  }

  /** fsyncs every file of a tree and its folders (coreutils {@code sync FILE...}: fsync per argument). */
  private static void syncTree(Path dir) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("sync"));
    try (Stream<Path> s = Files.walk(dir)) {
      s.forEach(p -> cmd.add(p.toString()));
    }
    sh(cmd);
  }

  /** How many re-imports of the tiny medium each side (before, after the big imports) takes the median of. */
  static final int SMALL_SAMPLES = 3;

  /** The median time of {@link #SMALL_SAMPLES} runs of {@code cmd}, one after the other. */
  private static double medianTimed(List<String> cmd) throws Exception {
    double[] t = new double[SMALL_SAMPLES];
    for (int i = 0; i < t.length; i++) {
      t[i] = timed(cmd);
    }
    return median(t);
  }

  private static double timed(List<String> cmd) throws Exception {
    long t = System.nanoTime();
    sh(cmd);
    return (System.nanoTime() - t) / 1e9;
  }

  private static void sh(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
    byte[] out = p.getInputStream().readAllBytes();
    int rc = p.waitFor();
    if (rc != 0) {
      throw new IllegalStateException(String.join(" ", cmd).substring(0, Math.min(300, String.join(" ", cmd).length()))
          + ": exit " + rc + "\n" + new String(out, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private static double[] minus(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return d;
  }

  /**
   * Throughput ratio: reference time / marginal time. A marginal time of zero or less means the
   * fixed cost moved by more than the copy took (a loaded machine): no ratio (NaN, "n/a").
   */
  private static double ratio(double reference, double marginal) {
    return marginal > 0 ? reference / marginal : Double.NaN;
  }

  private static String fmt(double ratio) {
    return Double.isNaN(ratio) ? "n/a (marginal <= 0: noise)" : String.format(Locale.ROOT, "%.2fx", ratio);
  }

  /** The median of the values that are numbers (NaN when none is). */
  static double median(double[] v) {
    double[] s = Arrays.stream(v).filter(d -> !Double.isNaN(d)).toArray();
    if (s.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String list(double[] v) {
    StringBuilder b = new StringBuilder();
    for (double d : v) {
      b.append(b.length() == 0 ? "" : ", ").append(Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, "%.2f", d));
    }
    return b.toString();
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Recursive delete for the bench's own temp folders. */
  static final class FileTreesQuiet {
    private FileTreesQuiet() {}

    static void delete(Path p) throws IOException {
      if (!Files.exists(p)) {
        return;
      }
      try (Stream<Path> s = Files.walk(p)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
