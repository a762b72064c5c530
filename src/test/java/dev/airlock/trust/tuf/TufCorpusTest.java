package dev.airlock.trust.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import dev.airlock.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code tuf-chain} case of the shared corpus through airlock's real TUF client, with the
 * clock at the case's {@code now} (corpus README "tuf-chain").
 */
class TufCorpusTest {
  @TempDir static Path tmp;
  private static final AtomicInteger PASSED = new AtomicInteger();
  private static final AtomicInteger RAN = new AtomicInteger();
  private static final StringBuilder FAILURES = new StringBuilder();

  /** The reason airlock gives for each failing case (pins the sigstore-java exception mapping). */
  static final Map<String, Reason> EXPECTED_REASON = Map.ofEntries(
      Map.entry("sigstore-java.tuf-root-unsigned", Reason.TUF_SIGNATURE_THRESHOLD),
      Map.entry("sigstore-java.tuf-root-expired", Reason.TUF_EXPIRED),
      Map.entry("sigstore-java.tuf-root-wrong-version", Reason.TUF_VERSION_MISMATCH),
      Map.entry("sigstore-java.tuf-root-too-big", Reason.TUF_TOO_LARGE),
      Map.entry("sigstore-java.tuf-timestamp-missing", Reason.TUF_MISSING_FILE),
      Map.entry("sigstore-java.tuf-timestamp-unsigned", Reason.TUF_SIGNATURE_THRESHOLD),
      Map.entry("sigstore-java.tuf-timestamp-rollback", Reason.TUF_ROLLBACK),
      Map.entry("sigstore-java.tuf-timestamp-expired", Reason.TUF_EXPIRED),
      Map.entry("sigstore-java.tuf-snapshot-missing", Reason.TUF_MISSING_FILE),
      Map.entry("sigstore-java.tuf-snapshot-invalid-hash", Reason.TUF_HASH_MISMATCH),
      Map.entry("sigstore-java.tuf-snapshot-version-mismatch", Reason.TUF_VERSION_MISMATCH),
      Map.entry("sigstore-java.tuf-snapshot-target-missing", Reason.TUF_ROLLBACK),
      Map.entry("sigstore-java.tuf-snapshot-targets-version-rollback", Reason.TUF_ROLLBACK),
      Map.entry("sigstore-java.tuf-snapshot-expired", Reason.TUF_EXPIRED),
      Map.entry("sigstore-java.tuf-targets-missing", Reason.TUF_MISSING_FILE),
      Map.entry("sigstore-java.tuf-targets-invalid-hash", Reason.TUF_HASH_MISMATCH),
      Map.entry("sigstore-java.tuf-targets-version-mismatch", Reason.TUF_VERSION_MISMATCH),
      Map.entry("sigstore-java.tuf-targets-expired", Reason.TUF_EXPIRED),
      Map.entry("sigstore-java.tuf-target-entry-without-hashes", Reason.TUF_MALFORMED),
      Map.entry("sigstore-java.tuf-target-invalid-length", Reason.TUF_TOO_LARGE),
      Map.entry("sigstore-java.tuf-target-invalid-hash", Reason.TUF_HASH_MISMATCH),
      Map.entry("sigstore-java.tuf-target-file-missing", Reason.TUF_MISSING_FILE),
      Map.entry("go-tuf.Published3Times_keyrotated_latestrootexpired", Reason.TUF_EXPIRED),
      Map.entry("go-tuf.Published2Times_keyrotated_invalidNewRootSignature", Reason.TUF_SIGNATURE_THRESHOLD),
      Map.entry("go-tuf.Published1Time_backwardRootVersion", Reason.TUF_VERSION_MISMATCH),
      Map.entry("go-tuf.Published3Times_keyrotated_forwardRootVersion", Reason.TUF_VERSION_MISMATCH),
      Map.entry("go-tuf.Published2Times_roottoolarge", Reason.TUF_TOO_LARGE),
      Map.entry("tuf-conformance.sigstore-root-signing-2025-02-timestamp-expired", Reason.TUF_EXPIRED),
      Map.entry("root-signing.production-2026-08-timestamp-expired", Reason.TUF_EXPIRED));

