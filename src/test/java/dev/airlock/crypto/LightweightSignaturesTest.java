package dev.airlock.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.crypto.InvalidSignatureException.Problem;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.junit.jupiter.api.Test;

/**
 * The lightweight-API signature paths of {@link Signatures}: every algorithm of the allow-list
 * verifies its own and an independent implementation's (the JDK's SunEC / SunRsaSign) valid
 * signatures and rejects tampered ones; strict DER for ECDSA; exact DigestInfo for PKCS#1 v1.5;
 * the allow-list's PSS parameters only; one cached key parameter object per key.
 */
class LightweightSignaturesTest {
  private static final byte[] MESSAGE = "airlock lightweight signatures".getBytes(StandardCharsets.UTF_8);
  private static final KeyPair P256 = Keys.generateEc("secp256r1");
  private static final KeyPair P384 = Keys.generateEc("secp384r1");
  private static final KeyPair P521 = Keys.generateEc("secp521r1");
  private static final KeyPair RSA = Keys.generateRsa(2048);
  private static final KeyPair ED = Keys.generateEd25519();

  private static KeyPair keyFor(SignatureAlgorithm alg) {
    if (alg.isEcdsa()) {
      return switch (alg.curve()) {
        case "secp256r1" -> P256;
        case "secp384r1" -> P384;
        default -> P521;
      };
    }
    return alg == SignatureAlgorithm.ED25519 ? ED : RSA;
  }

  /** The JDK's name for the same scheme: an independent implementation to check against. */
  private static Signature jdk(SignatureAlgorithm alg) throws Exception {
    if (alg == SignatureAlgorithm.ED25519) {
      return Signature.getInstance("Ed25519");
    }
    if (alg == SignatureAlgorithm.RSA_PSS_SHA256) {
      Signature s = Signature.getInstance("RSASSA-PSS");
      s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
      return s;
    }
    String hash = alg.hash().replace("-", "");
    return Signature.getInstance(hash + (alg.isEcdsa() ? "withECDSA" : "withRSA"));
  }

  private static byte[] jdkSign(SignatureAlgorithm alg, PrivateKey key, byte[] data) throws Exception {
    Signature s = jdk(alg);
    s.initSign(key);
    s.update(data);
    return s.sign();
  }

  private static Problem problem(org.junit.jupiter.api.function.Executable e) {
    return assertThrows(InvalidSignatureException.class, e).problem();
  }

