package dev.airlock.crypto;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * Public and private key encodings: PEM and DER SubjectPublicKeyInfo, PKCS#8, key generation.
 * Keys outside the allow-list (RSA under 2048 or over 4096 bits, unknown curves) are refused here.
 */
public final class Keys {
  private Keys() {}

  /** Thrown for keys that cannot be parsed or are not allowed. */
  public static final class KeyException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean unsupported;

    KeyException(String message, boolean unsupported, Throwable cause) {
      super(message, cause);
      this.unsupported = unsupported;
    }

    /** True when the key parsed but its type or size is not allowed. */
    public boolean unsupported() {
      return unsupported;
    }
  }

  /** Parses a PEM {@code PUBLIC KEY} (or DER bytes, if the input is not PEM text). */
  public static PublicKey parsePublicKey(byte[] pemOrDer) throws KeyException {
    byte[] der = pemOrDer;
    String text = new String(pemOrDer, StandardCharsets.US_ASCII);
    if (text.contains("-----BEGIN")) {
      der = pemBody(text, "PUBLIC KEY");
    }
    return parseSpki(der);
  }

  /** Parses DER SubjectPublicKeyInfo and checks the key against the allow-list. */
  public static PublicKey parseSpki(byte[] der) throws KeyException {
    SubjectPublicKeyInfo spki;
    try {
      spki = SubjectPublicKeyInfo.getInstance(der);
    } catch (RuntimeException e) {
      throw new KeyException("not a DER SubjectPublicKeyInfo", false, e);
    }
    if (spki == null) {
      throw new KeyException("empty SubjectPublicKeyInfo", false, null);
    }
    ASN1ObjectIdentifier oid = spki.getAlgorithm().getAlgorithm();
    String alg;
    if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      alg = "EC";
    } else if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)
        || oid.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
      alg = "RSA";
    } else if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
      alg = "Ed25519";
    } else {
      throw new KeyException("key algorithm " + oid + " is not allowed", true, null);
    }
    PublicKey key;
    try {
      key = KeyFactory.getInstance(alg, Provider.BC).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyException("invalid " + alg + " public key: " + e.getMessage(), false, e);
    }
    checkAllowed(key);
    return key;
  }

  /**
   * Parses a PKCS#1 {@code RSAPublicKey} (the encoding of the deprecated Sigstore key details
   * {@code PKCS1_RSA_*}) and checks it against the allow-list.
   */
  public static PublicKey parsePkcs1RsaPublicKey(byte[] der) throws KeyException {
    byte[] spki;
    try {
      org.bouncycastle.asn1.pkcs.RSAPublicKey rsa = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(der);
      spki = new SubjectPublicKeyInfo(
              new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                  PKCSObjectIdentifiers.rsaEncryption, org.bouncycastle.asn1.DERNull.INSTANCE),
              rsa)
          .getEncoded();
    } catch (IOException | RuntimeException e) {
      throw new KeyException("not a DER PKCS#1 RSAPublicKey", false, e);
    }
    return parseSpki(spki);
  }

  private static void checkAllowed(PublicKey key) throws KeyException {
    if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits < 2048 || bits > 4096) {
        throw new KeyException("RSA key of " + bits + " bits; allowed are 2048 to 4096", true, null);
      }
      if (rsa.getPublicExponent().compareTo(BigInteger.valueOf(3)) < 0) {
        throw new KeyException("RSA public exponent too small", true, null);
      }
    } else if (key instanceof ECPublicKey) {
      if (curveOf(key) == null) {
        throw new KeyException("EC key on a curve other than P-256, P-384, P-521", true, null);
      }
    }
  }

  /** The named curve ("secp256r1", …) of an EC key, or null if not one of the allowed curves. */
  public static String curveOf(PublicKey key) {
    if (!(key instanceof ECPublicKey ec)) {
      return null;
    }
    int bits = ec.getParams().getCurve().getField().getFieldSize();
    return switch (bits) {
      case 256 -> "secp256r1";
      case 384 -> "secp384r1";
      case 521 -> "secp521r1";
      default -> null;
    };
  }

  /** The default signature algorithm for a key, as cosign would use it. */
  public static SignatureAlgorithm defaultAlgorithm(PublicKey key) throws KeyException {
    if (key instanceof RSAPublicKey) {
      return SignatureAlgorithm.RSA_PKCS1_SHA256;
    }
    String curve = curveOf(key);
    if (curve != null) {
      return switch (curve) {
        case "secp256r1" -> SignatureAlgorithm.ECDSA_P256_SHA256;
        case "secp384r1" -> SignatureAlgorithm.ECDSA_P384_SHA384;
        default -> SignatureAlgorithm.ECDSA_P521_SHA512;
      };
    }
    if (isEd25519(key)) {
      return SignatureAlgorithm.ED25519;
    }
    throw new KeyException("unsupported key " + key.getAlgorithm(), true, null);
  }

  public static boolean isEd25519(PublicKey key) {
    String a = key.getAlgorithm();
    return "Ed25519".equalsIgnoreCase(a) || "EdDSA".equalsIgnoreCase(a);
  }

  /** Raw 32-byte Ed25519 public key (the last 32 bytes of its SPKI). */
  public static byte[] rawEd25519(PublicKey key) {
    byte[] spki = key.getEncoded();
    byte[] raw = new byte[32];
    System.arraycopy(spki, spki.length - 32, raw, 0, 32);
    return raw;
  }

  /** Ed25519 public key from its raw 32 bytes. */
  public static PublicKey ed25519FromRaw(byte[] raw) throws KeyException {
    if (raw.length != 32) {
      throw new KeyException("Ed25519 key must be 32 bytes, got " + raw.length, false, null);
    }
    byte[] prefix = Hashing.unhex("302a300506032b6570032100");
    byte[] der = new byte[prefix.length + 32];
    System.arraycopy(prefix, 0, der, 0, prefix.length);
    System.arraycopy(raw, 0, der, prefix.length, 32);
    return parseSpki(der);
  }

  /** PEM {@code PUBLIC KEY} text of a key. */
  public static String toPem(PublicKey key) {
    return pem("PUBLIC KEY", key.getEncoded());
  }

  /** PEM {@code PRIVATE KEY} (PKCS#8, unencrypted) text of a key. */
  public static String toPem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  public static String pem(String type, byte[] der) {
    String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
  }

  /** Parses a PEM {@code PRIVATE KEY} (PKCS#8) of an EC, RSA or Ed25519 key. */
  public static PrivateKey parsePrivateKey(byte[] pem) throws KeyException {
    byte[] der = pemBody(new String(pem, StandardCharsets.US_ASCII), "PRIVATE KEY");
    for (String alg : new String[] {"Ed25519", "EC", "RSA"}) {
      try {
        return KeyFactory.getInstance(alg, Provider.BC).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException e) {
        // try the next algorithm
      }
    }
    throw new KeyException("not a PKCS#8 EC, RSA or Ed25519 private key", false, null);
  }

  /** The DER body of the first PEM block of the given type. */
  public static byte[] pemBody(String text, String type) throws KeyException {
    try (PemReader r = new PemReader(new StringReader(text))) {
      PemObject o;
      while ((o = r.readPemObject()) != null) {
        if (o.getType().equals(type)) {
          return o.getContent();
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new KeyException("malformed PEM: " + e.getMessage(), false, e);
    }
    throw new KeyException("no PEM block of type " + type, false, null);
  }

  /** New Ed25519 key pair (audit keys, test lab). */
  public static KeyPair generateEd25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519", Provider.BC).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** New ECDSA key pair on "secp256r1", "secp384r1" or "secp521r1". */
  public static KeyPair generateEc(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Provider.BC);
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** New RSA key pair of the given size. */
  public static KeyPair generateRsa(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", Provider.BC);
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256 over the DER SubjectPublicKeyInfo: the RFC 6962 log ID / Rekor v1 key ID. */
  public static byte[] spkiSha256(PublicKey key) {
    return Hashing.sha256(key.getEncoded());
  }
}
