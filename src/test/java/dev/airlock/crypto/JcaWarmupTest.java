package dev.airlock.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The warm-up's throwaway signatures verify (else the warm-up would compile only the path of a
 * failure), and the check it runs is a real one: each vector mutated is refused.
 */
class JcaWarmupTest {
  @Test
  void everyWarmupSignatureVerifies() {
    assertEquals(JcaWarmup.ECDSA.length, JcaWarmup.signatures());
    assertEquals(2, JcaWarmup.ECDSA.length, "P-256 and P-384");
  }

  @Test
  void theAuditWarmupSignsAsOpensslDidAndVerifies() {
    byte[] sig = JcaWarmup.auditSignature();
    assertArrayEquals(Base64.getDecoder().decode(JcaWarmup.ED25519[2]), sig, "Ed25519 is deterministic: openssl's signature");
    byte[] key = Base64.getDecoder().decode(JcaWarmup.ED25519[0]);
    assertTrue(JcaWarmup.verifies("ED25519", key, sig));
    for (int i = 0; i < sig.length; i++) {
      byte[] flipped = sig.clone();
      flipped[i] ^= 0x01;
      assertFalse(JcaWarmup.verifies("ED25519", key, flipped), "Ed25519 signature bit flip at byte " + i);
    }
    assertFalse(JcaWarmup.verifies("ED25519", key, Arrays.copyOf(sig, sig.length - 1)), "truncated");
    byte[] otherKey = key.clone();
    otherKey[otherKey.length - 1] ^= 0x01;
    assertFalse(JcaWarmup.verifies("ED25519", otherKey, sig), "other key");
  }

  @Test
  void aMutatedWarmupSignatureOrKeyIsRefused() {
    for (String[] v : JcaWarmup.ECDSA) {
      byte[] key = Base64.getDecoder().decode(v[1]);
      byte[] sig = Base64.getDecoder().decode(v[2]);
      assertTrue(JcaWarmup.verifies(v[0], key, sig), v[0]);
      for (int i = 0; i < sig.length; i++) {
        byte[] flipped = sig.clone();
        flipped[i] ^= 0x01;
        assertFalse(JcaWarmup.verifies(v[0], key, flipped), v[0] + ": signature bit flip at byte " + i);
      }
      assertFalse(JcaWarmup.verifies(v[0], key, Arrays.copyOf(sig, sig.length - 1)), v[0] + ": truncated");
      byte[] otherKey = key.clone();
      otherKey[otherKey.length - 1] ^= 0x01; // a point off the curve, or another key
      assertFalse(JcaWarmup.verifies(v[0], otherKey, sig), v[0] + ": other key");
    }
    assertFalse(JcaWarmup.verifies(JcaWarmup.ECDSA[0][0], Base64.getDecoder().decode(JcaWarmup.ECDSA[1][1]),
        Base64.getDecoder().decode(JcaWarmup.ECDSA[0][2])), "P-384 key for the P-256 signature");
  }

  /** The warm-up certificate parses as a real one; truncated or with a flipped bit in its DER header, it does not. */
  @Test
  void theWarmupCertificateParsesAndItsMutationsDoNot() throws Exception {
    assertTrue(JcaWarmup.certificate());
    byte[] der = java.util.Base64.getDecoder().decode(JcaWarmup.CERTIFICATE);
    org.junit.jupiter.api.Assertions.assertThrows(Certificates.CertificateParseException.class,
        () -> Certificates.parseDer(java.util.Arrays.copyOf(der, der.length - 1)));
    byte[] flipped = der.clone();
    flipped[0] ^= 0x01;
    org.junit.jupiter.api.Assertions.assertThrows(Certificates.CertificateParseException.class,
        () -> Certificates.parseDer(flipped));
  }
}
