package dev.airlock.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.Reason;
import dev.airlock.lab.LabCa;
import dev.airlock.lab.LeafSpec;
import dev.airlock.lab.Signer;
import dev.airlock.lab.SigstoreLab;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 2: RFC 5280 section 6.1.4 on every CA of the path. The lab's trusted intermediate
 * has pathLenConstraint 0, so a CA below it (carried in the bundle) may not issue the leaf, however
 * well its signatures link; and a carried "CA" without keyCertSign or without cA may not either.
 */
class PathConstraintsTest {
  static final byte[] ARTIFACT = "lab artifact\n".getBytes(StandardCharsets.UTF_8);
  static SigstoreLab lab;
  static BundleVerifier verifier;
  static final VerifyOptions ALICE =
      VerifyOptions.builder().identity("alice@lab.internal").issuer(LeafSpec.DEFAULT_ISSUER).build();

  @BeforeAll
  static void lab() {
    lab = SigstoreLab.create(7);
    TrustedRoot root = TrustedRoot.parse(lab.trustedRoot().json().getBytes(StandardCharsets.UTF_8), "lab");
    verifier = new BundleVerifier(TrustSnapshot.ofRoots("lab", Instant.EPOCH, List.of(root)));
  }

  static BundleVerification viaSubCa(LabCa.SubCa sub, boolean carryIntermediate) {
    Signer s = lab.keylessUnder(sub, LeafSpec.email("alice@lab.internal"));
    String json = carryIntermediate
        ? lab.bundle(s).fullChain().messageSignature(ARTIFACT).build().json()
        : lab.bundle(new Signer(s.kind(), s.keyPair(), s.chain().subList(0, 2))).fullChain()
            .messageSignature(ARTIFACT).build().json();
    return verifier.verify(json.getBytes(StandardCharsets.UTF_8), Artifact.ofBytes(ARTIFACT), ALICE);
  }

  @Test
  void directLeafStillVerifies() {
    Signer s = lab.keyless(LeafSpec.email("alice@lab.internal"));
    String json = lab.bundle(s).messageSignature(ARTIFACT).build().json();
    BundleVerification r = verifier.verify(json.getBytes(StandardCharsets.UTF_8), Artifact.ofBytes(ARTIFACT), ALICE);
    assertTrue(r.valid(), r.signature().checks().toString());
  }

  @Test
  void subCaBelowPathLenZeroIntermediateIsDenied() {
    LabCa.SubCa sub = lab.ca().subordinate("rogue-sub-ca", 0, true, KeyUsage.keyCertSign | KeyUsage.cRLSign);
    for (boolean carry : new boolean[] {true, false}) {
      BundleVerification r = viaSubCa(sub, carry);
      assertFalse(r.valid(), "leaf of a sub-CA under pathLen 0 accepted: " + r.signature().checks());
      assertEquals(Reason.CERTIFICATE_PATH_INVALID, r.signature().reasons().get(0), r.signature().checks().toString());
    }
  }

  @Test
  void carriedCaWithoutKeyCertSignIsDenied() {
    LabCa.SubCa sub = lab.ca().subordinate("no-keycertsign", null, true, KeyUsage.digitalSignature);
    BundleVerification r = viaSubCa(sub, true);
    assertFalse(r.valid(), "CA without keyCertSign accepted: " + r.signature().checks());
    assertEquals(Reason.CERTIFICATE_PATH_INVALID, r.signature().reasons().get(0), r.signature().checks().toString());
  }

  @Test
  void carriedEndEntityUsedAsCaIsDenied() {
    LabCa.SubCa sub = lab.ca().subordinate("not-a-ca", null, false, KeyUsage.keyCertSign);
    BundleVerification r = viaSubCa(sub, true);
    assertFalse(r.valid(), "end-entity certificate used as CA accepted: " + r.signature().checks());
  }
}
