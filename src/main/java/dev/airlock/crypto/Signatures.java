package dev.airlock.crypto;

import dev.airlock.crypto.InvalidSignatureException.Problem;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.bouncycastle.crypto.AsymmetricBlockCipher;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.encodings.PKCS1Encoding;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.PSSSigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PrivateKeyFactory;

/**
 * The crypto chokepoint for signatures (STYLE.md rules 4 and 5): verify returns normally or throws
 * {@link InvalidSignatureException}; malformed encodings and runtime exceptions of the crypto
 * library count as invalid, never as valid.
 *
 * <p>Signatures are computed with Bouncy Castle's lightweight API ({@code org.bouncycastle.crypto}),
 * not through a JCA provider: no provider is constructed or registered, and public keys are
 * converted to BC key parameters once per key ({@link KeyParams}). Message hashes come from the
 * JDK ({@link Hashing}).
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
    KeyParams.Entry k = keyFor(key, algorithm);
    if (signature == null || signature.length == 0) {
      throw new InvalidSignatureException(Problem.MALFORMED, "empty signature");
    }
    if (algorithm == SignatureAlgorithm.ED25519 && signature.length != 64) {
      throw new InvalidSignatureException(Problem.MALFORMED,
          "Ed25519 signature must be 64 bytes, got " + signature.length);
    }
    if (data == null) {
      throw new InvalidSignatureException(Problem.MALFORMED, "no signed data");
    }
    try {
      if (algorithm == SignatureAlgorithm.ED25519) {
        verifyEd25519((Ed25519PublicKeyParameters) k.params(), data, signature);
      } else {
        verifyDigest(k, algorithm, Hashing.get(algorithm.hash()).digest(data), signature);
      }
    } catch (RuntimeException e) {
      throw new InvalidSignatureException(Problem.MALFORMED, "signature check failed: " + e, e);
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
    KeyParams.Entry k = keyFor(key, algorithm);
    if (signature == null || signature.length == 0) {
      throw new InvalidSignatureException(Problem.MALFORMED, "empty signature");
    }
    if (algorithm == SignatureAlgorithm.ED25519) {
      throw new InvalidSignatureException(Problem.UNSUPPORTED,
          "Ed25519 signatures cannot be verified against a digest; supply the artifact");
    }
    if (digest == null || digest.length != algorithm.hashLength()) {
      throw new InvalidSignatureException(Problem.MISMATCH,
          "digest of " + (digest == null ? 0 : digest.length) + " bytes does not fit " + algorithm);
    }
    try {
      verifyDigest(k, algorithm, digest.clone(), signature);
    } catch (RuntimeException e) {
      throw new InvalidSignatureException(Problem.MALFORMED, "signature check failed: " + e, e);
    }
  }

  /** ECDSA, RSA PKCS#1 v1.5 or RSA-PSS over a message digest of {@code algorithm.hashLength()} bytes. */
  private static void verifyDigest(KeyParams.Entry k, SignatureAlgorithm algorithm, byte[] digest, byte[] signature)
      throws InvalidSignatureException {
    boolean ok;
    if (algorithm.isEcdsa()) {
      ECPublicKeyParameters p = (ECPublicKeyParameters) k.params();
      BigInteger[] rs = decodeEcdsaDer(signature, p.getParameters().getN());
      ECDSASigner s = new ECDSASigner();
      s.init(false, p);
      // SEC 1 v2 section 4.1.4: the digest is truncated to the bit length of n (P-384 with SHA-512 etc.)
      ok = s.verifySignature(digest, rs[0], rs[1]);
    } else if (algorithm == SignatureAlgorithm.RSA_PSS_SHA256) {
      // RFC 8017 section 8.1.2 / 9.1.2, with the parameters of the allow-list: SHA-256, MGF1-SHA-256,
      // salt length 32, trailer 0xbc. The raw signer takes the message hash (EMSA-PSS step 2).
      PSSSigner s = PSSSigner.createRawSigner(new RSABlindedEngine(), new SHA256Digest(), new SHA256Digest(),
          32, PSSSigner.TRAILER_IMPLICIT);
      s.init(false, k.params());
      s.update(digest, 0, digest.length);
      ok = s.verifySignature(signature);
    } else {
      ok = pkcs1Matches((RSAKeyParameters) k.params(), algorithm, digest, signature);
    }
    if (!ok) {
      throw new InvalidSignatureException(Problem.MISMATCH, "signature does not verify");
    }
  }

  private static void verifyEd25519(Ed25519PublicKeyParameters key, byte[] data, byte[] signature)
      throws InvalidSignatureException {
    Ed25519Signer s = new Ed25519Signer();
    s.init(false, key);
    s.update(data, 0, data.length);
    // RFC 8032 section 5.1.7; BC rejects S >= L and undecodable R or A
    if (!s.verifySignature(signature)) {
      throw new InvalidSignatureException(Problem.MISMATCH, "signature does not verify");
    }
  }

  // ---- RSA PKCS#1 v1.5 ------------------------------------------------------------------------

  /**
   * The DER DigestInfo prefixes of RFC 8017 section 9.2, note 1 (hash OID with a NULL parameter),
   * and the same without the NULL. RFC 8017 section 9.2 note 2 lets verifiers accept the form
   * without NULL; the Bouncy Castle provider airlock used before does, so this keeps accepting it.
   */
  private static final byte[] DI_SHA256 = Hashing.unhex("3031300d060960864801650304020105000420");
  private static final byte[] DI_SHA384 = Hashing.unhex("3041300d060960864801650304020205000430");
  private static final byte[] DI_SHA512 = Hashing.unhex("3051300d060960864801650304020305000440");
  private static final byte[] DI_SHA256_NO_NULL = Hashing.unhex("302f300b06096086480165030402010420");
  private static final byte[] DI_SHA384_NO_NULL = Hashing.unhex("303f300b06096086480165030402020430");
  private static final byte[] DI_SHA512_NO_NULL = Hashing.unhex("304f300b06096086480165030402030440");

  /**
   * RSASSA-PKCS1-v1_5-VERIFY (RFC 8017 section 8.2.2): RSAVP1, then the encoded message (type 1
   * padding removed by {@link PKCS1Encoding}) must be exactly the DigestInfo of {@code digest} under
   * {@code algorithm}'s hash; any other hash OID, trailing or missing byte fails.
   */
  private static boolean pkcs1Matches(RSAKeyParameters key, SignatureAlgorithm algorithm, byte[] digest, byte[] sig) {
    byte[] decoded;
    try {
      AsymmetricBlockCipher rsa = new PKCS1Encoding(new RSABlindedEngine());
      rsa.init(false, key);
      decoded = rsa.processBlock(sig, 0, sig.length);
    } catch (InvalidCipherTextException | RuntimeException e) {
      return false; // wrong length, value >= n or not a type 1 block: as the provider did, "does not verify"
    }
    byte[][] prefixes = switch (algorithm.hash()) {
      case "SHA-384" -> new byte[][] {DI_SHA384, DI_SHA384_NO_NULL};
      case "SHA-512" -> new byte[][] {DI_SHA512, DI_SHA512_NO_NULL};
      default -> new byte[][] {DI_SHA256, DI_SHA256_NO_NULL};
    };
    boolean ok = false;
    for (byte[] prefix : prefixes) {
      ok |= MessageDigest.isEqual(decoded, concat(prefix, digest));
    }
    return ok;
  }

  private static byte[] digestInfo(SignatureAlgorithm algorithm, byte[] digest) {
    byte[] prefix = switch (algorithm.hash()) {
      case "SHA-384" -> DI_SHA384;
      case "SHA-512" -> DI_SHA512;
      default -> DI_SHA256;
    };
    return concat(prefix, digest);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  // ---- ECDSA signature encoding ----------------------------------------------------------------

  /**
   * Strict DER decoding of an ECDSA signature, {@code Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER,
   * s INTEGER }} (RFC 3279 section 2.2.3; DER per X.690 (02/2021) sections 8.1.3, 8.3.2 and 10.1):
   * exactly one SEQUENCE holding exactly two INTEGERs, definite minimal lengths, minimal two's
   * complement contents, nothing before or after. r and s must lie in [1, n-1] (SEC 1 v2 section
   * 4.1.4 step 1). High-S values are valid, as in Go's crypto/ecdsa and cosign.
   *
   * @throws InvalidSignatureException {@link Problem#MALFORMED} on any deviation
   */
  static BigInteger[] decodeEcdsaDer(byte[] sig, BigInteger n) throws InvalidSignatureException {
    if (sig.length < 8 || sig[0] != 0x30) {
      throw malformed("not a DER SEQUENCE");
    }
    int len = sig[1] & 0xff;
    int pos = 2;
    if (len == 0x81) {
      len = sig[2] & 0xff;
      pos = 3;
      if (len < 0x80) {
        throw malformed("non-minimal SEQUENCE length");
      }
    } else if (len >= 0x80) {
      throw malformed("SEQUENCE length form not allowed");
    }
    if (pos + len != sig.length) {
      throw malformed(pos + len < sig.length ? (sig.length - pos - len) + " bytes after the SEQUENCE"
          : "SEQUENCE longer than the signature");
    }
    int[] at = {pos};
    BigInteger r = derPositiveInteger(sig, at, "r");
    BigInteger s = derPositiveInteger(sig, at, "s");
    if (at[0] != sig.length) {
      throw malformed("extra data inside the SEQUENCE");
    }
    if (r.signum() <= 0 || r.compareTo(n) >= 0) {
      throw malformed("r is not in [1, n-1]");
    }
    if (s.signum() <= 0 || s.compareTo(n) >= 0) {
      throw malformed("s is not in [1, n-1]");
    }
    return new BigInteger[] {r, s};
  }

  /** One INTEGER at {@code at[0]}; advances {@code at[0]} past it. */
  private static BigInteger derPositiveInteger(byte[] sig, int[] at, String name) throws InvalidSignatureException {
    int p = at[0];
    if (p + 2 > sig.length || sig[p] != 0x02) {
      throw malformed(name + " is not an INTEGER");
    }
    int len = sig[p + 1] & 0xff;
    // an INTEGER below any allowed n has at most 67 content octets: short-form length only
    if (len == 0 || len >= 0x80 || p + 2 + len > sig.length) {
      throw malformed(name + ": bad INTEGER length");
    }
    int c = p + 2;
    if ((sig[c] & 0x80) != 0) {
      throw malformed(name + " is negative");
    }
    if (sig[c] == 0 && len > 1 && (sig[c + 1] & 0x80) == 0) {
      throw malformed(name + ": non-minimal INTEGER encoding");
    }
    at[0] = c + len;
    return new BigInteger(1, sig, c, len);
  }

  private static InvalidSignatureException malformed(String why) {
    return new InvalidSignatureException(Problem.MALFORMED, "malformed ECDSA signature: " + why);
  }

  // ---- signing ---------------------------------------------------------------------------------

  /**
   * Signs (audit checkpoints, test lab). ECDSA uses RFC 6979 deterministic nonces (HMAC with the
   * message hash) and DER output; Ed25519 is deterministic by definition; RSA PKCS#1 v1.5 and
   * RSA-PSS (SHA-256, MGF1-SHA-256, random 32-byte salt).
   *
   * @throws IllegalStateException if the key cannot be read or does not fit {@code algorithm}
   */
  public static byte[] sign(PrivateKey key, SignatureAlgorithm algorithm, byte[] data) {
    AsymmetricKeyParameter p;
    try {
      byte[] pkcs8 = key.getEncoded();
      if (pkcs8 == null) {
        throw new IllegalStateException("cannot sign with " + algorithm + ": the private key has no PKCS#8 encoding");
      }
      p = PrivateKeyFactory.createKey(pkcs8);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot sign with " + algorithm + ": unreadable private key", e);
    }
    try {
      if (algorithm == SignatureAlgorithm.ED25519) {
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, requireType(p, Ed25519PrivateKeyParameters.class, algorithm));
        s.update(data, 0, data.length);
        return s.generateSignature();
      }
      if (algorithm.isEcdsa()) {
        ECPrivateKeyParameters ec = requireType(p, ECPrivateKeyParameters.class, algorithm);
        if (!(ec.getParameters() instanceof ECNamedDomainParameters named)
            || !algorithm.curve().equals(KeyParams.curveName(named.getName()))) {
          throw new IllegalStateException("cannot sign with " + algorithm + ": the key is not on " + algorithm.curve());
        }
        ECDSASigner s = new ECDSASigner(new HMacDSAKCalculator(bcDigest(algorithm)));
        s.init(true, ec);
        BigInteger[] rs = s.generateSignature(Hashing.get(algorithm.hash()).digest(data));
        return StandardDSAEncoding.INSTANCE.encode(ec.getParameters().getN(), rs[0], rs[1]);
      }
      RSAKeyParameters rsa = requireType(p, RSAKeyParameters.class, algorithm);
      if (algorithm == SignatureAlgorithm.RSA_PSS_SHA256) {
        PSSSigner s = new PSSSigner(new RSABlindedEngine(), new SHA256Digest(), new SHA256Digest(), 32,
            PSSSigner.TRAILER_IMPLICIT);
        s.init(true, rsa);
        s.update(data, 0, data.length);
        return s.generateSignature();
      }
      AsymmetricBlockCipher c = new PKCS1Encoding(new RSABlindedEngine());
      c.init(true, rsa);
      byte[] di = digestInfo(algorithm, Hashing.get(algorithm.hash()).digest(data));
      return c.processBlock(di, 0, di.length);
    } catch (IOException | CryptoException | RuntimeException e) {
      if (e instanceof IllegalStateException ise) {
        throw ise;
      }
      throw new IllegalStateException("cannot sign with " + algorithm, e);
    }
  }

  private static <T> T requireType(AsymmetricKeyParameter p, Class<T> type, SignatureAlgorithm algorithm) {
    if (!type.isInstance(p) || !p.isPrivate()) {
      throw new IllegalStateException("cannot sign with " + algorithm + ": key is " + p.getClass().getSimpleName());
    }
    return type.cast(p);
  }

  /** The RFC 6979 HMAC hash: the message hash (RFC 6979 section 3.2). */
  private static Digest bcDigest(SignatureAlgorithm algorithm) {
    return switch (algorithm.hash()) {
      case "SHA-384" -> new SHA384Digest();
      case "SHA-512" -> new SHA512Digest();
      default -> new SHA256Digest();
    };
  }

  // ---- key fit ---------------------------------------------------------------------------------

  /**
   * The key's BC parameters if it fits {@code algorithm}: an ECDSA entry needs a key on its named
   * curve, RSA entries an RSA key, Ed25519 an Ed25519 key.
   *
   * @throws InvalidSignatureException {@link Problem#UNSUPPORTED} otherwise, or if the key is not
   *     an allowed, valid key at all
   */
  static KeyParams.Entry keyFor(PublicKey key, SignatureAlgorithm algorithm) throws InvalidSignatureException {
    KeyParams.Entry k;
    try {
      k = KeyParams.of(key);
    } catch (KeyParams.Refused e) {
      throw new InvalidSignatureException(Problem.UNSUPPORTED,
          "key " + (key == null ? "null" : key.getAlgorithm()) + " cannot be used with " + algorithm + ": " + e.getMessage(), e);
    }
    boolean fits;
    if (algorithm.isEcdsa()) {
      fits = k.kind() == KeyParams.Kind.EC && algorithm.curve().equals(k.curve());
    } else if (algorithm.isRsa()) {
      fits = k.kind() == KeyParams.Kind.RSA;
    } else {
      fits = k.kind() == KeyParams.Kind.ED25519;
    }
    if (!fits) {
      throw new InvalidSignatureException(Problem.UNSUPPORTED,
          "key " + key.getAlgorithm() + (k.curve() == null ? "" : " " + k.curve()) + " does not fit algorithm " + algorithm);
    }
    return k;
  }
}
