package dev.airlock.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.Reason;
import dev.airlock.lab.LabCrypto;
import dev.airlock.lab.LeafSpec;
import dev.airlock.lab.SigstoreLab;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 6: denial messages name what failed. A Fulcio leaf has an empty subject, so a
 * message must name its SAN; a message about a missing body field must say it is missing rather
 * than print an empty value.
 */
class DenialMessagesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final byte[] ARTIFACT = "lab artifact\n".getBytes(StandardCharsets.UTF_8);
  static final VerifyOptions ALICE =
      VerifyOptions.builder().identity("alice@lab.internal").issuer(LeafSpec.DEFAULT_ISSUER).build();
  static SigstoreLab lab;
  static BundleVerifier verifier;

  @BeforeAll
  static void lab() {
    lab = SigstoreLab.create(6);
    TrustedRoot root = TrustedRoot.parse(lab.trustedRoot().json().getBytes(StandardCharsets.UTF_8), "lab");
    verifier = new BundleVerifier(TrustSnapshot.ofRoots("lab", Instant.EPOCH, List.of(root)));
  }

  static Check firstFailure(String json) {
    BundleVerification r = verifier.verify(json.getBytes(StandardCharsets.UTF_8), Artifact.ofBytes(ARTIFACT), ALICE);
    assertFalse(r.valid());
    return r.signature().checks().stream().filter(Check::failed).findFirst().orElseThrow();
  }

  @Test
  void certificateNotValidAtTimeNamesTheSanOfASubjectlessLeaf() {
    String json = lab.bundle(lab.keyless(LeafSpec.email("alice@lab.internal"))).messageSignature(ARTIFACT)
        .integratedAfter(Duration.ofMinutes(20)).build().json();
    Check c = firstFailure(json);
    assertEquals(Reason.CERTIFICATE_NOT_VALID_AT_TIME, c.reason());
    assertFalse(c.detail().contains("''"), c.detail());
    assertTrue(c.detail().contains("email:alice@lab.internal"), c.detail());
  }

  /** A v0.3 Rekor v1 bundle whose logged body is changed by {@code edit} (checked before the SET). */
  static String withBody(Consumer<ObjectNode> edit) throws Exception {
    String json = lab.bundle(lab.keyless(LeafSpec.email("alice@lab.internal"))).messageSignature(ARTIFACT).build().json();
    ObjectNode b = (ObjectNode) JSON.readTree(json);
    ObjectNode e = (ObjectNode) b.path("verificationMaterial").path("tlogEntries").get(0);
    ObjectNode body = (ObjectNode) JSON.readTree(Base64.getDecoder().decode(e.path("canonicalizedBody").asText()));
    edit.accept(body);
    e.put("canonicalizedBody", LabCrypto.b64(JSON.writeValueAsBytes(body)));
    return JSON.writeValueAsString(b);
  }

  @Test
  void bodyWithoutKindSaysItIsMissing() throws Exception {
    Check c = firstFailure(withBody(body -> body.remove("kind")));
    assertEquals(Reason.TLOG_BODY_MISMATCH, c.reason());
    assertFalse(c.detail().contains("kind /"), c.detail());
    assertTrue(c.detail().contains("missing"), c.detail());
  }

  @Test
  void bodyWithoutHashAlgorithmSaysItIsMissing() throws Exception {
    Check c = firstFailure(withBody(body ->
        ((ObjectNode) body.path("spec").path("data").path("hash")).remove("algorithm")));
    assertEquals(Reason.TLOG_BODY_MISMATCH, c.reason());
    assertFalse(c.detail().endsWith("algorithm ") || c.detail().endsWith("algorithm"), c.detail());
    assertTrue(c.detail().contains("missing"), c.detail());
  }
}
