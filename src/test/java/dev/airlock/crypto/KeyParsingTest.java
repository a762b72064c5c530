package dev.airlock.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.crypto.InvalidSignatureException.Problem;
import dev.airlock.lab.LabCrypto;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.junit.jupiter.api.Test;

/**
 * Key parsing with the JDK's KeyFactory behind Bouncy Castle's encoding checks: what the
 * allow-list refuses (explicit curve parameters, other curves, points off the curve, RSA outside
 * 2048 to 4096 bits, Ed448) and what it keeps accepting.
 */
class KeyParsingTest {
  private static final byte[] MESSAGE = "key parsing".getBytes(StandardCharsets.UTF_8);

  private static Keys.KeyException refused(byte[] spki) {
    return assertThrows(Keys.KeyException.class, () -> Keys.parseSpki(spki));
  }

  private static byte[] spki(ASN1ObjectIdentifier alg, org.bouncycastle.asn1.ASN1Encodable params, byte[] key) throws Exception {
    return new SubjectPublicKeyInfo(new AlgorithmIdentifier(alg, params), key).getEncoded("DER");
  }

  private static byte[] point(PublicKey ec) {
    return SubjectPublicKeyInfo.getInstance(ec.getEncoded()).getPublicKeyData().getBytes();
  }

  @Test
  void explicitCurveParametersAreRefused() throws Exception {
    KeyPair kp = Keys.generateEc("secp256r1");
    // the same P-256 point, with the curve spelled out instead of named (RFC 5480 2.1.1: namedCurve only)
    X9ECParameters p256 = CustomNamedCurves.getByName("secp256r1");
    byte[] explicit = spki(X9ObjectIdentifiers.id_ecPublicKey, new X962Parameters(p256), point(kp.getPublic()));
    Keys.KeyException e = refused(explicit);
    assertTrue(e.unsupported(), e.getMessage());
    // implicitlyCA (NULL) too
    assertTrue(refused(spki(X9ObjectIdentifiers.id_ecPublicKey, DERNull.INSTANCE, point(kp.getPublic()))).unsupported());
    // control: the named form of the same bytes parses
    Keys.parseSpki(spki(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1, point(kp.getPublic())));
  }

  @Test
  void otherCurvesAreRefused() throws Exception {
    X9ECParameters k1 = CustomNamedCurves.getByName("secp256k1");
    byte[] spki = spki(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256k1, k1.getG().getEncoded(false));
    assertTrue(refused(spki).unsupported());
    // a P-256 point labelled P-384 is not on P-384
    KeyPair p256 = Keys.generateEc("secp256r1");
    assertFalse(refused(spki(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp384r1, point(p256.getPublic()))).unsupported());
  }

  @Test
  void pointsNotOnTheCurveAreRefused() throws Exception {
    for (String curve : new String[] {"secp256r1", "secp384r1", "secp521r1"}) {
      byte[] good = Keys.generateEc(curve).getPublic().getEncoded();
      Keys.parseSpki(good);
      byte[] bad = good.clone();
      bad[bad.length - 1] ^= 1; // y + 1 or y - 1: (x, y') is not on the curve
      Keys.KeyException e = refused(bad);
      assertFalse(e.unsupported(), e.getMessage());
      byte[] badX = good.clone();
      badX[badX.length - 40] ^= 0x10;
      refused(badX);
    }
    // the point at infinity is not a public key
    refused(spki(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1, new byte[] {0}));
  }

  @Test
  void compressedPointsAreStillAccepted() throws Exception {
    KeyPair kp = Keys.generateEc("secp256r1");
    byte[] compressed = spki(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1,
        CustomNamedCurves.getByName("secp256r1").getCurve().decodePoint(point(kp.getPublic())).getEncoded(true));
    PublicKey k = Keys.parseSpki(compressed);
    assertArrayEquals(kp.getPublic().getEncoded(), k.getEncoded(), "the JDK key is the uncompressed form");
    Signatures.verify(k, SignatureAlgorithm.ECDSA_P256_SHA256, MESSAGE,
        Signatures.sign(kp.getPrivate(), SignatureAlgorithm.ECDSA_P256_SHA256, MESSAGE));
  }

  @Test
  void rsaOutsideTwoToFourKibibitsIsRefused() throws Exception {
    KeyPair small = Keys.generateRsa(1024);
    Keys.KeyException e = refused(small.getPublic().getEncoded());
    assertTrue(e.unsupported() && e.getMessage().contains("1024"), e.getMessage());
    // and a 1024-bit key met elsewhere (say in a certificate) cannot verify either
    assertEquals(Problem.UNSUPPORTED, assertThrows(InvalidSignatureException.class, () -> Signatures.verify(
        small.getPublic(), SignatureAlgorithm.RSA_PKCS1_SHA256, MESSAGE, new byte[128])).problem());
    // 8192 bits is refused before any primality work on the modulus
    BigInteger huge = BigInteger.ONE.shiftLeft(8191).setBit(0);
    byte[] big = spki(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE,
        new org.bouncycastle.asn1.pkcs.RSAPublicKey(huge, BigInteger.valueOf(65537)).getEncoded("DER"));
    Keys.KeyException e2 = refused(big);
    assertTrue(e2.unsupported() && e2.getMessage().contains("8192"), e2.getMessage());
    // public exponent 1
    BigInteger n = ((RSAPublicKey) Keys.generateRsa(2048).getPublic()).getModulus();
    assertTrue(refused(spki(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE,
        new org.bouncycastle.asn1.pkcs.RSAPublicKey(n, BigInteger.ONE).getEncoded("DER"))).unsupported());
    // control: 2048 parses
    Keys.parseSpki(Keys.generateRsa(2048).getPublic().getEncoded());
  }

