package dev.airlock.trust.tuf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import dev.sigstore.tuf.encryption.Verifier;
import dev.sigstore.tuf.model.Key;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The verifiers airlock gives sigstore-java's TUF updater for the top-level roles
 * ({@link TufKeys#updaterVerifiers()}): what sigstore-java's own {@code Verifiers} accepts
 * verifies, every mutated signature or message is not counted, and keys it refuses are refused.
 */
class TufKeysTest {
  private static final byte[] MESSAGE = "{\"_type\":\"root\",\"version\":2}".getBytes(StandardCharsets.UTF_8);

  private record K(String keytype, String scheme, Map<String, String> keyval) implements Key {
    @Override
    public List<String> getKeyIdHashAlgorithms() {
      return List.of("sha256");
    }

    @Override
    public String getKeyType() {
      return keytype;
    }

    @Override
    public Map<String, String> getKeyVal() {
      return keyval;
    }

    @Override
    public String getScheme() {
      return scheme;
    }
  }

  private static Verifier verifier(String type, String scheme, String pub) throws Exception {
    return TufKeys.updaterVerifiers().newVerifier(new K(type, scheme, Map.of("public", pub)));
  }

  private static byte[] sign(String alg, KeyPair kp, java.security.spec.AlgorithmParameterSpec spec) throws Exception {
    Signature s = Signature.getInstance(alg);
    if (spec != null) {
      s.setParameter(spec);
    }
    s.initSign(kp.getPrivate());
    s.update(MESSAGE);
    return s.sign();
  }

  /** The signature verifies; a flipped bit, a truncation, another message and an empty one do not. */
  private static void acceptsOnlyTheSignature(Verifier v, byte[] sig) throws Exception {
    assertTrue(v.verify(MESSAGE, sig));
    byte[] flipped = sig.clone();
    flipped[flipped.length / 2] ^= 0x01;
    assertFalse(v.verify(MESSAGE, flipped));
    assertFalse(v.verify(MESSAGE, Arrays.copyOf(sig, sig.length - 1)));
    assertFalse(v.verify(MESSAGE, new byte[0]));
    byte[] other = MESSAGE.clone();
    other[3] ^= 0x20;
    assertFalse(v.verify(other, sig));
  }

  @Test
  void ed25519AsHex() throws Exception {
    KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] spki = kp.getPublic().getEncoded();
    String raw = Hashing.hex(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
    acceptsOnlyTheSignature(verifier("ed25519", "ed25519", raw), sign("Ed25519", kp, null));
    // sigstore-java reads an ed25519 key as hex only
    assertThrows(InvalidKeyException.class, () -> verifier("ed25519", "ed25519", Keys.toPem(kp.getPublic())));
    assertThrows(InvalidKeyException.class, () -> verifier("ed25519", "ed25519", raw.substring(2)));
  }

  @Test
  void ecdsaP256AsPem() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    String pem = Keys.toPem(kp.getPublic());
    byte[] sig = sign("SHA256withECDSA", kp, null);
    acceptsOnlyTheSignature(verifier("ecdsa", "ecdsa-sha2-nistp256", pem), sig);
    acceptsOnlyTheSignature(verifier("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256", pem), sig);
    assertThrows(InvalidKeyException.class,
        () -> verifier("ecdsa", "ecdsa-sha2-nistp256", Hashing.hex(kp.getPublic().getEncoded())));
    assertThrows(InvalidKeyException.class, () -> verifier("ecdsa", "ecdsa-sha2-nistp384", pem));
  }

  @Test
  void aP384KeyUnderTheP256SchemeCountsNothing() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair kp = g.generateKeyPair();
    Verifier v = verifier("ecdsa", "ecdsa-sha2-nistp256", Keys.toPem(kp.getPublic()));
    assertFalse(v.verify(MESSAGE, sign("SHA256withECDSA", kp, null)));
  }

  @Test
  void rsaPssAsPem() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair kp = g.generateKeyPair();
    byte[] sig = sign("RSASSA-PSS", kp, new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    acceptsOnlyTheSignature(verifier("rsa", "rsassa-pss-sha256", Keys.toPem(kp.getPublic())), sig);
    // PKCS#1 v1.5 is not the scheme
    assertFalse(verifier("rsa", "rsassa-pss-sha256", Keys.toPem(kp.getPublic()))
        .verify(MESSAGE, sign("SHA256withRSA", kp, null)));
  }

  @Test
  void otherKeysAreRefused() {
    assertThrows(InvalidKeyException.class, () -> verifier("rsa", "rsa-pkcs1v15-sha256", "x"));
    assertThrows(InvalidKeyException.class, () -> verifier("ed25519", "ecdsa-sha2-nistp256", "x"));
    assertThrows(InvalidKeyException.class, () -> verifier("ecdsa", "ecdsa-sha2-nistp256",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
    assertThrows(InvalidKeyException.class,
        () -> TufKeys.updaterVerifiers().newVerifier(new K("ed25519", "ed25519", Map.of())));
  }
}
