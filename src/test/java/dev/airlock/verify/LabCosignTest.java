package dev.airlock.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import dev.airlock.lab.CosignLegacy;
import dev.airlock.lab.CosignMutations;
import dev.airlock.lab.LabCrypto;
import dev.airlock.lab.LeafSpec;
import dev.airlock.lab.Signer;
import dev.airlock.lab.SigstoreLab;
import dev.airlock.oci.Digest;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Legacy cosign {@code .sig} layers from the lab: valid ones verify, every mutation is denied. */
class LabCosignTest {
  @TestFactory
  List<DynamicTest> cosignLayersAndTheirMutations() throws Exception {
    SigstoreLab lab = SigstoreLab.create(7);
    TrustedRoot root = TrustedRoot.parse(lab.trustedRoot().json().getBytes(StandardCharsets.UTF_8), "lab");
    BundleVerifier v = new BundleVerifier(TrustSnapshot.ofRoots("lab", Instant.EPOCH, List.of(root)));
    Digest image = Digest.sha256(Hashing.sha256("manifest".getBytes(StandardCharsets.UTF_8)));
    Digest otherImage = Digest.sha256(Hashing.sha256("other".getBytes(StandardCharsets.UTF_8)));
    byte[] payload = CosignLegacy.simpleSigningPayload("reg.lab.internal/app", image.toString(), Map.of());
    byte[] otherPayload = CosignLegacy.simpleSigningPayload("reg.lab.internal/app", otherImage.toString(), Map.of());
    Signer alice = lab.keyless(LeafSpec.email("alice@lab.internal"));
    Signer key = lab.key(LabCrypto.KeyKind.ECDSA_P256, "ci");
    VerifyOptions keyless = VerifyOptions.builder().identity("alice@lab.internal").issuer(LeafSpec.DEFAULT_ISSUER).build();
    VerifyOptions keyed = VerifyOptions.builder().key(Keys.parseSpki(key.keyPair().getPublic().getEncoded())).build();
    record Made(String name, CosignLegacy.OciSignatureLayer layer, CosignLegacy.OciSignatureLayer other, VerifyOptions o) {}
    List<Made> made = List.of(
        new Made("keyless + SET + TSA", lab.cosign().signature(alice, payload, true, true),
            lab.cosign().signature(alice, otherPayload, true, true), keyless),
        new Made("keyless + SET", lab.cosign().signature(alice, payload, true, false),
            lab.cosign().signature(alice, otherPayload, true, false), keyless),
        new Made("key + SET", lab.cosign().signature(key, payload, true, false),
            lab.cosign().signature(key, otherPayload, true, false), keyed));
    List<DynamicTest> tests = new ArrayList<>();
    CosignSignature.ReferenceMatch ref = new CosignSignature.ReferenceMatch("reg.lab.internal/app:1.0", false);
    for (Made m : made) {
      tests.add(DynamicTest.dynamicTest(m.name() + " verifies", () -> {
        BundleVerification r = v.verifyCosign(sig(m.layer()), image, ref, m.o());
        assertTrue(r.valid(), r.signature().checks().toString());
        assertEquals("rekor-set", r.signature().timeSource());
      }));
      for (CosignMutations.LayerMutation mu : CosignMutations.of(m.layer(), m.other())) {
        tests.add(DynamicTest.dynamicTest(m.name() + " / " + mu.name(), () -> {
          BundleVerification r = v.verifyCosign(sig(mu.layer()), image, ref, m.o());
          assertFalse(r.valid(), mu.name() + " accepted");
          // the lab's label is a hint (several checks can catch one mutation); the denial is the contract
          assertTrue(r.signature().reasons().size() > 0);
        }));
      }
    }
    return tests;
  }

  static CosignSignature sig(CosignLegacy.OciSignatureLayer l) {
    return CosignSignature.fromAnnotations(l.payload(), l.mediaType(), l.annotations());
  }
}
