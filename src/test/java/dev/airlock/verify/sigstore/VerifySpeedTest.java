package dev.airlock.verify.sigstore;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.testing.Corpus;
import dev.airlock.verify.Artifact;
import dev.airlock.verify.BundleVerifier;
import dev.airlock.verify.CorpusCases;
import dev.airlock.verify.VerifyOptions;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.strings.StringMatcher;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A short throughput measurement (issue 3 speed goal; scripts/bench verify is the full one): the
 * corpus' passing keyless conformance bundles with the public-good root (one trust snapshot), by
 * digest, on 2 threads, through airlock and through sigstore-java 2.0.0. Prints bundles/s.
 */
class VerifySpeedTest {
  interface Job {
    void run(int i) throws Exception;
  }

  static double rate(int threads, long millis, Job job) throws Exception {
    ExecutorService ex = Executors.newFixedThreadPool(threads);
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + millis * 1_000_000;
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      fs.add(ex.submit(() -> {
        int i = 0;
        while (System.nanoTime() < end) {
          job.run(i++);
          done.incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    ex.shutdown();
    return done.get() * 1000.0 / millis;
  }

  @Test
  void throughputOnTwoThreads() throws Exception {
    List<JsonNode> cases = new ArrayList<>();
    for (JsonNode c : Corpus.ofKind("sigstore-bundle")) {
      if (c.path("id").asText().startsWith("conformance.") && Corpus.expectPass(c)
          && c.path("instance").asText().equals("public-good") && c.path("identity").isTextual()) {
        cases.add(c);
      }
    }
    assertTrue(cases.size() >= 4, "passing public-good keyless cases: " + cases.size());
    JsonNode first = cases.get(0);
    BundleVerifier airlock = CorpusCases.verifier(first);
    List<byte[]> bundles = new ArrayList<>();
    List<Artifact> digests = new ArrayList<>();
    List<VerifyOptions> opts = new ArrayList<>();
    List<Bundle> sjBundles = new ArrayList<>();
    List<VerificationOptions> sjOpts = new ArrayList<>();
    for (JsonNode c : cases) {
      byte[] b = Files.readAllBytes(Corpus.file(c, "bundle"));
      bundles.add(b);
      digests.add(CorpusCases.byDigest(c));
      opts.add(CorpusCases.options(c));
      sjBundles.add(Bundle.from(new StringReader(new String(b, StandardCharsets.UTF_8))));
      sjOpts.add(VerificationOptions.builder().addCertificateMatchers(VerificationOptions.CertificateMatcher.fulcio()
          .subjectAlternativeName(StringMatcher.string(c.path("identity").asText()))
          .issuer(StringMatcher.string(c.path("issuer").asText())).build()).build());
    }
    int n = bundles.size();
    Job ours = i -> {
      if (!airlock.verify(bundles.get(i % n), digests.get(i % n), opts.get(i % n)).valid()) {
        throw new AssertionError("airlock denied " + cases.get(i % n).path("id").asText());
      }
    };
    KeylessVerifier sj = KeylessVerifier.builder()
        .trustedRootProvider(TrustedRootProvider.from(CorpusCases.trustedRootPath(first))).build();
    Job theirs = i -> sj.verify(digests.get(i % n).digest(), sjBundles.get(i % n), sjOpts.get(i % n));
    rate(2, 500, ours);
    rate(2, 500, theirs);
    double a = rate(2, 1500, ours);
    double s = rate(2, 1500, theirs);
    System.out.printf("verify throughput on 2 threads, %d public-good keyless bundles: airlock %.0f/s, "
        + "sigstore-java %.0f/s, ratio %.2f%n", n, a, s, a / s);
    assertTrue(a > 0);
  }
}
