package dev.airlock.lab;

import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A Fulcio-like certificate authority: a self-signed root (ECDSA P-384) and an intermediate
 * (P-384 by default, P-256 on request), issuing short-lived code-signing leaves with the Fulcio
 * extensions and an embedded SCT (../shared/FORMATS.md section 5 "Fulcio leaf certificate").
 *
 * <p>The SCT is made the way a CT log sees it: the CA first signs a precertificate carrying the
 * poison extension 1.3.6.1.4.1.11129.2.4.3, the log signs an SCT over that precertificate's TBS
 * without the poison, and the final certificate carries the same TBS plus the SCT list extension
 * 1.3.6.1.4.1.11129.2.4.2 in the poison's position.
 */
public final class LabCa {
  public static final ASN1ObjectIdentifier SCT_LIST = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2");
  public static final ASN1ObjectIdentifier PRECERT_POISON = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.3");
  public static final String FULCIO_ARC = "1.3.6.1.4.1.57264.1.";
  public static final ASN1ObjectIdentifier OTHERNAME_USERNAME = new ASN1ObjectIdentifier(FULCIO_ARC + "7");

  private final String name;
  private final KeyPair rootKey;
  private final KeyPair intermediateKey;
  private final X509Certificate root;
  private final X509Certificate intermediate;
  private final LabCtLog ct;
  private final long seed;
  private final java.security.SecureRandom random;
  private long serial;

  /**
   * @param name organisation / common-name prefix, e.g. "lab"
   * @param notBefore start of the root's and intermediate's validity (they last 10 years)
   * @param intermediateP256 use a P-256 intermediate instead of P-384
   */
  public LabCa(String name, long seed, Instant notBefore, boolean intermediateP256, LabCtLog ct) {
    this.name = name;
    this.seed = seed;
    this.ct = ct;
    this.random = LabCrypto.seeded(seed, "ca-sign/" + name);
    this.serial = 1000 + Math.floorMod(seed, 1000);
    this.rootKey = LabCrypto.generate(LabCrypto.KeyKind.ECDSA_P384, seed, "ca-root/" + name);
    this.intermediateKey = LabCrypto.generate(
        intermediateP256 ? LabCrypto.KeyKind.ECDSA_P256 : LabCrypto.KeyKind.ECDSA_P384, seed, "ca-intermediate/" + name);
    Instant notAfter = notBefore.plusSeconds(10L * 366 * 24 * 3600);
    X500Name rootName = new X500Name("O=" + name + ",CN=" + name + "-root");
    X500Name intName = new X500Name("O=" + name + ",CN=" + name + "-intermediate");
    this.root = caCert(rootName, rootName, rootKey.getPublic(), rootKey, notBefore, notAfter, 1, false);
    this.intermediate = caCert(intName, rootName, intermediateKey.getPublic(), rootKey, notBefore, notAfter, 0, true);
  }

  public X509Certificate root() {
    return root;
  }

  public X509Certificate intermediate() {
    return intermediate;
  }

  /** Intermediate then root: the trusted_root {@code certChain} order (last = trust anchor). */
  public List<X509Certificate> chain() {
    return List.of(intermediate, root);
  }

  public String uri() {
    return "https://fulcio." + name + ".internal";
  }

  public String name() {
    return name;
  }

  /**
   * A CA certificate issued by the intermediate, for path-validation rejection tests (RFC 5280
   * 6.1.4): the lab intermediate has pathLenConstraint 0, so any sub-CA below it breaks the path.
   *
   * @param cert the sub-CA certificate
   * @param key its key pair
   */
  public record SubCa(X509Certificate cert, KeyPair key) {}

