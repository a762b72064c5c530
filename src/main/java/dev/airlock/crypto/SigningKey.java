package dev.airlock.crypto;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;

/**
 * An opened private key and its public key, for the publisher's signing (DESIGN.md section 10).
 * The private key never leaves this class; every signature is checked with the public key before
 * it is returned, so a faulty computation or a mismatched key pair never reaches a medium.
 */
public final class SigningKey {
  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String format;

  SigningKey(PrivateKey privateKey, PublicKey publicKey, String format) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.format = format;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** PEM {@code PUBLIC KEY} (PKIX SubjectPublicKeyInfo). */
  public String publicKeyPem() {
    return Keys.toPem(publicKey);
  }

  /** {@code pkcs8}, {@code cosign} (the file it was read from) or {@code generated}. */
  public String format() {
    return format;
  }

  /** The signature algorithm cosign uses by default for this key (see {@link Keys#defaultAlgorithm}). */
  public SignatureAlgorithm algorithm() {
    try {
      return Keys.defaultAlgorithm(publicKey);
    } catch (Keys.KeyException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * A short description of the key for humans: {@code ecdsa-p256}, {@code ecdsa-p384},
   * {@code ecdsa-p521}, {@code ed25519} or {@code rsa-<bits>}.
   */
  public String describe() {
    SignatureAlgorithm a = algorithm();
    if (a.isEcdsa()) {
      return switch (a.curve()) {
        case "secp256r1" -> "ecdsa-p256";
        case "secp384r1" -> "ecdsa-p384";
        default -> "ecdsa-p521";
      };
    }
    if (a == SignatureAlgorithm.ED25519) {
      return "ed25519";
    }
    return "rsa-" + ((java.security.interfaces.RSAPublicKey) publicKey).getModulus().bitLength();
  }

  /**
   * The Sigstore bundle {@code publicKey.hint}: base64 of SHA-256 over the DER SubjectPublicKeyInfo
   * (as sigstore-go's pkg/sign/keys.go computes it). A hint only: verifiers get the key out of band.
   */
  public String hint() {
    return Base64.getEncoder().encodeToString(Keys.spkiSha256(publicKey));
  }

  /** {@code sha256:<hex>} of the SubjectPublicKeyInfo, the fingerprint airlock's verdicts show. */
  public String fingerprint() {
    return "sha256:" + Hashing.hex(Keys.spkiSha256(publicKey));
  }

  /**
   * Signs {@code data} with {@code algorithm} and verifies the result with the public key.
   *
   * @throws IllegalStateException if the algorithm does not fit the key or the check fails
   */
  public byte[] sign(SignatureAlgorithm algorithm, byte[] data) {
    byte[] sig = Signatures.sign(privateKey, algorithm, data);
    try {
      Signatures.verify(publicKey, algorithm, data, sig);
    } catch (InvalidSignatureException e) {
      throw new IllegalStateException("the new signature does not verify with the key's public key: " + e.getMessage(), e);
    }
    return sig;
  }

  /** Signs with {@link #algorithm()}. */
  public byte[] sign(byte[] data) {
    return sign(algorithm(), data);
  }

  @Override
  public String toString() {
    return "SigningKey[" + describe() + ", " + fingerprint() + "]";
  }
}
