package dev.airlock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.Json;
import dev.airlock.crypto.Hashing;
import dev.airlock.testing.Corpus;
import dev.airlock.verify.Artifact;
import dev.airlock.verify.BundleVerifier;
import dev.airlock.verify.CorpusCases;
import dev.airlock.verify.VerifyOptions;
import dev.airlock.lab.LeafSpec;
import dev.airlock.lab.SigstoreLab;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import java.time.Instant;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.strings.StringMatcher;
import java.io.File;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code scripts/bench verify} (issue 3, speed): bundles/s on 2 threads through airlock's
 * {@link BundleVerifier} and through sigstore-java 2.0.0's {@link KeylessVerifier}, over the
 * corpus' passing public-good Rekor v1 keyless bundles that both accept (by digest; one verifier of
 * each kind per trusted root, built once, both warmed up, then measured phases alternating
 * airlock / sigstore-java twice; every verification is checked valid). Each verification starts
 * from the bundle's bytes for both (sigstore-java's {@code Bundle.from} included); a reference line
 * also shows sigstore-java given pre-parsed bundles. Then the wall time of one
 * cold {@code scripts/airlock verify-bundle} process (median of 9, after one run that builds and
 * records the class-data archive; and median of 5 without the archive) and, when node is
 * available, of the same verification by {@code @sigstore/verify} in a cold node process (median of 9).
 *
 * <p>The corpus has only 18 such bundles, so each is verified again and again; the JDK's X.509
 * certificate factory caches parsed certificates by their bytes and remembers the last key each
 * was verified against, which spares sigstore-java the leaf certificate's signature check from the
 * second time on; airlock's {@code ChainCache} likewise remembers its last 512 verified bundle
 * certificate links. A second measurement therefore uses {@code --distinct N} (default 2,000) keyless
 * bundles made by the test lab's private Sigstore, each with its own leaf certificate and key,
 * more than either cache holds (750 and 512), so that every verification does the whole work.
 *
 * <p>Arguments: {@code [--seconds S] [--warmup S] [--threads N] [--no-cold] [--no-node] [--distinct N]}.
 */
public final class VerifyBench {
  private VerifyBench() {}

  interface Job {
    void run(int i) throws Exception;
  }

  /** One bundle prepared for both verifiers. */
  record Item(String id, BundleVerifier airlock, byte[] bundle, Artifact digest, VerifyOptions options,
      KeylessVerifier sj, Bundle sjBundle, VerificationOptions sjOptions) {}