  @TestFactory
  Stream<DynamicTest> everyTufChainCase() {
    List<JsonNode> cases = Corpus.ofKind("tuf-chain");
    assertEquals(57, cases.size(), "tuf-chain cases in the manifest");
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.path("id").asText(), () -> runCase(c)));
  }

  private static void runCase(JsonNode c) throws IOException {
    String id = c.path("id").asText();
    RAN.incrementAndGet();
    Path store = Files.createDirectories(tmp.resolve(id));
    Path trusted = Corpus.file(c, "trusted_metadata_dir");
    try (Stream<Path> s = Files.list(trusted)) {
      for (Path p : s.toList()) {
        Files.copy(p, store.resolve(p.getFileName()));
      }
    }
    Path meta = Corpus.file(c, "metadata_dir");
    Path targets = Corpus.hasFile(c, "targets_dir") ? Corpus.file(c, "targets_dir") : meta.resolveSibling("targets");
    Instant now = Instant.parse(c.path("now").asText());
    JsonNode tuf = c.path("tuf");
    String op = tuf.path("operation").asText();
    boolean expectPass = Corpus.expectPass(c);
    String outcome;
    try {
      TufClient client = TufClient.open(store, meta, targets);
      if (op.equals("root-update")) {
        int v = client.rootUpdate(now);
        if (tuf.has("expected_versions")) {
          assertEquals(tuf.path("expected_versions").path("root").asInt(), v, id + " root version");
        }
      } else {
        TufClient.State st = client.refresh(now, false);
        JsonNode ev = tuf.path("expected_versions");
        if (ev.isObject()) {
          assertEquals(ev.path("root").asInt(), st.rootVersion(), id + " root");
          assertEquals(ev.path("timestamp").asInt(), st.timestampVersion(), id + " timestamp");
          assertEquals(ev.path("snapshot").asInt(), st.snapshotVersion(), id + " snapshot");
          assertEquals(ev.path("targets").asInt(), st.targetsVersion(), id + " targets");
        }
        if (op.equals("download")) {
          for (JsonNode t : tuf.path("target_paths")) {
            assertNotNull(client.download(t.asText()), id + " " + t.asText());
          }
        }
      }
      outcome = "pass";
    } catch (AirlockException e) {
      outcome = "fail " + e.reason() + ": " + e.getMessage();
      if (!expectPass && e.reason() != EXPECTED_REASON.get(id)) {
        outcome = "wrong reason (expected " + EXPECTED_REASON.get(id) + ") " + outcome;
      }
    }
    boolean ok = expectPass ? outcome.equals("pass") : outcome.startsWith("fail ");
    if (ok) {
      PASSED.incrementAndGet();
    } else {
      FAILURES.append("\n  ").append(id).append(" expected ").append(c.path("expect").asText())
          .append(", got ").append(outcome);
      fail(id + ": expected " + c.path("expect").asText() + ", got " + outcome);
    }
    if (id.endsWith("-timestamp-expired") && !id.startsWith("sigstore-java.")) {
      // the real Sigstore repositories with only the 7-day timestamp expired: accepted by name
      Path store2 = Files.createDirectories(tmp.resolve(id + "-accept"));
      try (Stream<Path> s = Files.list(trusted)) {
        for (Path p : s.toList()) {
          Files.copy(p, store2.resolve(p.getFileName()));
        }
      }
      TufClient client = TufClient.open(store2, meta, targets);
      TufClient.State st = client.refresh(now, true);
      assertTrue(st.expiredTimestampAccepted(), id);
      assertNotNull(client.download("trusted_root.json"));
    }
  }

  @AfterAll
  static void summary() {
    System.out.println("tuf-chain corpus: " + PASSED.get() + "/" + RAN.get() + " match" + FAILURES);
  }
}
