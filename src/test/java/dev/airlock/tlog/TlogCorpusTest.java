package dev.airlock.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import dev.airlock.merkle.Merkle;
import dev.airlock.merkle.MerkleProofException;
import dev.airlock.testing.Corpus;
import java.nio.file.Files;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code checkpoint}, {@code merkle-inclusion} and {@code merkle-consistency} case of the
 * shared corpus through the real code, asserting the expected verdict.
 */
class TlogCorpusTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Map<String, AtomicInteger[]> SUMMARY = new ConcurrentHashMap<>();

  @TestFactory
  Stream<DynamicTest> checkpoints() {
    return cases("checkpoint", 9, this::checkpointCase);
  }

  @TestFactory
  Stream<DynamicTest> inclusionProofs() {
    return cases("merkle-inclusion", 98, this::inclusionCase);
  }

  @TestFactory
  Stream<DynamicTest> consistencyProofs() {
    return cases("merkle-consistency", 98, this::consistencyCase);
  }

  @AfterAll
  static void printSummary() {
    Map<String, String> lines = new TreeMap<>();
    SUMMARY.forEach((k, v) -> lines.put(k, v[0].get() + " matched (" + v[1].get() + " pass, "
        + v[2].get() + " fail)"));
    lines.forEach((k, v) -> System.out.println("corpus " + k + ": " + v));
  }

  interface CaseRunner {
    /** Runs the case; returns normally if it verified, throws ProofException if rejected. */
    void run(JsonNode c) throws Exception;
  }

  private Stream<DynamicTest> cases(String kind, int expectedCount, CaseRunner runner) {
    List<JsonNode> cases = Corpus.ofKind(kind);
    assertEquals(expectedCount, cases.size(), "number of " + kind + " cases in the corpus");
    AtomicInteger[] counters = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
    SUMMARY.put(kind, counters);
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.path("id").asText(), () -> {
      boolean pass = Corpus.expectPass(c);
      try {
        runner.run(c);
        if (!pass) {
          fail(c.path("id").asText() + " verified but must fail: " + c.path("reason").asText());
        }
      } catch (ProofException e) {
        if (pass) {
          fail(c.path("id").asText() + " rejected but must pass: " + e.reason() + " " + e.getMessage());
        }
      } catch (MerkleProofException e) {
        if (pass) {
          fail(c.path("id").asText() + " rejected but must pass: " + e.reason() + " " + e.getMessage());
        }
      }
      counters[0].incrementAndGet();
      counters[pass ? 1 : 2].incrementAndGet();
    }));
  }

  private void checkpointCase(JsonNode c) throws Exception {
    PublicKey key = Keys.parsePublicKey(Files.readAllBytes(Corpus.file(c, "log_public_key")));
    JsonNode log = c.path("log");
    LogKey logKey = new LogKey(log.path("signer_name").asText(), key);
    assertEquals(log.path("key_hint_hex").asText(), Hashing.hex(logKey.spkiKeyHint()), "key hint of the PEM key");
    SignedNote note = SignedNote.parse(Files.readAllBytes(Corpus.file(c, "checkpoint")));
    VerifiedCheckpoint v = CheckpointVerifier.verify(note, List.of(logKey), List.of());
    JsonNode exp = c.path("expected");
    assertEquals(exp.path("origin").asText(), v.checkpoint().origin());
    assertEquals(exp.path("tree_size").asLong(), v.checkpoint().size());
    assertArrayEquals(Base64.getDecoder().decode(exp.path("root_hash_b64").asText()), v.checkpoint().rootHash());
    assertEquals(log.path("signer_name").asText(), v.signer().name());
    // the same key without a known name (as from trusted_root.json) must give the same verdict
    VerifiedCheckpoint unnamed = CheckpointVerifier.verify(note, List.of(LogKey.unnamed(key)), List.of());
    assertEquals(v.checkpoint(), unnamed.checkpoint());
  }

  private void inclusionCase(JsonNode c) throws Exception {
    JsonNode p = probe(c);
    Merkle.verifyInclusion(p.path("leafIdx").asLong(), p.path("treeSize").asLong(), b64(p.path("leafHash")),
        hashes(p.path("proof")), b64(p.path("root")));
  }

  private void consistencyCase(JsonNode c) throws Exception {
    JsonNode p = probe(c);
    Merkle.verifyConsistency(p.path("size1").asLong(), p.path("size2").asLong(), b64(p.path("root1")),
        b64(p.path("root2")), hashes(p.path("proof")));
  }

  private static JsonNode probe(JsonNode c) throws Exception {
    JsonNode p = MAPPER.readTree(Files.readAllBytes(Corpus.file(c, "probe")));
    assertEquals(!Corpus.expectPass(c), p.path("wantErr").asBoolean(), "manifest verdict vs probe wantErr");
    return p;
  }

  private static byte[] b64(JsonNode n) {
    return n.isNull() || n.isMissingNode() ? new byte[0] : Base64.getDecoder().decode(n.asText());
  }

  private static List<byte[]> hashes(JsonNode arr) {
    List<byte[]> out = new ArrayList<>();
    arr.forEach(h -> out.add(b64(h)));
    assertTrue(arr.isArray() || arr.isNull() || arr.isMissingNode());
    return out;
  }
}
