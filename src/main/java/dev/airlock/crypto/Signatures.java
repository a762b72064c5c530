package dev.airlock.crypto;

import dev.airlock.crypto.InvalidSignatureException.Problem;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * The crypto chokepoint for signatures (STYLE.md rules 4 and 5): verify returns normally or throws
 * {@link InvalidSignatureException}; malformed encodings and provider runtime exceptions count as
 * invalid, never as valid.
 */
public final class Signatures {
  private Signatures() {}

  /**
   * Verifies {@code signature} over {@code data} with {@code key} under {@code algorithm}.
   *
   * @throws InvalidSignatureException if the signature does not verify, is malformed, or the key
   *     does not fit the algorithm
   */
  public static void verify(PublicKey key, SignatureAlgorithm algorithm, byte[] data, byte[] signature)
      throws InvalidSignatureException {
    checkKeyFits(key, algorithm);
    if (signature == null || signature.length == 0) {
      throw new InvalidSignatureException(Problem.MALFORMED, "empty signature");
    }
    if (algorithm == SignatureAlgorithm.ED25519 && signature.length != 64) {
      throw new InvalidSignatureException(Problem.MALFORMED,
          "Ed25519 signature must be 64 bytes, got " + signature.length);
    }
    boolean ok;
    try {
      Signature s = instance(algorithm);
      s.initVerify(key);
      s.update(data);
      ok = s.verify(signature);
    } catch (java.security.SignatureException e) {
      throw new InvalidSignatureException(Problem.MALFORMED, "malformed signature: " + e.getMessage(), e);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new InvalidSignatureException(Problem.MALFORMED, "signature check failed: " + e, e);
    }
    if (!ok) {
      throw new InvalidSignatureException(Problem.MISMATCH, "signature does not verify");
    }
  }

  /** Verifies with the key's default algorithm (see {@link Keys#defaultAlgorithm}). */
  public static void verify(PublicKey key, byte[] data, byte[] signature)
      throws InvalidSignatureException {
    SignatureAlgorithm alg;
    try {
      alg = Keys.defaultAlgorithm(key);
    } catch (Keys.KeyException e) {
      throw new InvalidSignatureException(Problem.UNSUPPORTED, e.getMessage(), e);
    }
    verify(key, alg, data, signature);
  }

  /**
   * Verifies {@code signature} over a message of which only the digest is known (Sigstore
   * "prehashed" verification, used when the artifact is given as {@code sha256:<hex>}). ECDSA signs
   * the digest directly; RSA PKCS#1 v1.5 wraps it in a DigestInfo; RSA-PSS uses the raw PSS
   * engine. Ed25519 (pure) cannot verify a prehashed message and is refused as unsupported.
   *
   * @param digest the message digest computed with {@code algorithm}'s hash
   * @throws InvalidSignatureException as {@link #verify(PublicKey, SignatureAlgorithm, byte[], byte[])}
   */
  public static void verifyPrehashed(PublicKey key, SignatureAlgorithm algorithm, byte[] digest, byte[] signature)
      throws InvalidSignatureException {
    checkKeyFits(key, algorithm);
    if (signature == null || signature.length == 0) {
      throw new InvalidSignatureException(Problem.MALFORMED, "empty signature");
    }
    if (algorithm == SignatureAlgorithm.ED25519) {
      throw new InvalidSignatureException(Problem.UNSUPPORTED,
          "Ed25519 signatures cannot be verified against a digest; supply the artifact");
    }
    int hashLen = switch (algorithm) {
      case ECDSA_P384_SHA384, RSA_PKCS1_SHA384 -> 48;
      case ECDSA_P521_SHA512, RSA_PKCS1_SHA512 -> 64;
      default -> 32;
    };
    if (digest == null || digest.length != hashLen) {
      throw new InvalidSignatureException(Problem.MISMATCH,
          "digest of " + (digest == null ? 0 : digest.length) + " bytes does not fit " + algorithm);
    }
    boolean ok;
    try {
      Signature s;
      byte[] data = digest;
      if (algorithm.isEcdsa()) {
        s = Signature.getInstance("NONEwithECDSA", Provider.BC);
      } else if (algorithm == SignatureAlgorithm.RSA_PSS_SHA256) {
        s = Signature.getInstance("RAWRSASSA-PSS", Provider.BC);
        s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
      } else {
        s = Signature.getInstance("NONEwithRSA", Provider.BC);
        String oid = switch (hashLen) {
          case 48 -> "2.16.840.1.101.3.4.2.2";
          case 64 -> "2.16.840.1.101.3.4.2.3";
          default -> "2.16.840.1.101.3.4.2.1";
        };
        data = new org.bouncycastle.asn1.x509.DigestInfo(
            new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                new org.bouncycastle.asn1.ASN1ObjectIdentifier(oid), org.bouncycastle.asn1.DERNull.INSTANCE),
            digest).getEncoded("DER");
      }
      s.initVerify(key);
      s.update(data);
      ok = s.verify(signature);
    } catch (java.security.SignatureException e) {
      throw new InvalidSignatureException(Problem.MALFORMED, "malformed signature: " + e.getMessage(), e);
    } catch (GeneralSecurityException | java.io.IOException | RuntimeException e) {
      throw new InvalidSignatureException(Problem.MALFORMED, "signature check failed: " + e, e);
    }
    if (!ok) {
      throw new InvalidSignatureException(Problem.MISMATCH, "signature does not verify");
    }
  }

  /** Signs (audit checkpoints, test lab). */
  public static byte[] sign(PrivateKey key, SignatureAlgorithm algorithm, byte[] data) {
    try {
      Signature s = instance(algorithm);
      s.initSign(key);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with " + algorithm, e);
    }
  }

  private static Signature instance(SignatureAlgorithm algorithm) throws GeneralSecurityException {
    Signature s = Signature.getInstance(algorithm.jcaName(), Provider.BC);
    if (algorithm == SignatureAlgorithm.RSA_PSS_SHA256) {
      s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    }
    return s;
  }

  private static void checkKeyFits(PublicKey key, SignatureAlgorithm algorithm)
      throws InvalidSignatureException {
    boolean fits;
    if (algorithm.isEcdsa()) {
      fits = algorithm.curve().equals(Keys.curveOf(key));
    } else if (algorithm.isRsa()) {
      fits = key instanceof java.security.interfaces.RSAPublicKey;
    } else {
      fits = Keys.isEd25519(key);
    }
    if (!fits) {
      throw new InvalidSignatureException(Problem.UNSUPPORTED,
          "key " + key.getAlgorithm() + " does not fit algorithm " + algorithm);
    }
  }
}
