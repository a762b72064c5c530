package dev.airlock.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A small subset of Project Wycheproof's ECDSA P-256/SHA-256 vectors (C2SP/wycheproof,
 * Apache-2.0; attribution in the data file): valid signatures including the malleable high-S one,
 * and BER/invalid DER encodings that must be rejected.
 */
class WycheproofEcdsaTest {
  @TestFactory
  Stream<DynamicTest> ecdsaP256Sha256Subset() throws Exception {
    JsonNode doc;
    try (InputStream in = getClass().getResourceAsStream("wycheproof_ecdsa_secp256r1_sha256_subset.json")) {
      doc = new ObjectMapper().readTree(in);
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode g : doc.path("testGroups")) {
      PublicKey key = Keys.parseSpki(Hashing.unhex(g.path("publicKeyDer").asText()));
      for (JsonNode t : g.path("tests")) {
        byte[] msg = Hashing.unhex(t.path("msg").asText());
        byte[] sig = Hashing.unhex(t.path("sig").asText());
        boolean valid = "valid".equals(t.path("result").asText());
        tests.add(DynamicTest.dynamicTest("tcId " + t.path("tcId").asInt() + " " + t.path("comment").asText(), () -> {
          if (valid) {
            Signatures.verify(key, SignatureAlgorithm.ECDSA_P256_SHA256, msg, sig);
          } else {
            assertThrows(InvalidSignatureException.class,
                () -> Signatures.verify(key, SignatureAlgorithm.ECDSA_P256_SHA256, msg, sig));
          }
        }));
      }
    }
    assertEquals(18, tests.size());
    return tests.stream();
  }
}