  @Test
  void rsaPssKeysParse() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSASSA-PSS");
    g.initialize(2048);
    KeyPair kp = g.generateKeyPair();
    PublicKey k = Keys.parseSpki(kp.getPublic().getEncoded());
    assertTrue(k instanceof RSAPublicKey);
    assertEquals(SignatureAlgorithm.RSA_PKCS1_SHA256, Keys.defaultAlgorithm(k));
  }

  @Test
  void ed448IsRefusedAndNotTakenForEd25519() throws Exception {
    KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
    // the JDK calls both curves "EdDSA"
    assertEquals("EdDSA", ed448.getPublic().getAlgorithm());
    assertTrue(refused(ed448.getPublic().getEncoded()).unsupported());
    assertFalse(Keys.isEd25519(ed448.getPublic()));
    assertNull(Keys.curveOf(ed448.getPublic()));
    assertTrue(assertThrows(Keys.KeyException.class, () -> Keys.defaultAlgorithm(ed448.getPublic())).unsupported());
    assertEquals(Problem.UNSUPPORTED, assertThrows(InvalidSignatureException.class, () -> Signatures.verify(
        ed448.getPublic(), SignatureAlgorithm.ED25519, MESSAGE, new byte[64])).problem());
    // control: Ed25519
    KeyPair ed = Keys.generateEd25519();
    assertTrue(Keys.isEd25519(Keys.parseSpki(ed.getPublic().getEncoded())));
    assertEquals(SignatureAlgorithm.ED25519, Keys.defaultAlgorithm(ed.getPublic()));
  }

  @Test
  void keysAreTheJdksOwn() throws Exception {
    for (KeyPair kp : new KeyPair[] {Keys.generateEc("secp384r1"), Keys.generateEd25519(), Keys.generateRsa(2048)}) {
      assertTrue(kp.getPublic().getClass().getName().startsWith("sun.security."), kp.getPublic().getClass().getName());
      PublicKey parsed = Keys.parsePublicKey(Keys.toPem(kp.getPublic()).getBytes(StandardCharsets.US_ASCII));
      assertTrue(parsed.getClass().getName().startsWith("sun.security."), parsed.getClass().getName());
      PrivateKey priv = Keys.parsePrivateKey(Keys.toPem(kp.getPrivate()).getBytes(StandardCharsets.US_ASCII));
      assertTrue(priv.getClass().getName().startsWith("sun.security."), priv.getClass().getName());
      SignatureAlgorithm alg = Keys.defaultAlgorithm(parsed);
      Signatures.verify(parsed, alg, MESSAGE, Signatures.sign(priv, alg, MESSAGE));
    }
  }

  /** Keys written by the Bouncy Castle provider (earlier airlock versions: audit keys) still parse. */
  @Test
  void privateKeysWrittenByBouncyCastleStillParse() throws Exception {
    KeyPairGenerator ed = KeyPairGenerator.getInstance("Ed25519", LabCrypto.BC);
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC", LabCrypto.BC);
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    for (KeyPair kp : new KeyPair[] {ed.generateKeyPair(), ec.generateKeyPair()}) {
      PrivateKey priv = Keys.parsePrivateKey(Keys.toPem(kp.getPrivate()).getBytes(StandardCharsets.US_ASCII));
      PublicKey pub = Keys.parseSpki(kp.getPublic().getEncoded());
      SignatureAlgorithm alg = Keys.defaultAlgorithm(pub);
      Signatures.verify(pub, alg, MESSAGE, Signatures.sign(priv, alg, MESSAGE));
      // and BC provider key objects work directly too
      Signatures.verify(kp.getPublic(), alg, MESSAGE, Signatures.sign(kp.getPrivate(), alg, MESSAGE));
    }
  }

  @Test
  void garbageIsNotAKey() {
    for (byte[] b : new byte[][] {new byte[0], {0x30, 0}, {0x30, 3, 1, 1, 0}, Hashing.unhex("302a300506032b6570032100")}) {
      assertFalse(refused(b).unsupported(), Hashing.hex(b));
    }
    // trailing bytes after the SPKI
    byte[] good = Keys.generateEd25519().getPublic().getEncoded();
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
    refused(trailing);
  }
}
