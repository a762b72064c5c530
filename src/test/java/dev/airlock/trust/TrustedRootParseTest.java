package dev.airlock.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Keys;
import dev.airlock.crypto.SignatureAlgorithm;
import dev.airlock.testing.Corpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class TrustedRootParseTest {
  private static final ObjectMapper M = new ObjectMapper();

  /**
   * Corpus trusted roots that are broken on purpose, with the reason airlock must give. Every other
   * trusted_root.json (and each line of trusted_roots.jsonl) must parse.
   */
  private static final Map<String, Reason> DELIBERATELY_BROKEN = Map.of(
      // the tlog key has no validFor.start: an unbounded log key is refused (conformance suite)
      "sigstore-bundle/conformance.trust-root-tlog-missing-validity-start_fail/trusted_root.json",
      Reason.TRUSTED_ROOT_MALFORMED);

  static List<Path> corpusRoots() throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(Corpus.root().resolve("cases"))) {
      s.filter(p -> p.getFileName().toString().endsWith("trusted_root.json")
              || p.getFileName().toString().equals("trusted_roots.jsonl"))
          .sorted()
          .forEach(out::add);
    }
    return out;
  }

  @TestFactory
  Stream<DynamicTest> everyCorpusTrustedRootParses() throws IOException {
    List<Path> roots = corpusRoots();
    assertTrue(roots.size() >= 130, "expected the corpus trusted roots, found " + roots.size());
    Path cases = Corpus.root().resolve("cases");
    return roots.stream().map(p -> DynamicTest.dynamicTest(cases.relativize(p).toString(), () -> {
      String rel = cases.relativize(p).toString().replace('\\', '/');
      List<byte[]> docs = new ArrayList<>();
      if (rel.endsWith(".jsonl")) {
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            docs.add(line.getBytes(StandardCharsets.UTF_8));
          }
        }
        assertEquals(2, docs.size(), rel);
      } else {
        docs.add(Files.readAllBytes(p));
      }
      for (byte[] doc : docs) {
        Reason broken = DELIBERATELY_BROKEN.get(rel);
        if (broken != null) {
          AirlockException e = assertThrows(AirlockException.class, () -> TrustedRoot.parse(doc, rel));
          assertEquals(broken, e.reason(), e.getMessage());
          assertTrue(e.getMessage().startsWith(rel + ": "), e.getMessage());
        } else {
          TrustedRoot r = TrustedRoot.parse(doc, rel);
          assertFalse(r.tlogs().isEmpty() && r.certificateAuthorities().isEmpty(), rel + " is empty");
          for (TransparencyLog t : r.tlogs()) {
            assertNotNull(t.validFor().start(), rel);
          }
        }
      }
    }));
  }


  private static ObjectNode sampleTree() throws IOException {
    return (ObjectNode) M.readTree(productionRoot());
  }

  private static byte[] productionRoot() throws IOException {
    try (Stream<Path> s = Files.walk(Corpus.root().resolve("cases/sigstore-bundle"))) {
      Path p = s.filter(x -> x.getFileName().toString().equals("trusted_root.json"))
          .filter(x -> x.toString().contains("conformance.rekor2-dsse-happy-path")
              || x.toString().contains("conformance.happy-path"))
          .sorted().findFirst().orElseThrow();
      return Files.readAllBytes(p);
    }
  }

  private static AirlockException rejected(Consumer<ObjectNode> edit) throws IOException {
    ObjectNode n = sampleTree();
    edit.accept(n);
    byte[] bytes = M.writeValueAsBytes(n);
    return assertThrows(AirlockException.class, () -> TrustedRoot.parse(bytes, "edited.json"));
  }

  private static ObjectNode tlog0(ObjectNode n) {
    return (ObjectNode) n.withArray("tlogs").get(0);
  }

  @Test
  void productionRootHasLogsCasAndTsas() throws IOException {
    TrustedRoot r = TrustedRoot.parse(productionRoot(), "prod.json");
    assertFalse(r.tlogs().isEmpty());
    assertFalse(r.ctlogs().isEmpty());
    assertFalse(r.certificateAuthorities().isEmpty());
    assertTrue(r.digest().toString().startsWith("sha256:"));
    TransparencyLog t = r.tlogs().get(0);
    // RFC 6962 log ID = SHA-256 of the SPKI for Rekor v1 keys
    if (t.algorithm() == SignatureAlgorithm.ECDSA_P256_SHA256) {
      assertTrue(t.hasLogId(Keys.spkiSha256(t.key())));
    }
  }

  @Test
  void acceptsV02MediaType() throws IOException {
    ObjectNode n = sampleTree();
    n.put("mediaType", TrustedRoot.MEDIA_TYPE_V02);
    TrustedRoot.parse(M.writeValueAsBytes(n), "v02.json");
  }

  @Test
  void rejectsOtherMediaTypes() throws IOException {
    assertEquals(Reason.MEDIA_TYPE_UNSUPPORTED,
        rejected(n -> n.put("mediaType", "application/vnd.dev.sigstore.trustedroot+json;version=0.3")).reason());
    AirlockException e = rejected(n -> n.remove("mediaType"));
    assertEquals(Reason.TRUSTED_ROOT_MALFORMED, e.reason());
    assertTrue(e.getMessage().contains("edited.json: mediaType"), e.getMessage());
  }

  @Test
  void p384LogKeyIsAccepted() throws IOException {
    ObjectNode n = sampleTree();
    ObjectNode pk = (ObjectNode) tlog0(n).get("publicKey");
    pk.put("rawBytes", Base64.getEncoder().encodeToString(
        Keys.generateEc("secp384r1").getPublic().getEncoded()));
    pk.put("keyDetails", "PKIX_ECDSA_P384_SHA_384");
    TrustedRoot r = TrustedRoot.parse(M.writeValueAsBytes(n), "p384.json");
    assertEquals(SignatureAlgorithm.ECDSA_P384_SHA384, r.tlogs().get(0).algorithm());
    assertEquals("secp384r1", Keys.curveOf(r.tlogs().get(0).key()));
  }

  @Test
  void keyOfTheWrongTypeForItsDetailsIsRejected() throws IOException {
    AirlockException e = rejected(n -> {
      ObjectNode pk = (ObjectNode) tlog0(n).get("publicKey");
      pk.put("rawBytes", Base64.getEncoder().encodeToString(
          Keys.generateEc("secp384r1").getPublic().getEncoded()));
      pk.put("keyDetails", "PKIX_ECDSA_P256_SHA_256");
    });
    assertEquals(Reason.TRUSTED_ROOT_MALFORMED, e.reason());
    assertTrue(e.getMessage().contains("tlogs[0].publicKey.rawBytes"), e.getMessage());
  }

  @Test
  void eachRequiredFieldIsEnforced() throws IOException {
    Map<String, Consumer<ObjectNode>> edits = new java.util.LinkedHashMap<>();
    edits.put("tlogs[0].publicKey.validFor.start",
        n -> ((ObjectNode) tlog0(n).get("publicKey").get("validFor")).remove("start"));
    edits.put("tlogs[0].publicKey.rawBytes", n -> ((ObjectNode) tlog0(n).get("publicKey")).remove("rawBytes"));
    edits.put("tlogs[0].publicKey.keyDetails",
        n -> ((ObjectNode) tlog0(n).get("publicKey")).put("keyDetails", "PKIX_ECDSA_P256_HMAC_SHA_256"));
    edits.put("tlogs[0].logId.keyId", n -> tlog0(n).remove("logId"));
    edits.put("tlogs[0].hashAlgorithm", n -> tlog0(n).put("hashAlgorithm", "MD5"));
    edits.put("ctlogs[0].publicKey.validFor.start",
        n -> ((ObjectNode) n.withArray("ctlogs").get(0).get("publicKey")).remove("validFor"));
    edits.put("tlogs[0].publicKey.validFor.end",
        n -> ((ObjectNode) tlog0(n).get("publicKey").get("validFor")).put("end", "yesterday"));
    edits.put("tlogs[0].publicKey.validFor ends",
        n -> ((ObjectNode) tlog0(n).get("publicKey").get("validFor")).put("end", "2001-01-01T00:00:00Z"));
    edits.put("certificateAuthorities[0].certChain.certificates",
        n -> ((ObjectNode) n.withArray("certificateAuthorities").get(0).get("certChain"))
            .putArray("certificates"));
    edits.put("certificateAuthorities[0].certChain.certificates[0].rawBytes", n -> {
      ObjectNode c = (ObjectNode) n.withArray("certificateAuthorities").get(0).get("certChain")
          .get("certificates").get(0);
      byte[] der = Base64.getDecoder().decode(c.get("rawBytes").asText());
      c.put("rawBytes", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(der, der.length - 1)));
    });
    edits.put("tlogs[0].publicKey.rawBytes is not base64",
        n -> ((ObjectNode) tlog0(n).get("publicKey")).put("rawBytes", "!!!"));
    edits.put("tlogs[0].publicKey.rawBytes truncated", n -> {
      ObjectNode pk = (ObjectNode) tlog0(n).get("publicKey");
      byte[] der = Base64.getDecoder().decode(pk.get("rawBytes").asText());
      pk.put("rawBytes", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(der, der.length - 3)));
    });
    for (Map.Entry<String, Consumer<ObjectNode>> edit : edits.entrySet()) {
      AirlockException e = rejected(edit.getValue());
      assertEquals(Reason.TRUSTED_ROOT_MALFORMED, e.reason(), edit.getKey() + ": " + e.getMessage());
      String field = edit.getKey().split(" ")[0];
      assertTrue(e.getMessage().contains("edited.json: " + field), edit.getKey() + ": " + e.getMessage());
    }
  }

  @Test
  void malformedJsonIsDenied() {
    AirlockException e = assertThrows(AirlockException.class,
        () -> TrustedRoot.parse("{\"mediaType\":1,".getBytes(StandardCharsets.UTF_8), "x.json"));
    assertEquals(AirlockException.Kind.DENIED, e.kind());
    assertEquals(Reason.JSON_MALFORMED, e.reason());
    AirlockException dup = assertThrows(AirlockException.class, () -> TrustedRoot.parse(
        ("{\"mediaType\":\"" + TrustedRoot.MEDIA_TYPE_V01 + "\",\"mediaType\":\"x\"}")
            .getBytes(StandardCharsets.UTF_8), "dup.json"));
    assertEquals(Reason.JSON_MALFORMED, dup.reason());
  }

  @Test
  void validityWindowIsInclusive() throws IOException {
    TrustedRoot r = TrustedRoot.parse(productionRoot(), "prod.json");
    ValidityWindow w = r.tlogs().get(0).validFor();
    assertTrue(w.contains(w.start()));
    assertFalse(w.contains(w.start().minusSeconds(1)));
    assertTrue(w.start().isBefore(Instant.parse("2030-01-01T00:00:00Z")));
  }
}
