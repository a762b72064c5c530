package dev.airlock.crypto;

import dev.airlock.crypto.InvalidSignatureException.Problem;
import java.io.IOException;
import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The allow-list of X.509 / CMS signature AlgorithmIdentifiers (certificates, RFC 3161 tokens):
 * the same schemes and hashes as {@link SignatureAlgorithm}, by OID. Anything else (MD5, SHA-1,
 * SHA-224, DSA, Ed448, other PSS parameters) is refused as {@link Problem#UNSUPPORTED}.
 */
final class AlgorithmIds {
  private AlgorithmIds() {}

  enum Scheme { ECDSA, RSA_PKCS1, RSA_PSS, ED25519 }

  /** A signature AlgorithmIdentifier on the allow-list: the scheme and its message hash (JCA name; null for Ed25519). */
  record Allowed(Scheme scheme, String hash) {
    // Written out: a record's generated equals and hashCode bootstrap method handles on first use
    // (java.lang.runtime.ObjectMethods), 4% of a cold verify-bundle in the JFR profile (issue 17).
    @Override
    public boolean equals(Object o) {
      return o instanceof Allowed a && scheme == a.scheme && java.util.Objects.equals(hash, a.hash);
    }

    @Override
    public int hashCode() {
      return 31 * scheme.hashCode() + (hash == null ? 0 : hash.hashCode());
    }
  }

  /**
   * Looks up {@code oid} with its DER-encoded {@code parameters} (null when absent).
   *
   * @throws InvalidSignatureException UNSUPPORTED for OIDs or parameters outside the allow-list,
   *     MALFORMED for parameters that cannot be decoded
   */
  static Allowed of(String oid, byte[] parameters) throws InvalidSignatureException {
    ASN1Encodable params = null;
    if (parameters != null) {
      try {
        params = ASN1Primitive.fromByteArray(parameters);
      } catch (IOException | RuntimeException e) {
        throw new InvalidSignatureException(Problem.MALFORMED, "unreadable signature algorithm parameters", e);
      }
    }
    ASN1ObjectIdentifier id;
    try {
      id = new ASN1ObjectIdentifier(oid);
    } catch (RuntimeException e) {
      throw new InvalidSignatureException(Problem.MALFORMED, "bad signature algorithm OID " + oid, e);
    }
    return of(new AlgorithmIdentifier(id, params));
  }

  static Allowed of(AlgorithmIdentifier alg) throws InvalidSignatureException {
    ASN1ObjectIdentifier oid = alg.getAlgorithm();
    ASN1Encodable params = alg.getParameters();
    Allowed a;
    // RFC 5758 section 3.2: ecdsa-with-SHA2 parameters MUST be absent
    if (oid.equals(X9ObjectIdentifiers.ecdsa_with_SHA256)) {
      a = new Allowed(Scheme.ECDSA, "SHA-256");
    } else if (oid.equals(X9ObjectIdentifiers.ecdsa_with_SHA384)) {
      a = new Allowed(Scheme.ECDSA, "SHA-384");
    } else if (oid.equals(X9ObjectIdentifiers.ecdsa_with_SHA512)) {
      a = new Allowed(Scheme.ECDSA, "SHA-512");
    // RFC 4055 section 5: NULL, and implementations MUST accept absent parameters as well
    } else if (oid.equals(PKCSObjectIdentifiers.sha256WithRSAEncryption)) {
      a = new Allowed(Scheme.RSA_PKCS1, "SHA-256");
    } else if (oid.equals(PKCSObjectIdentifiers.sha384WithRSAEncryption)) {
      a = new Allowed(Scheme.RSA_PKCS1, "SHA-384");
    } else if (oid.equals(PKCSObjectIdentifiers.sha512WithRSAEncryption)) {
      a = new Allowed(Scheme.RSA_PKCS1, "SHA-512");
    } else if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
      // RFC 8410 section 3: parameters MUST be absent
      a = new Allowed(Scheme.ED25519, null);
    } else if (oid.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
      checkPssParameters(params);
      return new Allowed(Scheme.RSA_PSS, "SHA-256");
    } else {
      throw new InvalidSignatureException(Problem.UNSUPPORTED, "signature algorithm " + oid + " is not allowed");
    }
    // The JDK's certificate parser reads a NULL as absent, so NULL is tolerated for every scheme.
    if (!absentOrNull(params)) {
      throw new InvalidSignatureException(Problem.UNSUPPORTED, "signature algorithm " + oid + " with parameters");
    }
    return a;
  }

  /**
   * RSASSA-PSS-params (RFC 4055 section 3.1) must be exactly those of the allow-list: SHA-256,
   * MGF1 with SHA-256, salt length 32, trailer field 1.
   */
  private static void checkPssParameters(ASN1Encodable params) throws InvalidSignatureException {
    if (params == null || params instanceof DERNull) {
      // absent parameters mean SHA-1 / MGF1-SHA-1 / salt 20 (the RFC 4055 defaults)
      throw new InvalidSignatureException(Problem.UNSUPPORTED, "RSASSA-PSS without parameters (SHA-1 defaults)");
    }
    RSASSAPSSparams p;
    try {
      p = RSASSAPSSparams.getInstance(params);
    } catch (RuntimeException e) {
      throw new InvalidSignatureException(Problem.MALFORMED, "unreadable RSASSA-PSS parameters", e);
    }
    boolean ok;
    try {
      AlgorithmIdentifier mgf = p.getMaskGenAlgorithm();
      ok = isSha256(p.getHashAlgorithm())
          && mgf.getAlgorithm().equals(PKCSObjectIdentifiers.id_mgf1)
          && isSha256(AlgorithmIdentifier.getInstance(mgf.getParameters()))
          && p.getSaltLength().equals(BigInteger.valueOf(32))
          && p.getTrailerField().equals(BigInteger.ONE);
    } catch (RuntimeException e) {
      throw new InvalidSignatureException(Problem.MALFORMED, "unreadable RSASSA-PSS parameters", e);
    }
    if (!ok) {
      throw new InvalidSignatureException(Problem.UNSUPPORTED,
          "RSASSA-PSS parameters other than SHA-256, MGF1-SHA-256, salt 32, trailer 1");
    }
  }

  private static boolean isSha256(AlgorithmIdentifier a) {
    return a != null && a.getAlgorithm().equals(NISTObjectIdentifiers.id_sha256) && absentOrNull(a.getParameters());
  }

  private static boolean absentOrNull(ASN1Encodable params) {
    return params == null || params instanceof DERNull || params.toASN1Primitive() instanceof org.bouncycastle.asn1.ASN1Null;
  }

  /**
   * The {@link SignatureAlgorithm} for an allowed identifier and the signer's key: ECDSA pairs the
   * OID's hash with the key's curve (any of P-256/P-384/P-521 with any of SHA-256/384/512, as
   * X.509 CAs do), RSA needs an RSA key and Ed25519 an Ed25519 key.
   *
   * @throws InvalidSignatureException UNSUPPORTED if the key does not fit
   */
  static SignatureAlgorithm forKey(Allowed a, KeyParams.Entry key) throws InvalidSignatureException {
    SignatureAlgorithm alg = null;
    switch (a.scheme()) {
      case ECDSA -> {
        if (key.kind() == KeyParams.Kind.EC) {
          alg = switch (key.curve() + "/" + a.hash()) {
            case "secp256r1/SHA-256" -> SignatureAlgorithm.ECDSA_P256_SHA256;
            case "secp256r1/SHA-384" -> SignatureAlgorithm.ECDSA_P256_SHA384;
            case "secp256r1/SHA-512" -> SignatureAlgorithm.ECDSA_P256_SHA512;
            case "secp384r1/SHA-256" -> SignatureAlgorithm.ECDSA_P384_SHA256;
            case "secp384r1/SHA-384" -> SignatureAlgorithm.ECDSA_P384_SHA384;
            case "secp384r1/SHA-512" -> SignatureAlgorithm.ECDSA_P384_SHA512;
            case "secp521r1/SHA-256" -> SignatureAlgorithm.ECDSA_P521_SHA256;
            case "secp521r1/SHA-384" -> SignatureAlgorithm.ECDSA_P521_SHA384;
            case "secp521r1/SHA-512" -> SignatureAlgorithm.ECDSA_P521_SHA512;
            default -> null;
          };
        }
      }
      case RSA_PKCS1 -> {
        if (key.kind() == KeyParams.Kind.RSA) {
          alg = switch (a.hash()) {
            case "SHA-384" -> SignatureAlgorithm.RSA_PKCS1_SHA384;
            case "SHA-512" -> SignatureAlgorithm.RSA_PKCS1_SHA512;
            default -> SignatureAlgorithm.RSA_PKCS1_SHA256;
          };
        }
      }
      case RSA_PSS -> alg = key.kind() == KeyParams.Kind.RSA ? SignatureAlgorithm.RSA_PSS_SHA256 : null;
      case ED25519 -> alg = key.kind() == KeyParams.Kind.ED25519 ? SignatureAlgorithm.ED25519 : null;
    }
    if (alg == null) {
      throw new InvalidSignatureException(Problem.UNSUPPORTED, a.scheme() + (a.hash() == null ? "" : " with " + a.hash())
          + " does not fit the signer's " + key.kind() + (key.curve() == null ? "" : " " + key.curve()) + " key");
    }
    return alg;
  }
}
