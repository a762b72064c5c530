package dev.airlock.crypto;

/**
 * The algorithm allow-list, dated 2026-11 (STYLE.md rule 5). Each entry is a key type + hash +
 * encoding; anything else is refused with {@code KEY_ALGORITHM_UNSUPPORTED}. Names follow the
 * Sigstore {@code PublicKeyDetails} enum (protobuf-specs sigstore_common.proto) where one exists.
 */
public enum SignatureAlgorithm {
  /** ECDSA P-256 with SHA-256, ASN.1 DER signature. Cosign's default. */
  ECDSA_P256_SHA256("SHA-256", "secp256r1", 256),
  /** ECDSA P-384 with SHA-384, DER. */
  ECDSA_P384_SHA384("SHA-384", "secp384r1", 384),
  /** ECDSA P-521 with SHA-512, DER. */
  ECDSA_P521_SHA512("SHA-512", "secp521r1", 521),
  /** ECDSA P-384 with SHA-256 (cosign accepts this pairing for P-384 keys signed with sha256). */
  ECDSA_P384_SHA256("SHA-256", "secp384r1", 384),
  /** RSA PKCS#1 v1.5 with SHA-256, 2048 to 4096 bits. */
  RSA_PKCS1_SHA256("SHA-256", null, 0),
  /** RSA PKCS#1 v1.5 with SHA-384 and SHA-512 (cosign signs with the hash matching --signing-algorithm). */
  RSA_PKCS1_SHA384("SHA-384", null, 0),
  RSA_PKCS1_SHA512("SHA-512", null, 0),
  /** RSA-PSS with SHA-256, MGF1-SHA-256, salt length 32. */
  RSA_PSS_SHA256("SHA-256", null, 0),
  /** Ed25519 (RFC 8032 pure), 64-byte signature. */
  ED25519(null, null, 0),
  /**
   * ECDSA with a hash that is not the curve's usual one: seen only in X.509 chains, whose CAs pair
   * curve and hash freely (the sigstore-conformance mock CA signs with P-256 and SHA-384; Go's
   * crypto/x509 and the JCA accept any pairing). {@link Certificates#verifyIssuedBy} maps the
   * certificate's {@code ecdsa-with-SHA*} OID and the issuer's curve to one of these; cosign and
   * Sigstore bundles never use them ({@link Keys#defaultAlgorithm} does not return them).
   */
  ECDSA_P256_SHA384("SHA-384", "secp256r1", 256),
  /** See {@link #ECDSA_P256_SHA384}: certificate signatures only. */
  ECDSA_P256_SHA512("SHA-512", "secp256r1", 256),
  /** See {@link #ECDSA_P256_SHA384}: certificate signatures only. */
  ECDSA_P384_SHA512("SHA-512", "secp384r1", 384),
  /** See {@link #ECDSA_P256_SHA384}: certificate signatures only. */
  ECDSA_P521_SHA256("SHA-256", "secp521r1", 521),
  /** See {@link #ECDSA_P256_SHA384}: certificate signatures only. */
  ECDSA_P521_SHA384("SHA-384", "secp521r1", 521);

  private final String hash;
  private final String curve;
  private final int fieldBits;

  SignatureAlgorithm(String hash, String curve, int fieldBits) {
    this.hash = hash;
    this.curve = curve;
    this.fieldBits = fieldBits;
  }

  /**
   * JCA name of the message hash ("SHA-256", "SHA-384", "SHA-512"); null for Ed25519, which
   * hashes inside the scheme (RFC 8032 section 5.1.6: SHA-512 over R || A || M).
   */
  String hash() {
    return hash;
  }

  /** Length in bytes of {@link #hash()}'s output; 0 for Ed25519. */
  int hashLength() {
    return hash == null ? 0 : switch (hash) {
      case "SHA-384" -> 48;
      case "SHA-512" -> 64;
      default -> 32;
    };
  }

  /** JCA curve name for ECDSA entries, else null. */
  public String curve() {
    return curve;
  }

  public int fieldBits() {
    return fieldBits;
  }

  public boolean isEcdsa() {
    return curve != null;
  }

  public boolean isRsa() {
    return name().startsWith("RSA_");
  }
}