  @Test
  void everyAlgorithmVerifiesItsOwnAndTheJdksSignaturesAndRejectsTampering() throws Exception {
    for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
      KeyPair kp = keyFor(alg);
      byte[] ours = Signatures.sign(kp.getPrivate(), alg, MESSAGE);
      Signatures.verify(kp.getPublic(), alg, MESSAGE, ours);
      // the JDK accepts what airlock signs ...
      Signature v = jdk(alg);
      v.initVerify(kp.getPublic());
      v.update(MESSAGE);
      assertTrue(v.verify(ours), alg + ": the JDK rejects airlock's signature");
      // ... and airlock accepts what the JDK signs
      byte[] theirs = jdkSign(alg, kp.getPrivate(), MESSAGE);
      Signatures.verify(kp.getPublic(), alg, MESSAGE, theirs);
      SignatureKnownAnswerTest.rejectsTampering(kp.getPublic(), alg, MESSAGE, theirs);
      SignatureKnownAnswerTest.rejectsTampering(kp.getPublic(), alg, MESSAGE, ours);
    }
  }

  @Test
  void prehashedVerificationForEveryHashedAlgorithm() throws Exception {
    for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
      KeyPair kp = keyFor(alg);
      byte[] sig = jdkSign(alg, kp.getPrivate(), MESSAGE);
      if (alg == SignatureAlgorithm.ED25519) {
        assertEquals(Problem.UNSUPPORTED, problem(() -> Signatures.verifyPrehashed(kp.getPublic(), alg, new byte[32], sig)));
        continue;
      }
      byte[] digest = Hashing.get(alg.hash()).digest(MESSAGE);
      Signatures.verifyPrehashed(kp.getPublic(), alg, digest, sig);
      byte[] other = digest.clone();
      other[0] ^= 1;
      assertEquals(Problem.MISMATCH, problem(() -> Signatures.verifyPrehashed(kp.getPublic(), alg, other, sig)), alg.name());
      assertEquals(Problem.MISMATCH, problem(() -> Signatures.verifyPrehashed(kp.getPublic(), alg,
          Arrays.copyOf(digest, digest.length + 1), sig)), alg + " digest of the wrong length");
    }
  }

  @Test
  void wrongKeyIsAMismatchAndWrongAlgorithmIsUnsupported() throws Exception {
    KeyPair other = Keys.generateEc("secp256r1");
    byte[] sig = Signatures.sign(P256.getPrivate(), SignatureAlgorithm.ECDSA_P256_SHA256, MESSAGE);
    assertEquals(Problem.MISMATCH, problem(() -> Signatures.verify(other.getPublic(), SignatureAlgorithm.ECDSA_P256_SHA256, MESSAGE, sig)));
    KeyPair otherRsa = Keys.generateRsa(2048);
    byte[] rsaSig = Signatures.sign(RSA.getPrivate(), SignatureAlgorithm.RSA_PKCS1_SHA256, MESSAGE);
    assertEquals(Problem.MISMATCH, problem(() -> Signatures.verify(otherRsa.getPublic(), SignatureAlgorithm.RSA_PKCS1_SHA256, MESSAGE, rsaSig)));
    KeyPair otherEd = Keys.generateEd25519();
    byte[] edSig = Signatures.sign(ED.getPrivate(), SignatureAlgorithm.ED25519, MESSAGE);
    assertEquals(Problem.MISMATCH, problem(() -> Signatures.verify(otherEd.getPublic(), SignatureAlgorithm.ED25519, MESSAGE, edSig)));
    // the right key under another algorithm of the same key type is a mismatch (other hash) ...
    assertEquals(Problem.MISMATCH, problem(() -> Signatures.verify(RSA.getPublic(), SignatureAlgorithm.RSA_PKCS1_SHA384, MESSAGE, rsaSig)));
    byte[] p384Sig = Signatures.sign(P384.getPrivate(), SignatureAlgorithm.ECDSA_P384_SHA384, MESSAGE);
    assertEquals(Problem.MISMATCH, problem(() -> Signatures.verify(P384.getPublic(), SignatureAlgorithm.ECDSA_P384_SHA256, MESSAGE, p384Sig)));
    // ... and a key that does not fit the algorithm is unsupported
    assertEquals(Problem.UNSUPPORTED, problem(() -> Signatures.verify(P256.getPublic(), SignatureAlgorithm.ECDSA_P384_SHA384, MESSAGE, sig)));
    assertEquals(Problem.UNSUPPORTED, problem(() -> Signatures.verify(RSA.getPublic(), SignatureAlgorithm.ECDSA_P256_SHA256, MESSAGE, sig)));
    assertEquals(Problem.UNSUPPORTED, problem(() -> Signatures.verify(ED.getPublic(), SignatureAlgorithm.RSA_PSS_SHA256, MESSAGE, rsaSig)));
    assertEquals(Problem.UNSUPPORTED, problem(() -> Signatures.verifyPrehashed(P521.getPublic(), SignatureAlgorithm.ECDSA_P256_SHA256, new byte[32], sig)));
    // signing refuses a key of another type or curve
    assertThrows(IllegalStateException.class, () -> Signatures.sign(P256.getPrivate(), SignatureAlgorithm.ECDSA_P384_SHA384, MESSAGE));
    assertThrows(IllegalStateException.class, () -> Signatures.sign(RSA.getPrivate(), SignatureAlgorithm.ED25519, MESSAGE));
    assertThrows(IllegalStateException.class, () -> Signatures.sign(ED.getPrivate(), SignatureAlgorithm.RSA_PKCS1_SHA256, MESSAGE));
  }

  // ---- ECDSA: strict DER ------------------------------------------------------------------------

  private static BigInteger n(KeyPair kp) {
    return ((ECPublicKey) kp.getPublic()).getParams().getOrder();
  }

  private static BigInteger[] rs(byte[] der) {
    ASN1Sequence seq = ASN1Sequence.getInstance(der);
    return new BigInteger[] {ASN1Integer.getInstance(seq.getObjectAt(0)).getValue(),
        ASN1Integer.getInstance(seq.getObjectAt(1)).getValue()};
  }

  /** Hand-built DER: SEQUENCE { INTEGER r, INTEGER s } with the given content octets. */
  private static byte[] der(byte[] r, byte[] s) {
    byte[] body = concat(new byte[] {0x02, (byte) r.length}, r, new byte[] {0x02, (byte) s.length}, s);
    return concat(new byte[] {0x30, (byte) body.length}, body);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static byte[] minimal(BigInteger v) {
    return v.toByteArray();
  }

  @Test
  void ecdsaStrictDer() throws Exception {
    SignatureAlgorithm alg = SignatureAlgorithm.ECDSA_P256_SHA256;
    PublicKey key = P256.getPublic();
    byte[] sig = Signatures.sign(P256.getPrivate(), alg, MESSAGE);
    BigInteger[] v = rs(sig);
    BigInteger r = v[0];
    BigInteger s = v[1];
    BigInteger n = n(P256);
    // the hand-built encoding equals the signer's, and verifies
    assertArrayEquals(sig, der(minimal(r), minimal(s)));
    Signatures.verify(key, alg, MESSAGE, der(minimal(r), minimal(s)));

    List<byte[]> bad = new ArrayList<>();
    bad.add(der(concat(new byte[] {0}, minimal(r)), minimal(s))); // non-minimal r: extra leading zero
    bad.add(der(minimal(r), concat(new byte[] {0}, minimal(s)))); // non-minimal s
    bad.add(concat(sig, new byte[] {0})); // trailing byte after the SEQUENCE
    bad.add(concat(sig, new byte[] {0x02, 0x01, 0x01})); // a second object after the SEQUENCE
    byte[] longForm = concat(new byte[] {0x30, (byte) 0x81, sig[1]}, Arrays.copyOfRange(sig, 2, sig.length));
    bad.add(longForm); // non-minimal SEQUENCE length
    byte[] shortSeq = sig.clone();
    shortSeq[1]--; // SEQUENCE length one short: s ends outside it
    bad.add(shortSeq);
    byte[] longSeq = sig.clone();
    longSeq[1]++; // SEQUENCE length one over the signature
    bad.add(longSeq);
    byte[] indefinite = concat(new byte[] {0x30, (byte) 0x80}, Arrays.copyOfRange(sig, 2, sig.length), new byte[] {0, 0});
    bad.add(indefinite); // BER indefinite length
    byte[] extra = Arrays.copyOfRange(sig, 2, sig.length);
    extra = concat(extra, new byte[] {0x02, 0x01, 0x01});
    bad.add(concat(new byte[] {0x30, (byte) extra.length}, extra)); // a third INTEGER inside
    bad.add(der(minimal(BigInteger.ZERO), minimal(s))); // r = 0
    bad.add(der(minimal(r), minimal(BigInteger.ZERO))); // s = 0
    bad.add(der(minimal(n), minimal(s))); // r = n
    bad.add(der(minimal(r), minimal(n))); // s = n
    bad.add(der(minimal(r.add(n)), minimal(s))); // r + n (same residue)
    bad.add(der(minimal(r.negate()), minimal(s))); // negative r
    bad.add(der(new byte[0], minimal(s))); // empty INTEGER
    byte[] octets = sig.clone();
    octets[2] = 0x04; // r as an OCTET STRING
    bad.add(octets);
    byte[] set = sig.clone();
    set[0] = 0x31; // SET instead of SEQUENCE
    bad.add(set);
    byte[] raw = new byte[64]; // IEEE P1363 r || s is not DER
    byte[] rb = org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, r);
    byte[] sb = org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, s);
    System.arraycopy(rb, 0, raw, 0, 32);
    System.arraycopy(sb, 0, raw, 32, 32);
    bad.add(raw);
    for (int i = 0; i < bad.size(); i++) {
      byte[] b = bad.get(i);
      assertEquals(Problem.MALFORMED, problem(() -> Signatures.verify(key, alg, MESSAGE, b)), "case " + i + ": " + Hashing.hex(b));
      assertEquals(Problem.MALFORMED, problem(() -> Signatures.verifyPrehashed(key, alg, Hashing.sha256(MESSAGE), b)), "prehashed case " + i);
    }
  }

  @Test
  void ecdsaHighSIsValidAsInGoAndCosign() throws Exception {
    for (SignatureAlgorithm alg : List.of(SignatureAlgorithm.ECDSA_P256_SHA256, SignatureAlgorithm.ECDSA_P384_SHA384,
        SignatureAlgorithm.ECDSA_P521_SHA512)) {
      KeyPair kp = keyFor(alg);
      byte[] sig = Signatures.sign(kp.getPrivate(), alg, MESSAGE);
      BigInteger[] v = rs(sig);
      byte[] flipped = new org.bouncycastle.asn1.DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
          new ASN1Integer(v[0]), new ASN1Integer(n(kp).subtract(v[1]))}).getEncoded("DER");
      Signatures.verify(kp.getPublic(), alg, MESSAGE, sig);
      Signatures.verify(kp.getPublic(), alg, MESSAGE, flipped);
      assertNotEquals(Hashing.hex(sig), Hashing.hex(flipped));
    }
  }

  /**
   * RFC 6979 appendix A.2.5, P-256 with SHA-256, message "sample": deterministic nonces give the
   * published (r, s).
   */
  @Test
  void ecdsaSigningIsRfc6979Deterministic() throws Exception {
    byte[] pkcs8 = new org.bouncycastle.asn1.pkcs.PrivateKeyInfo(
        new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey,
            org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1),
        new org.bouncycastle.asn1.sec.ECPrivateKey(256,
            new BigInteger("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", 16), null))
        .getEncoded("DER");
    PrivateKey x = Keys.parsePrivateKey(Keys.pem("PRIVATE KEY", pkcs8).getBytes(StandardCharsets.US_ASCII));
    byte[] sample = "sample".getBytes(StandardCharsets.US_ASCII);
    byte[] sig = Signatures.sign(x, SignatureAlgorithm.ECDSA_P256_SHA256, sample);
    BigInteger[] v = rs(sig);
    assertEquals(new BigInteger("EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716", 16), v[0]);
    assertEquals(new BigInteger("F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8", 16), v[1]);
    assertArrayEquals(sig, Signatures.sign(x, SignatureAlgorithm.ECDSA_P256_SHA256, sample));
  }

  // ---- RSA PKCS#1 v1.5: exact DigestInfo --------------------------------------------------------

  /** RSASSA-PKCS1-v1_5 over caller-chosen DigestInfo bytes, by the JDK ("NONEwithRSA" pads only). */
  private static byte[] rawPkcs1(PrivateKey key, byte[] digestInfo) throws Exception {
    Signature s = Signature.getInstance("NONEwithRSA");
    s.initSign(key);
    s.update(digestInfo);
    return s.sign();
  }

  @Test
  void rsaPkcs1DigestInfoMustBeExact() throws Exception {
    byte[] h256 = Hashing.sha256(MESSAGE);
    byte[] h384 = Hashing.sha384().digest(MESSAGE);
    PublicKey pub = RSA.getPublic();
    SignatureAlgorithm alg = SignatureAlgorithm.RSA_PKCS1_SHA256;
    String sha256Oid = "0609608648016503040201";
    // the standard encoding (with NULL) and the one without NULL (RFC 8017 9.2 note 2) verify
    byte[] withNull = concat(Hashing.unhex("3031300d" + sha256Oid + "05000420"), h256);
    byte[] noNull = concat(Hashing.unhex("302f300b" + sha256Oid + "0420"), h256);
    Signatures.verify(pub, alg, MESSAGE, rawPkcs1(RSA.getPrivate(), withNull));
    Signatures.verify(pub, alg, MESSAGE, rawPkcs1(RSA.getPrivate(), noNull));
    Signatures.verifyPrehashed(pub, alg, h256, rawPkcs1(RSA.getPrivate(), noNull));
    // rejected: another hash OID (SHA-384's, SHA-1's, SHA-512/256's) around the same SHA-256 value
    for (String oid : List.of("0609608648016503040202", "06052b0e03021a", "0609608648016503040206")) {
      int algLen = Hashing.unhex(oid).length + 2;
      byte[] di = concat(Hashing.unhex("30" + String.format("%02x", 2 + algLen + 2 + 32) + "30" + String.format("%02x", algLen)
          + oid + "0500" + "0420"), h256);
      byte[] sig = rawPkcs1(RSA.getPrivate(), di);
      assertEquals(Problem.MISMATCH, problem(() -> Signatures.verify(pub, alg, MESSAGE, sig)), oid);
    }
    // rejected: a SHA-384 DigestInfo verified as SHA-256, the bare hash, trailing and missing bytes, BER lengths
    byte[] di384 = concat(Hashing.unhex("3041300d06096086480165030402020500" + "0430"), h384);
    List<byte[]> bad = List.of(di384, h256, concat(withNull, new byte[] {0}), Arrays.copyOf(withNull, withNull.length - 1),
        concat(Hashing.unhex("308131300d" + sha256Oid + "05000420"), h256),
        concat(Hashing.unhex("3031300d" + sha256Oid + "05000420"), Hashing.sha256(new byte[0])));
    for (byte[] di : bad) {
      byte[] sig = rawPkcs1(RSA.getPrivate(), di);
      assertEquals(Problem.MISMATCH, problem(() -> Signatures.verify(pub, alg, MESSAGE, sig)), Hashing.hex(di));
      assertEquals(Problem.MISMATCH, problem(() -> Signatures.verifyPrehashed(pub, alg, h256, sig)), Hashing.hex(di));
    }
    // the SHA-384 DigestInfo is right for RSA_PKCS1_SHA384
    Signatures.verify(pub, SignatureAlgorithm.RSA_PKCS1_SHA384, MESSAGE, rawPkcs1(RSA.getPrivate(), di384));
  }

  // ---- RSA-PSS: the allow-list's parameters only --------------------------------------------------

  private static byte[] jdkPss(int saltLength, MGF1ParameterSpec mgf, String hash) throws Exception {
    Signature s = Signature.getInstance("RSASSA-PSS");
    s.setParameter(new PSSParameterSpec(hash, "MGF1", mgf, saltLength, 1));
    s.initSign(RSA.getPrivate());
    s.update(MESSAGE);
    return s.sign();
  }

  @Test
  void rsaPssOnlyWithSha256Mgf1Sha256AndSalt32() throws Exception {
    PublicKey pub = RSA.getPublic();
    SignatureAlgorithm alg = SignatureAlgorithm.RSA_PSS_SHA256;
    Signatures.verify(pub, alg, MESSAGE, jdkPss(32, MGF1ParameterSpec.SHA256, "SHA-256"));
    Signatures.verifyPrehashed(pub, alg, Hashing.sha256(MESSAGE), jdkPss(32, MGF1ParameterSpec.SHA256, "SHA-256"));
    for (int salt : new int[] {0, 20, 31, 33, 64}) {
      byte[] sig = jdkPss(salt, MGF1ParameterSpec.SHA256, "SHA-256");
      assertEquals(Problem.MISMATCH, problem(() -> Signatures.verify(pub, alg, MESSAGE, sig)), "salt " + salt);
      assertEquals(Problem.MISMATCH, problem(() -> Signatures.verifyPrehashed(pub, alg, Hashing.sha256(MESSAGE), sig)), "salt " + salt);
    }
    byte[] mgfSha1 = jdkPss(32, MGF1ParameterSpec.SHA1, "SHA-256");
    assertEquals(Problem.MISMATCH, problem(() -> Signatures.verify(pub, alg, MESSAGE, mgfSha1)));
    byte[] sha384 = jdkPss(32, MGF1ParameterSpec.SHA384, "SHA-384");
    assertEquals(Problem.MISMATCH, problem(() -> Signatures.verify(pub, alg, MESSAGE, sha384)));
  }

  @Test
  void ed25519SignatureAndKeyLengths() throws Exception {
    byte[] sig = Signatures.sign(ED.getPrivate(), SignatureAlgorithm.ED25519, MESSAGE);
    assertEquals(64, sig.length);
    assertEquals(Problem.MALFORMED, problem(() -> Signatures.verify(ED.getPublic(), SignatureAlgorithm.ED25519, MESSAGE,
        Arrays.copyOf(sig, 63))));
    assertEquals(Problem.MALFORMED, problem(() -> Signatures.verify(ED.getPublic(), SignatureAlgorithm.ED25519, MESSAGE,
        Arrays.copyOf(sig, 65))));
    // S + L (RFC 8032 5.1.7: S must be < L) is rejected although it is congruent
    BigInteger l = BigInteger.ONE.shiftLeft(252).add(new BigInteger("14def9dea2f79cd65812631a5cf5d3ed", 16));
    byte[] sLe = Arrays.copyOfRange(sig, 32, 64);
    BigInteger sv = new BigInteger(1, reverse(sLe));
    BigInteger big = sv.add(l);
    if (big.bitLength() <= 256) {
      byte[] nonCanonical = sig.clone();
      System.arraycopy(reverse(org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, big)), 0, nonCanonical, 32, 32);
      assertEquals(Problem.MISMATCH, problem(() -> Signatures.verify(ED.getPublic(), SignatureAlgorithm.ED25519, MESSAGE, nonCanonical)));
    }
    assertEquals(32, Keys.rawEd25519(ED.getPublic()).length);
  }

  private static byte[] reverse(byte[] b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[b.length - 1 - i];
    }
    return out;
  }

  // ---- the key cache -----------------------------------------------------------------------------

  @Test
  void sameKeyBytesGiveTheSameParameterObject() throws Exception {
    KeyPair kp = Keys.generateEc("secp256r1");
    PublicKey a = kp.getPublic();
    PublicKey b = Keys.parseSpki(a.getEncoded()); // another JDK object, same SPKI
    PublicKey c = Keys.parsePublicKey(Keys.toPem(a).getBytes(StandardCharsets.US_ASCII));
    Object pa = KeyParams.of(a).params();
    assertTrue(pa instanceof ECPublicKeyParameters);
    assertSame(pa, KeyParams.of(b).params());
    assertSame(pa, KeyParams.of(c).params());
    // concurrent first uses of a new key also end with one object
    KeyPair fresh = Keys.generateEc("secp384r1");
    Set<Object> seen = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        fs.add(pool.submit(() -> {
          seen.add(KeyParams.of(Keys.parseSpki(fresh.getPublic().getEncoded())).params());
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertSame(KeyParams.of(fresh.getPublic()).params(), seen.iterator().next());
    assertEquals(1, seen.size(), "one parameter object per key");
  }

  @Test
  void theCacheIsBoundedAndLeastRecentlyUsedGoesFirst() throws Exception {
    PublicKey hot = Keys.generateEd25519().getPublic();
    Object hotParams = KeyParams.of(hot).params();
    for (int i = 0; i < 3 * KeyParams.CAPACITY; i++) {
      KeyParams.of(Keys.generateEd25519().getPublic());
      KeyParams.of(hot); // kept recent: never evicted
      assertTrue(KeyParams.size() <= KeyParams.CAPACITY, "cache size " + KeyParams.size());
    }
    assertSame(hotParams, KeyParams.of(hot).params());
  }
}
