package dev.airlock.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.Reason;
import dev.airlock.lab.BundleBuilder;
import dev.airlock.lab.LeafSpec;
import dev.airlock.lab.Signer;
import dev.airlock.lab.SigstoreLab;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 4: the bundle's structure is checked against what protobuf-specs requires or
 * forbids for its media type version (sigstore_bundle.proto, sigstore_rekor.proto).
 */
class BundleStructureTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final byte[] ARTIFACT = "lab artifact\n".getBytes(StandardCharsets.UTF_8);
  static final VerifyOptions ALICE =
      VerifyOptions.builder().identity("alice@lab.internal").issuer(LeafSpec.DEFAULT_ISSUER).build();
  static SigstoreLab lab;
  static BundleVerifier verifier;
  static Signer alice;

  @BeforeAll
  static void lab() {
    lab = SigstoreLab.create(4);
    TrustedRoot root = TrustedRoot.parse(lab.trustedRoot().json().getBytes(StandardCharsets.UTF_8), "lab");
    verifier = new BundleVerifier(TrustSnapshot.ofRoots("lab", Instant.EPOCH, List.of(root)));
    alice = lab.keyless(LeafSpec.email("alice@lab.internal"));
  }

  static BundleVerification verify(String json) {
    return verifier.verify(json.getBytes(StandardCharsets.UTF_8), Artifact.ofBytes(ARTIFACT), ALICE);
  }

  @Test
  void v01EntryWithoutInclusionPromiseIsRefusedEvenWithACheckpointedProof() throws Exception {
    // sigstore_rekor.proto TransparencyLogEntry.inclusion_promise: "Required for v0.1 bundles"
    String v02 = lab.bundle(alice).version(BundleBuilder.Version.V0_2).messageSignature(ARTIFACT).timestamp().build().json();
    assertTrue(verify(v02).valid());
    ObjectNode b = (ObjectNode) JSON.readTree(v02);
    b.put("mediaType", BundleBuilder.Version.V0_1.mediaType);
    ObjectNode e = (ObjectNode) b.path("verificationMaterial").path("tlogEntries").get(0);
    e.remove("inclusionPromise");
    e.put("logIndex", e.path("inclusionProof").path("logIndex").asText());
    BundleVerification r = verify(JSON.writeValueAsString(b));
    assertFalse(r.valid(), "v0.1 entry without inclusion promise accepted: " + r.signature().checks());
    assertEquals(Reason.TLOG_SET_MISSING, r.signature().reasons().get(0));
    assertEquals("bundle.parse", r.signature().checks().stream().filter(Check::failed).findFirst().orElseThrow().id());
  }

  @Test
  void singleCertificateFormIsRefusedBeforeV03() throws Exception {
    // sigstore_bundle.proto: VerificationMaterial.certificate (field 5) exists from bundle v0.3
    for (BundleBuilder.Version v : List.of(BundleBuilder.Version.V0_1, BundleBuilder.Version.V0_2)) {
      String json = lab.bundle(alice).version(v).certificateChain(false).messageSignature(ARTIFACT).build().json();
      BundleVerification r = verify(json);
      assertFalse(r.valid(), v + " with 'certificate' accepted: " + r.signature().checks());
      assertEquals(Reason.BUNDLE_MALFORMED, r.signature().reasons().get(0));
    }
  }

  @Test
  void v02EntryWithoutProofIsMalformedEvenWhenTheLogIsIgnored() throws Exception {
    // sigstore_rekor.proto: inclusion_proof is REQUIRED from v0.2; a bundle that breaks its own
    // schema is refused whatever the options (here --insecure-ignore-tlog)
    ObjectNode b = (ObjectNode) JSON.readTree(lab.bundle(alice).version(BundleBuilder.Version.V0_2)
        .messageSignature(ARTIFACT).timestamp().build().json());
    ((ObjectNode) b.path("verificationMaterial").path("tlogEntries").get(0)).remove("inclusionProof");
    VerifyOptions ignoreTlog = VerifyOptions.builder().identity("alice@lab.internal").issuer(LeafSpec.DEFAULT_ISSUER)
        .insecureIgnoreTlogUnsafe().useSignedTimestamps().build();
    BundleVerification r = verifier.verify(JSON.writeValueAsBytes(b), Artifact.ofBytes(ARTIFACT), ignoreTlog);
    assertFalse(r.valid(), r.signature().checks().toString());
    assertEquals(Reason.INCLUSION_PROOF_MISSING, r.signature().reasons().get(0));
  }

  @Test
  void everyVersionOfTheLabStillVerifies() {
    for (BundleBuilder.Version v : BundleBuilder.Version.values()) {
      BundleVerification r = verify(lab.bundle(alice).version(v).messageSignature(ARTIFACT).build().json());
      assertTrue(r.valid(), v + ": " + r.signature().checks());
    }
  }
}
