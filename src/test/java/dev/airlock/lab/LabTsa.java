package dev.airlock.lab;

import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

/**
 * An RFC 3161 timestamp authority with a two-certificate chain (TSA leaf with the critical
 * timeStamping EKU, self-signed root), ECDSA P-256. Tokens are issued over SHA-256 of the
 * signature bytes, as Sigstore bundles and cosign's rfc3161timestamp annotation expect.
 */
public final class LabTsa {
  private final String name;
  private final KeyPair rootKey;
  private final KeyPair leafKey;
  private final X509Certificate root;
  private final X509Certificate leaf;
  private final java.security.SecureRandom random;
  private long serial = 1;

  public LabTsa(String name, long seed, Instant notBefore) {
    this.name = name;
    this.random = LabCrypto.seeded(seed, "tsa-sign/" + name);
    this.rootKey = LabCrypto.generate(LabCrypto.KeyKind.ECDSA_P256, seed, "tsa-root/" + name);
    this.leafKey = LabCrypto.generate(LabCrypto.KeyKind.ECDSA_P256, seed, "tsa-leaf/" + name);
    Instant notAfter = notBefore.plusSeconds(10L * 366 * 24 * 3600);
    X500Name rootName = new X500Name("O=" + name + ",CN=" + name + "-tsa-root");
    X500Name leafName = new X500Name("O=" + name + ",CN=" + name + "-tsa");
    try {
      JcaCertBuilderHelper h = new JcaCertBuilderHelper();
      X509v3CertificateBuilder rb = h.builder(rootName, rootName, 1, notBefore, notAfter, rootKey);
      rb.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      rb.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      this.root = LabCa.sign(rb, rootKey.getPrivate(), random);
      X509v3CertificateBuilder lb = h.builder(leafName, rootName, 2, notBefore, notAfter, leafKey);
      lb.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      // RFC 3161 2.3: the TSA certificate MUST have exactly one EKU, id-kp-timeStamping, critical.
      lb.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
      lb.addExtension(Extension.authorityKeyIdentifier, false, LabCa.utils().createAuthorityKeyIdentifier(rootKey.getPublic()));
      this.leaf = LabCa.sign(lb, rootKey.getPrivate(), random);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class JcaCertBuilderHelper {
    X509v3CertificateBuilder builder(X500Name subject, X500Name issuer, long sn, Instant nb, Instant na, KeyPair key) {
      return new X509v3CertificateBuilder(issuer, BigInteger.valueOf(sn), new Date(nb.toEpochMilli()),
          new Date(na.toEpochMilli()), subject, SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()));
    }
  }

  public String name() {
    return name;
  }

  public String uri() {
    return "https://tsa." + name + ".internal/api/v1/timestamp";
  }

  /** Leaf then root: the trusted_root {@code certChain} order. */
  public List<X509Certificate> chain() {
    return List.of(leaf, root);
  }

  /** DER TimeStampResp over SHA-256({@code signedBytes}) at {@code genTime}. */
  public byte[] timestamp(byte[] signedBytes, Instant genTime) {
    try {
      TimeStampRequestGenerator rg = new TimeStampRequestGenerator();
      rg.setCertReq(true);
      TimeStampRequest req = rg.generate(TSPAlgorithms.SHA256, LabCrypto.sha256(signedBytes));
      TimeStampTokenGenerator tg = new TimeStampTokenGenerator(
          new org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder(
              new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder().setProvider(LabCrypto.BC).build())
              // CMS signingTime = genTime, not the wall clock: same seed, same bytes
              .setSignedAttributeGenerator(signingTimeAt(genTime))
              .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                  .setProvider(LabCrypto.BC).setSecureRandom(random).build(leafKey.getPrivate()), leaf),
          new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder().setProvider(LabCrypto.BC).build()
              .get(new org.bouncycastle.asn1.x509.AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)),
          new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.2"));
      tg.addCertificates(new JcaCertStore(List.of(leaf)));
      TimeStampResponseGenerator g = new TimeStampResponseGenerator(tg, TSPAlgorithms.ALLOWED);
      TimeStampResponse resp = g.generate(req, BigInteger.valueOf(++serial), new Date(genTime.toEpochMilli()));
      return resp.getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException("cannot timestamp", e);
    }
  }

  private static org.bouncycastle.cms.CMSAttributeTableGenerator signingTimeAt(Instant t) {
    org.bouncycastle.asn1.cms.Attribute signingTime = new org.bouncycastle.asn1.cms.Attribute(
        org.bouncycastle.asn1.cms.CMSAttributes.signingTime,
        new org.bouncycastle.asn1.DERSet(new org.bouncycastle.asn1.cms.Time(new Date(t.toEpochMilli()))));
    return new org.bouncycastle.cms.DefaultSignedAttributeTableGenerator(
        new org.bouncycastle.asn1.cms.AttributeTable(signingTime));
  }

  /** The DER TimeStampToken (CMS SignedData) inside a response from {@link #timestamp}. */
  public static byte[] tokenOf(byte[] timeStampResp) {
    try {
      return new TimeStampResponse(timeStampResp).getTimeStampToken().getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