  public static void main(String[] args) throws Exception {
    double seconds = 4;
    double warmup = 8;
    int threads = 2;
    boolean cold = true;
    boolean node = true;
    int distinctCount = 2000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Double.parseDouble(args[++i]);
        case "--warmup" -> warmup = Double.parseDouble(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--no-cold" -> cold = false;
        case "--no-node" -> node = false;
        case "--distinct" -> distinctCount = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: scripts/bench verify [--seconds S] [--warmup S] [--threads N] [--no-cold] [--no-node] [--distinct N]");
          System.exit(2);
        }
      }
    }
    List<Item> items = items();
    if (items.isEmpty()) {
      throw new IllegalStateException("no passing public-good Rekor v1 keyless bundle in the corpus");
    }
    int n = items.size();
    Job ours = i -> {
      Item it = items.get(i % n);
      if (!it.airlock().verify(it.bundle(), it.digest(), it.options()).valid()) {
        throw new AssertionError("airlock denied " + it.id());
      }
    };
    // Both verifiers start from the bundle's bytes, as a verifier meets a bundle: airlock's verify
    // parses them, so sigstore-java's run parses them too (Bundle.from). Handing sigstore-java the
    // same parsed Bundle object every time would also let the JDK skip its certificate signature
    // check (X509CertImpl remembers the last key it verified against), which no real bundle gets;
    // that variant is measured once below, for reference only.
    Job theirs = i -> {
      Item it = items.get(i % n);
      Bundle parsed = Bundle.from(new StringReader(new String(it.bundle(), StandardCharsets.UTF_8)));
      it.sj().verify(it.digest().digest(), parsed, it.sjOptions()); // throws when invalid
    };
    Job theirsPreparsed = i -> {
      Item it = items.get(i % n);
      it.sj().verify(it.digest().digest(), it.sjBundle(), it.sjOptions());
    };
    System.out.printf("verify bench: %d public-good Rekor v1 keyless bundles (by digest), %d threads, "
        + "warm-up %.0f s each, measured 2 x %.0f s each%n", n, threads, warmup, seconds);
    rate(threads, warmup, ours);
    rate(threads, warmup, theirs);
    long aCount = 0;
    long sCount = 0;
    double aSecs = 0;
    double sSecs = 0;
    double aCpu = 0;
    double sCpu = 0;
    for (int round = 1; round <= 2; round++) {
      long[] a = count(threads, seconds, ours);
      long[] s = count(threads, seconds, theirs);
      aCount += a[0];
      aSecs += a[1] / 1e9;
      sCount += s[0];
      sSecs += s[1] / 1e9;
      aCpu += a[2] / 1e9;
      sCpu += s[2] / 1e9;
      System.out.printf("  round %d: airlock %.0f bundles/s, sigstore-java %.0f bundles/s%n",
          round, a[0] / (a[1] / 1e9), s[0] / (s[1] / 1e9));
    }
    double ar = aCount / aSecs;
    double sr = sCount / sSecs;
    System.out.printf("throughput (%d threads): airlock %.0f bundles/s, sigstore-java 2.0.0 %.0f bundles/s, "
        + "ratio %.2fx (goals: >= 2x, >= 1000/s)%n", threads, ar, sr, ar / sr);
    System.out.printf("per CPU-second of the verifying threads (less sensitive to other load): airlock %.0f, "
        + "sigstore-java %.0f bundles, ratio %.2fx; on %d free cores: airlock %.0f/s, sigstore-java %.0f/s%n",
        aCount / aCpu, sCount / sCpu, (aCount / aCpu) / (sCount / sCpu), threads, threads * aCount / aCpu,
        threads * sCount / sCpu);
    rate(threads, Math.min(warmup, 2), theirsPreparsed);
    long[] p = count(threads, seconds, theirsPreparsed);
    System.out.printf("reference only: sigstore-java given the same pre-parsed Bundle objects each time "
        + "(no parsing; the JDK caches the leaf certificate's signature check): %.0f bundles/s; airlock is "
        + "%.2fx that%n", p[0] / (p[1] / 1e9), ar / (p[0] / (p[1] / 1e9)));
    distinct(threads, warmup, seconds, distinctCount);
    System.out.printf("machine: %d CPUs, load average %s%n", Runtime.getRuntime().availableProcessors(), loadAverage());
    if (!cold) {
      return;
    }
    JsonNode c = coldCase();
    Path repo = repo();
    Path bundle = Corpus.file(c, "bundle");
    Path root = Corpus.file(c, "trusted_root");
    Path artifact = Corpus.file(c, "artifact");
    String identity = c.path("identity").asText();
    String issuer = c.path("issuer").asText();
    List<String> airlockCmd = List.of(repo.resolve("scripts/airlock").toString(), "verify-bundle",
        "--bundle", bundle.toString(), "--certificate-identity", identity, "--certificate-oidc-issuer", issuer,
        "--trusted-root", root.toString(), artifact.toString());
    run(airlockCmd, 600, Map.of()); // builds the jar and records the class-data archive if needed; not measured
    System.out.printf("cold scripts/airlock verify-bundle (%s): median of 9 %.0f ms (goal <= 500 ms); "
        + "without the class-data archive (AIRLOCK_CDS=off) median of 5 %.0f ms%n",
        c.path("id").asText(), median(airlockCmd, 9, Map.of()), median(airlockCmd, 5, Map.of("AIRLOCK_CDS", "off")));
    if (node && onPath("node") && onPath("npm")) {
      Path dir = ColdStartBench.nodeInstall(); // @sigstore/verify@3.1.1, pinned (issue 17)
      Path script = dir.resolve("verify.js");
      Files.writeString(script, NODE_SCRIPT);
      List<String> nodeCmd = List.of("node", script.toString(), bundle.toString(), root.toString(),
          artifact.toString(), identity, issuer);
      run(nodeCmd, 120, Map.of());
      System.out.printf("cold node @sigstore/verify %s (same bundle): median of 9 %.0f ms%n",
          nodeVersion(dir), median(nodeCmd, 9, Map.of()));
    } else {
      System.out.println("cold node @sigstore/verify: skipped (node/npm not on PATH or --no-node)");
    }
  }

  /** Verifies one bundle (argv: bundle, trusted root, artifact, identity, issuer); exits 0 only if valid. */
  static final String NODE_SCRIPT = """
      'use strict';
      const fs = require('fs');
      const path = require('path');
      const req = (m) => require(path.join(__dirname, 'node_modules', m));
      const { bundleFromJSON } = req('@sigstore/bundle');
      const { toSignedEntity, toTrustMaterial, Verifier } = req('@sigstore/verify');
      const { TrustedRoot } = req('@sigstore/protobuf-specs');
      const [bundlePath, rootPath, artifactPath, identity, issuer] = process.argv.slice(2);
      const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
      const root = TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootPath, 'utf8')));
      const verifier = new Verifier(toTrustMaterial(root));
      verifier.verify(toSignedEntity(bundle, fs.readFileSync(artifactPath)),
          { subjectAlternativeName: identity, extensions: { issuer: issuer } });
      """;

  /** The passing public-good Rekor v1 keyless cases that airlock and sigstore-java both accept. */
  static List<Item> items() throws Exception {
    Map<String, BundleVerifier> airlock = new HashMap<>();
    Map<String, KeylessVerifier> sj = new HashMap<>();
    List<Item> out = new ArrayList<>();
    for (JsonNode c : Corpus.ofKind("sigstore-bundle")) {
      if (!Corpus.expectPass(c) || !"public-good".equals(c.path("instance").asText())
          || !c.path("identity").isTextual() || !c.path("issuer").isTextual()) {
        continue;
      }
      byte[] b = Files.readAllBytes(Corpus.file(c, "bundle"));
      JsonNode json = Json.parse(b, "bundle");
      JsonNode entry = json.path("verificationMaterial").path("tlogEntries").path(0);
      if (!entry.path("inclusionPromise").isObject()) {
        continue; // not a Rekor v1 entry (Rekor v2 has no SET)
      }
      Artifact digest = CorpusCases.byDigest(c);
      if (!digest.algorithm().equals("sha256")) {
        continue;
      }
      String rootKey = HexFormat.of().formatHex(Hashing.sha256().digest(CorpusCases.trustedRootBytes(c)));
      BundleVerifier a = airlock.get(rootKey);
      if (a == null) {
        a = CorpusCases.verifier(c);
        airlock.put(rootKey, a);
      }
      KeylessVerifier s = sj.get(rootKey);
      if (s == null) {
        s = KeylessVerifier.builder().trustedRootProvider(TrustedRootProvider.from(CorpusCases.trustedRootPath(c))).build();
        sj.put(rootKey, s);
      }
      VerifyOptions opts = CorpusCases.options(c);
      Bundle sjBundle = Bundle.from(new StringReader(new String(b, StandardCharsets.UTF_8)));
      VerificationOptions sjOpts = VerificationOptions.builder().addCertificateMatchers(
          VerificationOptions.CertificateMatcher.fulcio()
              .subjectAlternativeName(StringMatcher.string(c.path("identity").asText()))
              .issuer(StringMatcher.string(c.path("issuer").asText())).build()).build();
      Item it = new Item(c.path("id").asText(), a, b, digest, opts, s, sjBundle, sjOpts);
      if (!a.verify(b, digest, opts).valid()) {
        continue;
      }
      try {
        s.verify(digest.digest(), sjBundle, sjOpts);
      } catch (Exception e) {
        continue; // sigstore-java rejects it (documented in docs/verification.md)
      }
      out.add(it);
    }
    return out;
  }

  /**
   * Airlock and sigstore-java over {@code n} distinct lab bundles (Rekor v1 entry with SET,
   * inclusion proof and checkpoint, embedded SCT, P-384 intermediate, fresh P-256 leaf each), by
   * digest, both starting from the bundle's bytes.
   */
  static void distinct(int threads, double warmup, double seconds, int n) throws Exception {
    if (n <= 0) {
      return;
    }
    long t0 = System.nanoTime();
    SigstoreLab lab = SigstoreLab.create(7);
    byte[] rootJson = lab.trustedRoot().json().getBytes(StandardCharsets.UTF_8);
    Path rootFile = Files.createTempFile("airlock-bench-lab-root", ".json");
    Files.write(rootFile, rootJson);
    BundleVerifier airlock = new BundleVerifier(
        TrustSnapshot.ofRoots("lab", Instant.EPOCH, List.of(TrustedRoot.parse(rootJson, "lab trusted root"))));
    KeylessVerifier sj = KeylessVerifier.builder().trustedRootProvider(TrustedRootProvider.from(rootFile)).build();
    Files.delete(rootFile);
    List<byte[]> bundles = new ArrayList<>();
    List<Artifact> digests = new ArrayList<>();
    List<VerifyOptions> opts = new ArrayList<>();
    List<VerificationOptions> sjOpts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String email = "dev" + i + "@lab.internal";
      byte[] artifact = ("artifact " + i + "\n").getBytes(StandardCharsets.UTF_8);
      bundles.add(lab.bundle(lab.keyless(LeafSpec.email(email))).messageSignature(artifact).build().json()
          .getBytes(StandardCharsets.UTF_8));
      digests.add(Artifact.ofDigest("sha256", Hashing.sha256(artifact)));
      opts.add(VerifyOptions.builder().identity(email).issuer(LeafSpec.DEFAULT_ISSUER).build());
      sjOpts.add(VerificationOptions.builder().addCertificateMatchers(VerificationOptions.CertificateMatcher.fulcio()
          .subjectAlternativeName(StringMatcher.string(email))
          .issuer(StringMatcher.string(LeafSpec.DEFAULT_ISSUER)).build()).build());
    }
    Job ours = i -> {
      int k = i % n;
      if (!airlock.verify(bundles.get(k), digests.get(k), opts.get(k)).valid()) {
        throw new AssertionError("airlock denied lab bundle " + k);
      }
    };
    Job theirs = i -> {
      int k = i % n;
      sj.verify(digests.get(k).digest(),
          Bundle.from(new StringReader(new String(bundles.get(k), StandardCharsets.UTF_8))), sjOpts.get(k));
    };
    System.out.printf("distinct bundles: %d lab keyless bundles made in %.1f s; the threads share them out, so no bundle is verified twice in a row%n",
        n, (System.nanoTime() - t0) / 1e9);
    rate(threads, warmup, ours);
    rate(threads, warmup, theirs);
    long[] a = {0, 0, 0};
    long[] s = {0, 0, 0};
    for (int round = 1; round <= 2; round++) {
      long[] ra = count(threads, seconds, ours);
      long[] rs = count(threads, seconds, theirs);
      for (int k = 0; k < 3; k++) {
        a[k] += ra[k];
        s[k] += rs[k];
      }
      System.out.printf("  round %d: airlock %.0f bundles/s, sigstore-java %.0f bundles/s%n",
          round, ra[0] / (ra[1] / 1e9), rs[0] / (rs[1] / 1e9));
    }
    double ar = a[0] / (a[1] / 1e9);
    double sr = s[0] / (s[1] / 1e9);
    double ac = a[0] / (a[2] / 1e9);
    double sc = s[0] / (s[2] / 1e9);
    System.out.printf("distinct throughput (%d threads): airlock %.0f bundles/s, sigstore-java 2.0.0 %.0f bundles/s, "
        + "ratio %.2fx; per CPU-second airlock %.0f, sigstore-java %.0f, ratio %.2fx%n",
        threads, ar, sr, ar / sr, ac, sc, ac / sc);
  }

  /** The first selected-kind case with a plain trusted_root.json and an artifact file. */
  static JsonNode coldCase() throws Exception {
    for (Item it : items()) {
      for (JsonNode c : Corpus.ofKind("sigstore-bundle")) {
        if (c.path("id").asText().equals(it.id()) && Corpus.hasFile(c, "trusted_root") && Corpus.hasFile(c, "artifact")) {
          return c;
        }
      }
    }
    throw new IllegalStateException("no corpus case for the cold run");
  }

  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

  /**
   * Runs the job on {@code threads} threads for {@code seconds}, thread t taking items t, t +
   * threads, t + 2 threads, ...; returns {count, elapsed nanos, worker CPU nanos}.
   */
  static long[] count(int threads, double seconds, Job job) throws Exception {
    ExecutorService ex = Executors.newFixedThreadPool(threads);
    AtomicLong done = new AtomicLong();
    AtomicLong cpu = new AtomicLong();
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      fs.add(ex.submit(() -> {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        int i = offset;
        while (System.nanoTime() < end) {
          job.run(i);
          i += threads; // thread t takes items t, t + threads, ...: no item twice in a row
          done.incrementAndGet();
        }
        cpu.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu0);
        return null;
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    long elapsed = System.nanoTime() - start;
    ex.shutdown();
    return new long[] {done.get(), elapsed, cpu.get()};
  }

  static double rate(int threads, double seconds, Job job) throws Exception {
    long[] r = count(threads, seconds, job);
    return r[0] / (r[1] / 1e9);
  }

  static Path repo() throws Exception {
    Path p = Path.of(VerifyBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    for (Path d = p; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("scripts/airlock"))) {
        return d;
      }
    }
    throw new IllegalStateException("scripts/airlock not found above " + p);
  }

  /** Runs a command to completion, output discarded; fails unless it exits 0. Returns wall millis. */
  static double run(List<String> cmd, int timeoutSeconds, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(new File("/dev/null")));
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + String.join(" ", cmd));
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    if (p.exitValue() != 0) {
      throw new IllegalStateException("exit " + p.exitValue() + ": " + String.join(" ", cmd));
    }
    return ms;
  }

  static double median(List<String> cmd, int runs, Map<String, String> env) throws Exception {
    double[] t = new double[runs];
    for (int i = 0; i < runs; i++) {
      t[i] = run(cmd, 120, env);
    }
    Arrays.sort(t);
    return t[runs / 2];
  }

  static boolean onPath(String exe) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, exe))) {
        return true;
      }
    }
    return false;
  }

  static String nodeVersion(Path dir) {
    try {
      JsonNode pkg = Json.parse(Files.readAllBytes(dir.resolve("node_modules/@sigstore/verify/package.json")), "package.json");
      return pkg.path("version").asText("?");
    } catch (Exception e) {
      return "?";
    }
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "n/a";
    }
  }
}