  /**
   * Issues a CA certificate under the intermediate.
   *
   * @param pathLen basicConstraints pathLenConstraint, or null for none
   * @param ca basicConstraints cA (false: an end-entity certificate used as a CA)
   * @param keyUsage KeyUsage bits ({@link KeyUsage#keyCertSign} etc.)
   */
  public SubCa subordinate(String cn, Integer pathLen, boolean ca, int keyUsage) {
    try {
      KeyPair kp = LabCrypto.generate(LabCrypto.KeyKind.ECDSA_P256, seed, "ca-sub/" + name + "/" + cn);
      X500Name subject = new X500Name("O=" + name + ",CN=" + cn);
      X509v3CertificateBuilder b = new X509v3CertificateBuilder(
          X500Name.getInstance(intermediate.getSubjectX500Principal().getEncoded()), BigInteger.valueOf(++serial),
          intermediate.getNotBefore(), intermediate.getNotAfter(), subject, SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded()));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
      b.addExtension(Extension.basicConstraints, true,
          ca ? (pathLen == null ? new BasicConstraints(true) : new BasicConstraints(pathLen)) : new BasicConstraints(false));
      b.addExtension(Extension.subjectKeyIdentifier, false, utils().createSubjectKeyIdentifier(kp.getPublic()));
      b.addExtension(Extension.authorityKeyIdentifier, false, utils().createAuthorityKeyIdentifier(intermediate.getPublicKey()));
      return new SubCa(sign(b, intermediateKey.getPrivate(), random), kp);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Issues a leaf for {@code subjectKey}, valid from {@code notBefore} for {@code spec.validity()}. */
  public X509Certificate issue(LeafSpec spec, PublicKey subjectKey, Instant notBefore) {
    return issue(spec, subjectKey, notBefore, intermediate, intermediateKey);
  }

  /** Issues a leaf under a {@link #subordinate} CA (with an SCT over that issuer's key). */
  public X509Certificate issue(LeafSpec spec, PublicKey subjectKey, Instant notBefore, SubCa issuer) {
    return issue(spec, subjectKey, notBefore, issuer.cert(), issuer.key());
  }

  private X509Certificate issue(LeafSpec spec, PublicKey subjectKey, Instant notBefore, X509Certificate issuerCert,
      KeyPair issuerKey) {
    try {
      BigInteger sn = BigInteger.valueOf(++serial).shiftLeft(64).or(BigInteger.valueOf(seed & 0xffffffffL));
      Instant notAfter = notBefore.plus(spec.validity());
      List<Extension> exts = leafExtensions(spec, subjectKey, issuerCert);
      if (!spec.embedSct()) {
        return sign(leafBuilder(issuerCert, sn, notBefore, notAfter, subjectKey, exts), issuerKey.getPrivate(), random);
      }
      List<Extension> pre = new ArrayList<>(exts);
      pre.add(new Extension(PRECERT_POISON, true, DERNull.INSTANCE.getEncoded()));
      X509Certificate precert = sign(leafBuilder(issuerCert, sn, notBefore, notAfter, subjectKey, pre), issuerKey.getPrivate(), random);
      byte[] tbs = tbsWithout(precert, PRECERT_POISON);
      byte[] issuerKeyHash = LabCrypto.sha256(issuerCert.getPublicKey().getEncoded());
      byte[] sct = ct.issueSct(notBefore.toEpochMilli(), issuerKeyHash, tbs);
      List<Extension> fin = new ArrayList<>(exts);
      fin.add(new Extension(SCT_LIST, false, new DEROctetString(LabCtLog.sctList(sct)).getEncoded()));
      return sign(leafBuilder(issuerCert, sn, notBefore, notAfter, subjectKey, fin), issuerKey.getPrivate(), random);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The DER TBSCertificate of {@code cert} with extension {@code oid} removed (RFC 6962 3.2). */
  public static byte[] tbsWithout(X509Certificate cert, ASN1ObjectIdentifier oid) {
    try {
      ASN1Sequence tbs = ASN1Sequence.getInstance(cert.getTBSCertificate());
      ASN1EncodableVector v = new ASN1EncodableVector();
      for (ASN1Encodable e : tbs) {
        if (e instanceof ASN1TaggedObject t && t.getTagNo() == 3) {
          ASN1Sequence exts = ASN1Sequence.getInstance(t.getExplicitBaseObject());
          ASN1EncodableVector kept = new ASN1EncodableVector();
          for (ASN1Encodable x : exts) {
            if (!Extension.getInstance(x).getExtnId().equals(oid)) {
              kept.add(x);
            }
          }
          v.add(new DERTaggedObject(true, 3, new DERSequence(kept)));
        } else {
          v.add(e);
        }
      }
      return TBSCertificate.getInstance(new DERSequence(v)).getEncoded("DER");
    } catch (CertificateException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<Extension> leafExtensions(LeafSpec spec, PublicKey subjectKey, X509Certificate issuerCert) throws IOException {
    JcaX509ExtensionUtils u = utils();
    List<Extension> exts = new ArrayList<>();
    exts.add(new Extension(Extension.keyUsage, true,
        new KeyUsage(spec.digitalSignatureKu() ? KeyUsage.digitalSignature : KeyUsage.keyCertSign).getEncoded()));
    if (spec.codeSigningEku()) {
      exts.add(new Extension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning).getEncoded()));
    }
    exts.add(new Extension(Extension.subjectKeyIdentifier, false,
        u.createSubjectKeyIdentifier(subjectKey).getEncoded()));
    exts.add(new Extension(Extension.authorityKeyIdentifier, false,
        u.createAuthorityKeyIdentifier(issuerCert.getPublicKey()).getEncoded()));
    GeneralName gn = switch (spec.sanType()) {
      case "uri" -> new GeneralName(GeneralName.uniformResourceIdentifier, spec.san());
      case "email" -> new GeneralName(GeneralName.rfc822Name, spec.san());
      case "otherName" -> new GeneralName(GeneralName.otherName, new DERSequence(new ASN1Encodable[] {
          OTHERNAME_USERNAME, new DERTaggedObject(true, 0, new DERUTF8String(spec.san()))}));
      default -> throw new IllegalArgumentException("SAN type " + spec.sanType());
    };
    // Empty subject: the SAN extension MUST be critical (RFC 5280 4.2.1.6), as Fulcio marks it.
    exts.add(new Extension(Extension.subjectAlternativeName, true, new GeneralNames(gn).getEncoded()));
    if (spec.issuer() != null && spec.legacyIssuer()) {
      // 1.1 Issuer (deprecated): raw bytes, not DER (fulcio docs/oid-info.md).
      exts.add(new Extension(new ASN1ObjectIdentifier(FULCIO_ARC + "1"), false, LabCrypto.utf8(spec.issuer())));
    }
    if (spec.issuer() != null) {
      exts.add(new Extension(new ASN1ObjectIdentifier(FULCIO_ARC + "8"), false,
          new DERUTF8String(spec.issuer()).getEncoded()));
    }
    for (Map.Entry<Integer, String> x : new java.util.TreeMap<>(spec.extensions()).entrySet()) {
      // .2 to .6 (the deprecated GitHub workflow extensions) hold raw bytes like .1; .8 onward a
      // DER UTF8String (fulcio docs/oid-info.md)
      exts.add(new Extension(new ASN1ObjectIdentifier(FULCIO_ARC + x.getKey()), false,
          x.getKey() <= 6 ? LabCrypto.utf8(x.getValue()) : new DERUTF8String(x.getValue()).getEncoded()));
    }
    return exts;
  }

  private X509v3CertificateBuilder leafBuilder(X509Certificate issuerCert, BigInteger sn, Instant nb, Instant na,
      PublicKey key, List<Extension> exts) {
    X509v3CertificateBuilder b = new X509v3CertificateBuilder(
        X500Name.getInstance(issuerCert.getSubjectX500Principal().getEncoded()), sn,
        new Date(nb.toEpochMilli()), new Date(na.toEpochMilli()), new X500Name(new RDN[0]),
        SubjectPublicKeyInfo.getInstance(key.getEncoded()));
    try {
      for (Extension e : exts) {
        b.addExtension(e);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return b;
  }

  private X509Certificate caCert(X500Name subject, X500Name issuer, PublicKey key, KeyPair signer,
      Instant nb, Instant na, int pathLen, boolean codeSigningEku) {
    try {
      JcaX509ExtensionUtils u = utils();
      X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuer, BigInteger.valueOf(++serial),
          new Date(nb.toEpochMilli()), new Date(na.toEpochMilli()), subject, SubjectPublicKeyInfo.getInstance(key.getEncoded()));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLen));
      b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(key));
      if (signer.getPublic() != key) {
        b.addExtension(Extension.authorityKeyIdentifier, false, u.createAuthorityKeyIdentifier(signer.getPublic()));
      }
      if (codeSigningEku) {
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
      }
      return sign(b, signer.getPrivate(), random);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Signs a certificate; {@code random} (seeded) makes ECDSA signatures repeatable. */
  static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key, java.security.SecureRandom random) {
    try {
      String alg = key.getAlgorithm().startsWith("EC")
          ? (((java.security.interfaces.ECPrivateKey) key).getParams().getCurve().getField().getFieldSize() > 256
              ? "SHA384withECDSA" : "SHA256withECDSA")
          : key.getAlgorithm().equals("Ed25519") ? "Ed25519" : "SHA256withRSA";
      ContentSigner s = new JcaContentSignerBuilder(alg).setProvider(LabCrypto.BC).setSecureRandom(random).build(key);
      X509CertificateHolder h = b.build(s);
      return new JcaX509CertificateConverter().setProvider(LabCrypto.BC).getCertificate(h);
    } catch (OperatorCreationException | CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  static JcaX509ExtensionUtils utils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
