package dev.airlock.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.crypto.InvalidSignatureException.Problem;
import dev.airlock.lab.LabCa;
import dev.airlock.lab.LabCrypto;
import dev.airlock.lab.LabTsa;
import dev.airlock.lab.LeafSpec;
import dev.airlock.testing.Bytes;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Map;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tsp.TimeStampToken;
import org.junit.jupiter.api.Test;

/**
 * {@link Certificates} without a JCA provider: JDK certificate objects, signatures checked through
 * the algorithm allow-list and {@link Signatures}.
 */
class CertificatesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static X509Certificate reparse(X509Certificate c) throws Exception {
    return Certificates.parseDer(c.getEncoded());
  }

  private static Problem problem(org.junit.jupiter.api.function.Executable e) {
    return assertThrows(InvalidSignatureException.class, e).problem();
  }

  /** A self-signed certificate for {@code kp} signed with BC provider algorithm {@code alg}. */
  private static X509Certificate selfSigned(KeyPair kp, String alg, AlgorithmParameterSpec spec) throws Exception {
    X500Name name = new X500Name("CN=airlock-certificates-test");
    X509v3CertificateBuilder b = new X509v3CertificateBuilder(name, BigInteger.valueOf(7),
        new Date(T0.toEpochMilli()), new Date(T0.plusSeconds(86400).toEpochMilli()), name,
        SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded()));
    JcaContentSignerBuilder sb = spec == null ? new JcaContentSignerBuilder(alg) : new JcaContentSignerBuilder(alg, spec);
    byte[] der = b.build(sb.setProvider(LabCrypto.BC).build(kp.getPrivate())).getEncoded();
    return Certificates.parseDer(der);
  }

  private static KeyPair bcPair(String alg, Object init) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(alg, LabCrypto.BC);
    if (init instanceof Integer bits) {
      g.initialize(bits);
    } else if (init instanceof AlgorithmParameterSpec s) {
      g.initialize(s);
    }
    return g.generateKeyPair();
  }

  @Test
  void labChainVerifies() throws Exception {
    for (boolean p256 : new boolean[] {false, true}) {
      LabCa ca = new LabCa("certtest", 11, T0, p256, null);
      KeyPair leafKey = Keys.generateEc("secp256r1");
      LeafSpec spec = new LeafSpec("email", "dev@example.com", LeafSpec.DEFAULT_ISSUER, false, Map.of(),
          Duration.ofMinutes(10), true, true, false);
      X509Certificate leaf = reparse(ca.issue(spec, leafKey.getPublic(), T0));
      X509Certificate intermediate = reparse(ca.intermediate());
      X509Certificate root = reparse(ca.root());
      assertTrue(leaf.getClass().getName().startsWith("sun.security."), leaf.getClass().getName());
      Certificates.verifyIssuedBy(leaf, intermediate.getPublicKey());
      Certificates.verifyIssuedBy(intermediate, root.getPublicKey());
      Certificates.verifyIssuedBy(root, root.getPublicKey());
      // the wrong issuer
      assertThrows(InvalidSignatureException.class, () -> Certificates.verifyIssuedBy(leaf, root.getPublicKey()));
      assertEquals(Problem.UNSUPPORTED, problem(() -> Certificates.verifyIssuedBy(leaf, Keys.generateEd25519().getPublic())),
          "an Ed25519 key cannot have made an ECDSA signature");
      // a flipped bit in the signature value (the last byte of the DER certificate)
      byte[] der = leaf.getEncoded();
      der[der.length - 1] ^= 1;
      X509Certificate flipped = Certificates.parseDer(der);
      assertEquals(Problem.MISMATCH, problem(() -> Certificates.verifyIssuedBy(flipped, intermediate.getPublicKey())));
      // a flipped bit in the signed part
      byte[] tbsFlip = leaf.getEncoded();
      int at = Bytes.indexOf(tbsFlip, "dev@example.com");
      tbsFlip[at] ^= 1;
      X509Certificate changed = Certificates.parseDer(tbsFlip);
      assertEquals(Problem.MISMATCH, problem(() -> Certificates.verifyIssuedBy(changed, intermediate.getPublicKey())));
    }
  }

  @Test
  void md5AndSha1WithRsaAreUnsupported() throws Exception {
    KeyPair rsa = bcPair("RSA", 2048);
    X509Certificate control = selfSigned(rsa, "SHA256withRSA", null);
    Certificates.verifyIssuedBy(control, control.getPublicKey());
    for (String weak : new String[] {"MD5withRSA", "SHA1withRSA", "SHA224withRSA"}) {
      X509Certificate c = selfSigned(rsa, weak, null);
      assertEquals(Problem.UNSUPPORTED, problem(() -> Certificates.verifyIssuedBy(c, c.getPublicKey())), weak);
    }
  }

  @Test
  void everyAllowedCertificateAlgorithm() throws Exception {
    KeyPair rsa = bcPair("RSA", 2048);
    for (String alg : new String[] {"SHA256withRSA", "SHA384withRSA", "SHA512withRSA", "SHA256withRSAandMGF1"}) {
      X509Certificate c = selfSigned(rsa, alg, null);
      Certificates.verifyIssuedBy(c, c.getPublicKey());
    }
    // ECDSA: any allowed hash with any allowed curve, as X.509 CAs pair them (the
    // sigstore-conformance mock CA signs with P-256 and SHA-384)
    for (String curve : new String[] {"secp256r1", "secp384r1", "secp521r1"}) {
      KeyPair kp = bcPair("EC", new ECGenParameterSpec(curve));
      for (String alg : new String[] {"SHA256withECDSA", "SHA384withECDSA", "SHA512withECDSA"}) {
        X509Certificate c = selfSigned(kp, alg, null);
        Certificates.verifyIssuedBy(c, c.getPublicKey());
      }
      for (String weak : new String[] {"SHA1withECDSA", "SHA224withECDSA"}) {
        X509Certificate c = selfSigned(kp, weak, null);
        assertEquals(Problem.UNSUPPORTED, problem(() -> Certificates.verifyIssuedBy(c, c.getPublicKey())), curve + " " + weak);
      }
    }
    X509Certificate ed = selfSigned(bcPair("Ed25519", null), "Ed25519", null);
    Certificates.verifyIssuedBy(ed, ed.getPublicKey());
    // Ed448
    X509Certificate ed448 = selfSigned(bcPair("Ed448", null), "Ed448", null);
    assertEquals(Problem.UNSUPPORTED, problem(() -> Certificates.verifyIssuedBy(ed448, ed448.getPublicKey())));
  }

  @Test
  void rsaPssCertificatesNeedTheExactParameters() throws Exception {
    KeyPair rsa = bcPair("RSA", 2048);
    X509Certificate ok = selfSigned(rsa, "RSASSA-PSS",
        new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    Certificates.verifyIssuedBy(ok, ok.getPublicKey());
    X509Certificate salt20 = selfSigned(rsa, "RSASSA-PSS",
        new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 20, 1));
    assertEquals(Problem.UNSUPPORTED, problem(() -> Certificates.verifyIssuedBy(salt20, salt20.getPublicKey())));
    X509Certificate sha384 = selfSigned(rsa, "RSASSA-PSS",
        new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48, 1));
    assertEquals(Problem.UNSUPPORTED, problem(() -> Certificates.verifyIssuedBy(sha384, sha384.getPublicKey())));
    X509Certificate salt64 = selfSigned(rsa, "RSASSA-PSS",
        new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 64, 1));
    assertEquals(Problem.UNSUPPORTED, problem(() -> Certificates.verifyIssuedBy(salt64, salt64.getPublicKey())));
  }

  @Test
  void outerAndInnerSignatureAlgorithmsMustAgree() throws Exception {
    KeyPair kp = bcPair("EC", new ECGenParameterSpec("secp384r1"));
    X509Certificate c = selfSigned(kp, "SHA384withECDSA", null);
    Certificate parts = Certificate.getInstance(c.getEncoded());
    ASN1EncodableVector v = new ASN1EncodableVector();
    v.add(parts.getTBSCertificate());
    v.add(new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256)); // TBS says SHA-384
    v.add(new DERBitString(c.getSignature()));
    byte[] der = new DERSequence(v).getEncoded("DER");
    // the JDK's parser refuses the mismatch itself; another X509Certificate implementation may not
    assertThrows(Certificates.CertificateParseException.class, () -> Certificates.parseDer(der));
    X509Certificate bc = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509", LabCrypto.BC)
        .generateCertificate(new java.io.ByteArrayInputStream(der));
    assertEquals(Problem.MALFORMED, problem(() -> Certificates.verifyIssuedBy(bc, kp.getPublic())));
  }

  @Test
  void parseDerRefusesTrailingBytesAndNonCertificates() throws Exception {
    KeyPair kp = bcPair("EC", new ECGenParameterSpec("secp256r1"));
    byte[] der = selfSigned(kp, "SHA256withECDSA", null).getEncoded();
    Certificates.parseDer(der);
    for (byte[] bad : new byte[][] {
        Arrays.copyOf(der, der.length + 1), // one zero byte after
        concat(der, der), // two certificates
        Arrays.copyOf(der, der.length - 1), // truncated
        new DERSequence(new ASN1EncodableVector()).getEncoded(), // an empty SEQUENCE
        kp.getPublic().getEncoded(), // a SEQUENCE that is not a certificate
    }) {
      assertThrows(Certificates.CertificateParseException.class, () -> Certificates.parseDer(bad), Hashing.hex(
          Arrays.copyOf(bad, Math.min(bad.length, 16))));
    }
    Certificates.CertificateParseException e = assertThrows(Certificates.CertificateParseException.class,
        () -> Certificates.parseDer(Arrays.copyOf(der, der.length + 3)));
    assertTrue(e.getMessage().contains("3 trailing bytes"), e.getMessage());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** An RFC 3161 token signed by a fresh P-256 TSA with the given JCA signature algorithm. */
  private static Object[] tokenSignedWith(String alg) throws Exception {
    return tokenSignedWith(bcPair("EC", new ECGenParameterSpec("secp256r1")), alg);
  }

  private static Object[] tokenSignedWith(KeyPair kp, String alg) throws Exception {
    X500Name name = new X500Name("CN=airlock-test-tsa");
    X509v3CertificateBuilder b = new X509v3CertificateBuilder(name, BigInteger.valueOf(9),
        new Date(T0.toEpochMilli()), new Date(T0.plusSeconds(86400).toEpochMilli()), name,
        SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded()));
    b.addExtension(org.bouncycastle.asn1.x509.Extension.extendedKeyUsage, true,
        new org.bouncycastle.asn1.x509.ExtendedKeyUsage(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_timeStamping));
    X509Certificate cert = Certificates.parseDer(
        b.build(new JcaContentSignerBuilder(alg).setProvider(LabCrypto.BC).build(kp.getPrivate())).getEncoded());
    var digests = new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder().setProvider(LabCrypto.BC).build();
    var gen = new org.bouncycastle.tsp.TimeStampTokenGenerator(
        new org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder(digests)
            .build(new JcaContentSignerBuilder(alg).setProvider(LabCrypto.BC).build(kp.getPrivate()), cert),
        digests.get(new AlgorithmIdentifier(org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256)),
        new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.2.3.4"));
    var req = new org.bouncycastle.tsp.TimeStampRequestGenerator().generate(
        org.bouncycastle.tsp.TSPAlgorithms.SHA256, Hashing.sha256(new byte[] {1}));
    TimeStampToken token = gen.generate(req, BigInteger.TEN, new Date(T0.plusSeconds(60).toEpochMilli()));
    return new Object[] {token, cert};
  }

  @Test
  void timestampSignatureAlgorithmsOutsideTheAllowListAreRefused() throws Exception {
    Object[] ok = tokenSignedWith("SHA256withECDSA");
    Certificates.verifyTimeStampToken((TimeStampToken) ok[0], (X509Certificate) ok[1]);
    Object[] sha384 = tokenSignedWith("SHA384withECDSA");
    Certificates.verifyTimeStampToken((TimeStampToken) sha384[0], (X509Certificate) sha384[1]);
    Object[] sha1 = tokenSignedWith("SHA1withECDSA");
    InvalidSignatureException e = assertThrows(InvalidSignatureException.class,
        () -> Certificates.verifyTimeStampToken((TimeStampToken) sha1[0], (X509Certificate) sha1[1]));
    assertTrue(e.getMessage().contains("not allowed"), e.getMessage());
    // RSA TSAs: PKCS#1 v1.5, and PSS with the allow-list's parameters (BC's RSA builder knows only PKCS#1)
    KeyPair rsa = bcPair("RSA", 2048);
    for (String alg : new String[] {"SHA256withRSA", "SHA512withRSA", "SHA256withRSAandMGF1"}) {
      Object[] t = tokenSignedWith(rsa, alg);
      Certificates.verifyTimeStampToken((TimeStampToken) t[0], (X509Certificate) t[1]);
    }
    Object[] sha1Rsa = tokenSignedWith(rsa, "SHA1withRSA");
    assertThrows(InvalidSignatureException.class,
        () -> Certificates.verifyTimeStampToken((TimeStampToken) sha1Rsa[0], (X509Certificate) sha1Rsa[1]));
    Object[] ed = tokenSignedWith(bcPair("Ed25519", null), "Ed25519");
    Certificates.verifyTimeStampToken((TimeStampToken) ed[0], (X509Certificate) ed[1]);
  }

  @Test
  void timestampTokensVerifyWithoutAProvider() throws Exception {
    LabTsa tsa = new LabTsa("certtest", 5, T0);
    byte[] signed = "a signature".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    TimeStampToken token = new TimeStampToken(new org.bouncycastle.cms.CMSSignedData(
        LabTsa.tokenOf(tsa.timestamp(signed, T0.plusSeconds(60)))));
    X509Certificate signer = reparse(tsa.chain().get(0));
    Certificates.verifyTimeStampToken(token, signer);
    // another TSA's certificate
    X509Certificate other = reparse(new LabTsa("other", 6, T0).chain().get(0));
    assertThrows(InvalidSignatureException.class, () -> Certificates.verifyTimeStampToken(token, other));
    // a flipped bit in the token's signature
    byte[] der = token.getEncoded();
    byte[] sig = token.toCMSSignedData().getSignerInfos().getSigners().iterator().next().getSignature();
    int at = Bytes.indexOf(der, sig);
    der[at + sig.length - 1] ^= 1;
    TimeStampToken bad = new TimeStampToken(new org.bouncycastle.cms.CMSSignedData(der));
    assertThrows(InvalidSignatureException.class, () -> Certificates.verifyTimeStampToken(bad, signer));
  }
}
