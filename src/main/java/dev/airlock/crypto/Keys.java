package dev.airlock.crypto;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * Public and private key encodings: PEM and DER SubjectPublicKeyInfo, PKCS#8, key generation.
 * Keys outside the allow-list (RSA under 2048 or over 4096 bits, unknown curves) are refused here.
 * Keys are the JDK's own (KeyFactory/KeyPairGenerator of SunEC and SunRsaSign); Bouncy Castle only
 * checks encodings (ASN.1, {@link KeyParams}), never as a JCA provider.
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

  /**
   * Parses DER SubjectPublicKeyInfo and checks the key against the allow-list. The encoding is
   * validated with Bouncy Castle first ({@link KeyParams}: exactly one SPKI, an allowed algorithm,
   * EC keys on P-256/P-384/P-521 named by OID, points on the curve, RSA 2048 to 4096 bits); the
   * returned key is the JDK's own (SunEC, SunRsaSign), so no JCA provider is needed.
   */
  public static PublicKey parseSpki(byte[] der) throws KeyException {
    if (der == null || der.length == 0) {
      throw new KeyException("empty SubjectPublicKeyInfo", false, null);
    }
    KeyParams.Entry k;
    try {
      k = KeyParams.ofSpki(der);
    } catch (KeyParams.Refused e) {
      throw new KeyException(e.getMessage(), e.unsupported, e);
    }
    String alg = switch (k.kind()) {
      case EC -> "EC";
      // SunRsaSign's "RSA" factory refuses an id-RSASSA-PSS SPKI; its "RSASSA-PSS" factory reads it
      case RSA -> isPssSpki(der) ? "RSASSA-PSS" : "RSA";
      case ED25519 -> "Ed25519";
    };
    try {
      return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      if (k.kind() == KeyParams.Kind.EC) {
        // SunEC reads only uncompressed points (SEC 1 v2 section 2.3.3); BC accepted the compressed
        // form too, so re-encode the already validated point uncompressed
        try {
          byte[] plain = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(k.params()).getEncoded("DER");
          return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(plain));
        } catch (GeneralSecurityException | IOException | RuntimeException e2) {
          e.addSuppressed(e2);
        }
      }
      throw new KeyException("invalid " + alg + " public key: " + e.getMessage(), false, e);
    }
  }

  private static boolean isPssSpki(byte[] der) {
    return PKCSObjectIdentifiers.id_RSASSA_PSS.equals(SubjectPublicKeyInfo.getInstance(der).getAlgorithm().getAlgorithm());
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

  /**
   * The named curve ("secp256r1", "secp384r1", "secp521r1") of an EC key, read from the OID of its
   * SubjectPublicKeyInfo, or null if the key is not an EC key on one of the allowed curves
   * (explicit curve parameters included).
   */
  public static String curveOf(PublicKey key) {
    KeyParams.Entry k = KeyParams.orNull(key);
    return k != null && k.kind() == KeyParams.Kind.EC ? k.curve() : null;
  }

  /** The default signature algorithm for a key, as cosign would use it. */
  public static SignatureAlgorithm defaultAlgorithm(PublicKey key) throws KeyException {
    KeyParams.Entry k;
    try {
      k = KeyParams.of(key);
    } catch (KeyParams.Refused e) {
      throw new KeyException("unsupported key " + (key == null ? "null" : key.getAlgorithm()) + ": " + e.getMessage(), true, e);
    }
    return switch (k.kind()) {
      case RSA -> SignatureAlgorithm.RSA_PKCS1_SHA256;
      case ED25519 -> SignatureAlgorithm.ED25519;
      case EC -> switch (k.curve()) {
        case "secp256r1" -> SignatureAlgorithm.ECDSA_P256_SHA256;
        case "secp384r1" -> SignatureAlgorithm.ECDSA_P384_SHA384;
        default -> SignatureAlgorithm.ECDSA_P521_SHA512;
      };
    };
  }

  /**
   * True for an Ed25519 key. The JDK names Ed25519 and Ed448 keys alike ("EdDSA"), so the curve
   * is read from the key's parameters (or its SPKI OID for other key classes).
   */
  public static boolean isEd25519(PublicKey key) {
    if (key instanceof EdECKey ed) {
      return "Ed25519".equalsIgnoreCase(ed.getParams().getName());
    }
    if (key instanceof ECPublicKey || key instanceof RSAPublicKey) {
      return false;
    }
    KeyParams.Entry k = KeyParams.orNull(key);
    return k != null && k.kind() == KeyParams.Kind.ED25519;
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

  /** Parses a PEM {@code PRIVATE KEY} (PKCS#8) of an EC, RSA or Ed25519 key, with the JDK's KeyFactory. */
  public static PrivateKey parsePrivateKey(byte[] pem) throws KeyException {
    return parsePkcs8(pemBody(new String(pem, StandardCharsets.US_ASCII), "PRIVATE KEY"));
  }

  /** Parses DER PKCS#8 {@code PrivateKeyInfo} of an EC, RSA or Ed25519 key, with the JDK's KeyFactory. */
  public static PrivateKey parsePkcs8(byte[] der) throws KeyException {
    ASN1ObjectIdentifier oid;
    try {
      oid = PrivateKeyInfo.getInstance(der).getPrivateKeyAlgorithm().getAlgorithm();
    } catch (RuntimeException e) {
      throw new KeyException("not a PKCS#8 PrivateKeyInfo", false, e);
    }
    String alg;
    if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
      alg = "Ed25519";
    } else if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      alg = "EC";
    } else if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      alg = "RSA";
    } else {
      throw new KeyException("not a PKCS#8 EC, RSA or Ed25519 private key", false, null);
    }
    try {
      return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyException("not a PKCS#8 EC, RSA or Ed25519 private key: " + e.getMessage(), false, e);
    }
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
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** New ECDSA key pair on "secp256r1", "secp384r1" or "secp521r1". */
  public static KeyPair generateEc(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** New RSA key pair of the given size. */
  public static KeyPair generateRsa(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
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
