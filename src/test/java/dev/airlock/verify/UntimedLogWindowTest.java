package dev.airlock.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.Reason;
import dev.airlock.crypto.Keys;
import dev.airlock.lab.LabCrypto;
import dev.airlock.lab.LabRekor;
import dev.airlock.lab.Signer;
import dev.airlock.lab.SigstoreLab;
import dev.airlock.trust.KeyAuthority;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import dev.airlock.trust.ValidityWindow;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 7: a key-based Rekor v2 entry has no signed time (no SET) and, without an RFC 3161
 * timestamp, no verified time at all; the log key's {@code validFor} must then be judged at the
 * appliance's trusted now ({@link VerifyOptions.Builder#trustedNow}), never skipped.
 */
class UntimedLogWindowTest {
  static final byte[] ARTIFACT = "lab artifact\n".getBytes(StandardCharsets.UTF_8);
  static SigstoreLab lab;
  static BundleVerifier verifier;
  static String bundle;
  static PublicKey key;

  @BeforeAll
  static void lab() throws Exception {
    lab = SigstoreLab.create(8);
    // every authority, the Rekor v2 log included, is valid until 10 days after the lab epoch
    TrustedRoot root = TrustedRoot.parse(lab.trustedRoot()
        .validFor(lab.epoch().minus(Duration.ofDays(30)), lab.epoch().plus(Duration.ofDays(10)))
        .json().getBytes(StandardCharsets.UTF_8), "lab");
    verifier = new BundleVerifier(TrustSnapshot.ofRoots("lab", Instant.EPOCH, List.of(root)));
    Signer k = lab.key(LabCrypto.KeyKind.ECDSA_P256, "ci");
    key = Keys.parseSpki(k.keyPair().getPublic().getEncoded());
    bundle = lab.bundle(k).messageSignature(ARTIFACT).tlogs(LabRekor.Version.V2).build().json();
  }

  static BundleVerification verify(VerifyOptions o) {
    return verifier.verify(bundle.getBytes(StandardCharsets.UTF_8), Artifact.ofBytes(ARTIFACT), o);
  }

  @Test
  void withoutAnyTimeTheLogWindowCannotBeJudgedSoTheEntryIsDenied() {
    BundleVerification r = verify(VerifyOptions.builder().key(key).build());
    assertFalse(r.valid(), "log validFor never checked: " + r.signature().checks());
    assertEquals(Reason.SIGNING_TIME_MISSING, r.signature().reasons().get(0), r.signature().checks().toString());
  }

  @Test
  void logKeyExpiredAtTrustedNowIsDenied() {
    BundleVerification r = verify(VerifyOptions.builder().key(key).trustedNow(lab.epoch().plus(Duration.ofDays(365))).build());
    assertFalse(r.valid(), "log key outside validFor at now accepted: " + r.signature().checks());
    assertEquals(Reason.TLOG_LOG_NOT_VALID_AT_TIME, r.signature().reasons().get(0), r.signature().checks().toString());
  }

  @Test
  void logKeyValidAtTrustedNowVerifies() {
    BundleVerification r = verify(VerifyOptions.builder().key(key).trustedNow(lab.epoch().plus(Duration.ofDays(1))).build());
    assertTrue(r.valid(), r.signature().checks().toString());
    assertEquals(null, r.signature().signedAt(), "trusted now is not a signing time");
  }

  @Test
  void keyAuthorityWindowIsJudgedAtTrustedNowWhenNoTimeIsVerified() {
    Instant now = lab.epoch().plus(Duration.ofDays(1));
    KeyAuthority open = new KeyAuthority("keys/ci.pub", key, new ValidityWindow(lab.epoch(), null));
    assertTrue(verify(VerifyOptions.builder().keyAuthority(open).trustedNow(now).build()).valid());
    KeyAuthority ended = new KeyAuthority("keys/ci.pub", key, new ValidityWindow(null, lab.epoch()));
    BundleVerification r = verify(VerifyOptions.builder().keyAuthority(ended).trustedNow(now).build());
    assertEquals(List.of(Reason.KEY_NOT_VALID_AT_TIME), r.signature().reasons(), r.signature().checks().toString());
  }
}
