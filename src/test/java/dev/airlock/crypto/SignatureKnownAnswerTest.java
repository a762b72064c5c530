package dev.airlock.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.crypto.InvalidSignatureException.Problem;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;

/**
 * Known answers and rejection for every algorithm of the allow-list (STYLE.md rule 14): RFC 8032
 * section 7.1 Ed25519 vectors, ECDSA and RSA round trips; every valid signature is bit-flipped,
 * truncated and extended and must be rejected.
 */
class SignatureKnownAnswerTest {
  private static final byte[] MESSAGE = "airlock known-answer message".getBytes(StandardCharsets.UTF_8);

  /** RFC 8032 section 7.1: secret key, public key, message, signature (hex). */
  private static final String[][] RFC8032 = {
    { // TEST 1
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
      "",
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    },
    { // TEST 2
      "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
      "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
      "72",
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
    },
    { // TEST 3
      "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
      "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
      "af82",
      "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
    },
    { // TEST SHA(abc)
      "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
      "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
      "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"
    },
  };

  private static PrivateKey ed25519Private(byte[] seed) throws Keys.KeyException {
    byte[] prefix = Hashing.unhex("302e020100300506032b657004220420"); // PKCS#8 Ed25519 header
    byte[] der = new byte[prefix.length + seed.length];
    System.arraycopy(prefix, 0, der, 0, prefix.length);
    System.arraycopy(seed, 0, der, prefix.length, seed.length);
    return Keys.parsePrivateKey(Keys.pem("PRIVATE KEY", der).getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void rfc8032Ed25519Vectors() throws Exception {
    for (String[] v : RFC8032) {
      PublicKey pub = Keys.ed25519FromRaw(Hashing.unhex(v[1]));
      byte[] msg = Hashing.unhex(v[2]);
      byte[] sig = Hashing.unhex(v[3]);
      Signatures.verify(pub, SignatureAlgorithm.ED25519, msg, sig);
      // Ed25519 is deterministic: signing with the secret key gives the published signature
      assertArrayEquals(sig, Signatures.sign(ed25519Private(Hashing.unhex(v[0])), SignatureAlgorithm.ED25519, msg));
      assertArrayEquals(Hashing.unhex(v[1]), Keys.rawEd25519(pub));
      rejectsTampering(pub, SignatureAlgorithm.ED25519, msg, sig);
      // another message
      byte[] other = Arrays.copyOf(msg, msg.length + 1);
      assertThrows(InvalidSignatureException.class, () -> Signatures.verify(pub, SignatureAlgorithm.ED25519, other, sig));
    }
  }

  @Test
  void ecdsaRoundTripsAndRejection() throws Exception {
    for (SignatureAlgorithm alg : List.of(SignatureAlgorithm.ECDSA_P256_SHA256, SignatureAlgorithm.ECDSA_P384_SHA384,
        SignatureAlgorithm.ECDSA_P384_SHA256, SignatureAlgorithm.ECDSA_P521_SHA512)) {
      KeyPair kp = Keys.generateEc(alg.curve());
      byte[] sig = Signatures.sign(kp.getPrivate(), alg, MESSAGE);
      Signatures.verify(kp.getPublic(), alg, MESSAGE, sig);
      rejectsTampering(kp.getPublic(), alg, MESSAGE, sig);
      // the key parsed back from its SPKI verifies too
      Signatures.verify(Keys.parseSpki(kp.getPublic().getEncoded()), alg, MESSAGE, sig);
    }
  }

  @Test
  void wrongCurveOrKeyTypeIsUnsupported() {
    KeyPair p384 = Keys.generateEc("secp384r1");
    byte[] sig = Signatures.sign(p384.getPrivate(), SignatureAlgorithm.ECDSA_P384_SHA384, MESSAGE);
    InvalidSignatureException e = assertThrows(InvalidSignatureException.class,
        () -> Signatures.verify(p384.getPublic(), SignatureAlgorithm.ECDSA_P256_SHA256, MESSAGE, sig));
    assertEquals(Problem.UNSUPPORTED, e.problem());
    KeyPair ed = Keys.generateEd25519();
    assertEquals(Problem.UNSUPPORTED, assertThrows(InvalidSignatureException.class,
        () -> Signatures.verify(ed.getPublic(), SignatureAlgorithm.ECDSA_P256_SHA256, MESSAGE, sig)).problem());
    KeyPair p256 = Keys.generateEc("secp256r1");
    assertEquals(Problem.UNSUPPORTED, assertThrows(InvalidSignatureException.class,
        () -> Signatures.verify(p256.getPublic(), SignatureAlgorithm.ED25519, MESSAGE, new byte[64])).problem());
    assertEquals(Problem.UNSUPPORTED, assertThrows(InvalidSignatureException.class,
        () -> Signatures.verify(p256.getPublic(), SignatureAlgorithm.RSA_PKCS1_SHA256, MESSAGE, sig)).problem());
  }

  /**
   * ECDSA signatures are malleable: (r, s) and (r, n - s) both verify. cosign and sigstore-go do not
   * require low-S (Go's crypto/ecdsa accepts both), so neither does airlock; this pins that choice.
   */
  @Test
  void highAndLowSAreBothAcceptedAsCosignDoes() throws Exception {
    KeyPair kp = Keys.generateEc("secp256r1");
    BigInteger n = ((ECPublicKey) kp.getPublic()).getParams().getOrder();
    byte[] sig = Signatures.sign(kp.getPrivate(), SignatureAlgorithm.ECDSA_P256_SHA256, MESSAGE);
    ASN1Sequence seq = ASN1Sequence.getInstance(sig);
    BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
    BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
    byte[] flipped = new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
        new ASN1Integer(r), new ASN1Integer(n.subtract(s))}).getEncoded("DER");
    Signatures.verify(kp.getPublic(), SignatureAlgorithm.ECDSA_P256_SHA256, MESSAGE, sig);
    Signatures.verify(kp.getPublic(), SignatureAlgorithm.ECDSA_P256_SHA256, MESSAGE, flipped);
    assertTrue(s.compareTo(n.shiftRight(1)) <= 0 ^ n.subtract(s).compareTo(n.shiftRight(1)) <= 0,
        "exactly one of the two is low-S");
    // but s = 0 or s = n is invalid
    for (BigInteger badS : List.of(BigInteger.ZERO, n)) {
      byte[] bad = new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
          new ASN1Integer(r), new ASN1Integer(badS)}).getEncoded("DER");
      assertThrows(InvalidSignatureException.class,
          () -> Signatures.verify(kp.getPublic(), SignatureAlgorithm.ECDSA_P256_SHA256, MESSAGE, bad));
    }
  }

  @Test
  void rsaPkcs1AndPssRoundTrips() throws Exception {
    KeyPair kp = Keys.generateRsa(2048);
    for (SignatureAlgorithm alg : List.of(SignatureAlgorithm.RSA_PKCS1_SHA256, SignatureAlgorithm.RSA_PKCS1_SHA384,
        SignatureAlgorithm.RSA_PKCS1_SHA512, SignatureAlgorithm.RSA_PSS_SHA256)) {
      byte[] sig = Signatures.sign(kp.getPrivate(), alg, MESSAGE);
      Signatures.verify(kp.getPublic(), alg, MESSAGE, sig);
      rejectsTampering(kp.getPublic(), alg, MESSAGE, sig);
    }
    // a PKCS#1 signature is not a PSS signature and vice versa
    byte[] pkcs1 = Signatures.sign(kp.getPrivate(), SignatureAlgorithm.RSA_PKCS1_SHA256, MESSAGE);
    assertThrows(InvalidSignatureException.class,
        () -> Signatures.verify(kp.getPublic(), SignatureAlgorithm.RSA_PSS_SHA256, MESSAGE, pkcs1));
    byte[] pss = Signatures.sign(kp.getPrivate(), SignatureAlgorithm.RSA_PSS_SHA256, MESSAGE);
    assertThrows(InvalidSignatureException.class,
        () -> Signatures.verify(kp.getPublic(), SignatureAlgorithm.RSA_PKCS1_SHA256, MESSAGE, pss));
  }

  @Test
  void rsaUnder2048BitsIsRefused() {
    KeyPair small = Keys.generateRsa(1024);
    Keys.KeyException e = assertThrows(Keys.KeyException.class, () -> Keys.parseSpki(small.getPublic().getEncoded()));
    assertTrue(e.unsupported(), e.getMessage());
    assertTrue(e.getMessage().contains("1024"), e.getMessage());
  }

  @Test
  void emptyAndMissingSignaturesAreMalformed() {
    KeyPair ec = Keys.generateEc("secp256r1");
    KeyPair ed = Keys.generateEd25519();
    assertEquals(Problem.MALFORMED, assertThrows(InvalidSignatureException.class,
        () -> Signatures.verify(ec.getPublic(), SignatureAlgorithm.ECDSA_P256_SHA256, MESSAGE, new byte[0])).problem());
    assertEquals(Problem.MALFORMED, assertThrows(InvalidSignatureException.class,
        () -> Signatures.verify(ed.getPublic(), SignatureAlgorithm.ED25519, MESSAGE, null)).problem());
    assertThrows(InvalidSignatureException.class,
        () -> Signatures.verify(ec.getPublic(), SignatureAlgorithm.ECDSA_P256_SHA256, MESSAGE, new byte[] {0x30, 0}));
    assertThrows(InvalidSignatureException.class,
        () -> Signatures.verify(ed.getPublic(), SignatureAlgorithm.ED25519, MESSAGE, new byte[64]));
  }

  /** Every byte bit-flipped (a sample for long signatures), truncated by one, extended by one. */
  static void rejectsTampering(PublicKey key, SignatureAlgorithm alg, byte[] msg, byte[] sig) {
    int step = Math.max(1, sig.length / 24);
    for (int i = 0; i < sig.length; i += step) {
      for (int bit : new int[] {0, 7}) {
        byte[] bad = sig.clone();
        bad[i] ^= (byte) (1 << bit);
        assertThrows(InvalidSignatureException.class, () -> Signatures.verify(key, alg, msg, bad),
            alg + " flip at byte " + i + " bit " + bit);
      }
    }
    assertThrows(InvalidSignatureException.class,
        () -> Signatures.verify(key, alg, msg, Arrays.copyOf(sig, sig.length - 1)), alg + " truncated");
    assertThrows(InvalidSignatureException.class,
        () -> Signatures.verify(key, alg, msg, Arrays.copyOf(sig, sig.length + 1)), alg + " extended");
    byte[] flippedMsg = msg.length == 0 ? new byte[] {0} : msg.clone();
    flippedMsg[0] ^= 1;
    assertThrows(InvalidSignatureException.class, () -> Signatures.verify(key, alg, flippedMsg, sig),
        alg + " message flip");
  }
}
