package dev.airlock.trust.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.testing.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** TUF root self-check against real roots (Sigstore production history, go-tuf, tuf-on-ci). */
class PinnedRootTest {
  static final Path PROD = Corpus.root().resolve("cases/tuf-chain/root-signing.production-2026-08");

  static byte[] read(Path p) throws Exception {
    return Files.readAllBytes(p);
  }

  @Test
  void productionRootV15PassesAtCaseTimeAndExpiresLater() throws Exception {
    byte[] v15 = read(PROD.resolve("repository/metadata/15.root.json"));
    PinnedRoot r = PinnedRoot.check(v15, "15.root.json", Instant.parse("2026-08-22T00:00:00Z"));
    assertEquals(15, r.version());
    assertEquals(3, r.threshold());
    assertTrue(r.verifiedKeyIds().size() >= 3);
    AirlockException e = assertThrows(AirlockException.class,
        () -> PinnedRoot.check(v15, "15.root.json", Instant.parse("2026-11-21T00:00:00Z")));
    assertEquals(Reason.TUF_EXPIRED, e.reason());
    assertEquals(AirlockException.Kind.CANNOT_DECIDE, e.kind());
  }

  @Test
  void trustedRootOfProductionCasePassesBeforeItsExpiry() throws Exception {
    byte[] v12 = read(PROD.resolve("trusted/root.json"));
    PinnedRoot r = PinnedRoot.check(v12, "root.json", Instant.parse("2025-08-01T00:00:00Z"));
    assertEquals(12, r.version());
    assertEquals(Reason.TUF_EXPIRED, assertThrows(AirlockException.class,
        () -> PinnedRoot.check(v12, "root.json", Instant.parse("2026-08-22T00:00:00Z"))).reason());
  }

  /** Every historic production root (hex and PEM ECDSA keys, fractional-second expiry) self-verifies. */
  @Test
  void everyProductionRootSelfVerifies() throws Exception {
    int n = 0;
    for (int v = 1; v <= 15; v++) {
      byte[] b = read(PROD.resolve("repository/metadata/" + v + ".root.json"));
      PinnedRoot r = PinnedRoot.check(b, v + ".root.json", Instant.parse("2020-01-01T00:00:00Z"));
      assertEquals(v, r.version());
      n++;
    }
    assertEquals(15, n);
  }

  @Test
  void everyCorpusTrustedRootThatIsNotRejectedUpstreamSelfVerifies() throws Exception {
    int checked = 0;
    List<String> failed = new ArrayList<>();
    try (Stream<Path> s = Files.list(Corpus.root().resolve("cases/tuf-chain"))) {
      for (Path c : s.sorted().toList()) {
        Path root = c.resolve("trusted/root.json");
        if (!Files.exists(root) || c.getFileName().toString().contains("unsigned")) {
          continue;
        }
        try {
          PinnedRoot.check(read(root), c.getFileName() + "/root.json", Instant.parse("2020-01-01T00:00:00Z"));
          checked++;
        } catch (AirlockException e) {
          failed.add(e.getMessage());
        }
      }
    }
    assertTrue(checked >= 50, "checked " + checked);
    assertEquals(List.of(), failed);
  }

  @Test
  void flippedSignatureBitIsBelowThreshold() throws Exception {
    ObjectNode doc = (ObjectNode) Json.parse(read(PROD.resolve("repository/metadata/15.root.json")), "x");
    ArrayNode sigs = (ArrayNode) doc.get("signatures");
    for (JsonNode s : sigs) {
      String sig = s.get("sig").textValue();
      if (!sig.isEmpty()) {
        char last = sig.charAt(sig.length() - 1);
        ((ObjectNode) s).put("sig", sig.substring(0, sig.length() - 1) + (last == '0' ? '1' : '0'));
      }
    }
    assertReject(doc, Reason.TUF_SIGNATURE_THRESHOLD);
  }

  @Test
  void changedSignedFieldBreaksSignatures() throws Exception {
    ObjectNode doc = (ObjectNode) Json.parse(read(PROD.resolve("repository/metadata/15.root.json")), "x");
    ((ObjectNode) doc.get("signed")).put("expires", "2036-01-01T00:00:00Z");
    assertReject(doc, Reason.TUF_SIGNATURE_THRESHOLD);
  }

  @Test
  void duplicatedSignatureCountsOnce() throws Exception {
    ObjectNode doc = (ObjectNode) Json.parse(read(PROD.resolve("repository/metadata/15.root.json")), "x");
    ArrayNode sigs = (ArrayNode) doc.get("signatures");
    JsonNode good = null;
    for (JsonNode s : sigs) {
      if (!s.get("sig").textValue().isEmpty()) {
        good = s;
      }
    }
    ArrayNode only = doc.putArray("signatures");
    only.add(good.deepCopy());
    only.add(good.deepCopy());
    only.add(good.deepCopy());
    assertReject(doc, Reason.TUF_MALFORMED);
    ArrayNode one = doc.putArray("signatures");
    one.add(good.deepCopy());
    assertReject(doc, Reason.TUF_SIGNATURE_THRESHOLD);
  }

  @Test
  void notTufIsMalformed() {
    for (String bad : List.of("{}", "[]", "not json", "{\"signed\":{\"_type\":\"targets\"},\"signatures\":[]}",
        "{\"signed\":{\"_type\":\"root\",\"version\":0},\"signatures\":[]}",
        "{\"signed\":{\"_type\":\"root\",\"version\":1,\"expires\":\"soon\"},\"signatures\":[]}")) {
      AirlockException e = assertThrows(AirlockException.class,
          () -> PinnedRoot.check(bad.getBytes(StandardCharsets.UTF_8), "bad.json", Instant.EPOCH), bad);
      assertEquals(Reason.TUF_MALFORMED, e.reason(), bad);
      assertTrue(e.getMessage().startsWith("bad.json: "), e.getMessage());
    }
  }

  @Test
  void canonicalJsonMatchesOlpcRules() {
    JsonNode n = Json.parse("{\"b\":1,\"a\":[true,null,\"x\\\"y\\\\z\\n\"],\"A\":{}}".getBytes(StandardCharsets.UTF_8), "t");
    assertEquals("{\"A\":{},\"a\":[true,null,\"x\\\"y\\\\z\n\"],\"b\":1}",
        new String(dev.airlock.trust.tuf.CanonicalJson.encode(n), StandardCharsets.UTF_8));
    assertThrows(IllegalArgumentException.class,
        () -> dev.airlock.trust.tuf.CanonicalJson.encode(Json.parse("{\"f\":1.5}".getBytes(StandardCharsets.UTF_8), "t")));
  }

  private static void assertReject(JsonNode doc, Reason reason) {
    byte[] b = Json.write(doc).getBytes(StandardCharsets.UTF_8);
    AirlockException e = assertThrows(AirlockException.class,
        () -> PinnedRoot.check(b, "root.json", Instant.parse("2026-08-22T00:00:00Z")));
    assertEquals(reason, e.reason(), e.getMessage());
    assertEquals(AirlockException.Kind.DENIED, e.kind());
  }
}
