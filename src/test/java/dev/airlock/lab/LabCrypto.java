package dev.airlock.lab;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * The lab's own crypto: key generation from a seed and signing. Deliberately independent of
 * {@code dev.airlock.crypto} so that the lab's output can test airlock's verifier (a bug shared by
 * both would otherwise go unnoticed).
 *
 * <p>Determinism: keys come from a SHA1PRNG seeded with (lab seed, label); ECDSA signs with
 * RFC 6979 deterministic nonces (BC "ECDDSA"); Ed25519 and RSA PKCS#1 are deterministic; RSA-PSS
 * salts come from the seeded generator.
 */
public final class LabCrypto {
  /** Bouncy Castle, used as an instance (not installed globally). */
  public static final java.security.Provider BC = provider();

  private LabCrypto() {}

  private static java.security.Provider provider() {
    java.security.Provider p = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
    return p != null ? p : new BouncyCastleProvider();
  }

  /** The kinds of signing keys the lab makes; names follow Sigstore's PublicKeyDetails. */
  public enum KeyKind {
    ECDSA_P256("PKIX_ECDSA_P256_SHA_256", "SHA256withECDDSA"),
    ECDSA_P384("PKIX_ECDSA_P384_SHA_384", "SHA384withECDDSA"),
    RSA_PKCS1_2048("PKIX_RSA_PKCS1V15_2048_SHA256", "SHA256withRSA"),
    RSA_PKCS1_3072("PKIX_RSA_PKCS1V15_3072_SHA256", "SHA256withRSA"),
    RSA_PKCS1_4096("PKIX_RSA_PKCS1V15_4096_SHA256", "SHA256withRSA"),
    RSA_PSS_2048("PKIX_RSA_PSS_2048_SHA256", "SHA256withRSAandMGF1"),
    RSA_PSS_3072("PKIX_RSA_PSS_3072_SHA256", "SHA256withRSAandMGF1"),
    RSA_PSS_4096("PKIX_RSA_PSS_4096_SHA256", "SHA256withRSAandMGF1"),
    ED25519("PKIX_ED25519", "Ed25519");

    /** The protobuf-specs PublicKeyDetails name (trusted_root keyDetails, Rekor v2 verifier). */
    public final String keyDetails;
    /** JCA signature algorithm (BC names) the lab signs with. */
    public final String jcaSignature;

    KeyKind(String keyDetails, String jcaSignature) {
      this.keyDetails = keyDetails;
      this.jcaSignature = jcaSignature;
    }

    /** RSA modulus size, or 0. */
    public int rsaBits() {
      return name().startsWith("RSA") ? Integer.parseInt(name().substring(name().length() - 4)) : 0;
    }

    /** The hash the signature scheme uses over the message ("SHA-256" / "SHA-384"); null for Ed25519. */
    public String hash() {
      return this == ED25519 ? null : this == ECDSA_P384 ? "SHA-384" : "SHA-256";
    }
  }

  /** A SecureRandom that yields the same stream for the same (seed, label). */
  public static SecureRandom seeded(long seed, String label) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed((seed + "/" + label).getBytes(StandardCharsets.UTF_8));
      return r;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A key pair of the given kind, deterministic in (seed, label). */
  public static KeyPair generate(KeyKind kind, long seed, String label) {
    SecureRandom r = seeded(seed, label);
    try {
      switch (kind) {
        case ECDSA_P256:
        case ECDSA_P384: {
          KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
          g.initialize(new ECGenParameterSpec(kind == KeyKind.ECDSA_P256 ? "secp256r1" : "secp384r1"), r);
          return g.generateKeyPair();
        }
        case ED25519: {
          KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519", BC);
          g.initialize(255, r);
          return g.generateKeyPair();
        }
        default: {
          KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", BC);
          g.initialize(new RSAKeyGenParameterSpec(kind.rsaBits(), BigInteger.valueOf(65537)), r);
          return g.generateKeyPair();
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate " + kind, e);
    }
  }

  /** Signs {@code data} as the given key kind signs (ECDSA: DER, RFC 6979 nonce). */
  public static byte[] sign(KeyKind kind, PrivateKey key, byte[] data) {
    try {
      Signature s = Signature.getInstance(kind.jcaSignature, BC);
      if (kind.name().startsWith("RSA_PSS")) {
        s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        s.initSign(key, seeded(Arrays.hashCode(data), "pss-salt"));
      } else {
        s.initSign(key);
      }
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with " + kind, e);
    }
  }

  /** Plain JCA verification (for the lab's self-tests); returns false on any failure. */
  public static boolean verifies(String jcaAlg, PublicKey key, byte[] data, byte[] sig) {
    try {
      Signature s = Signature.getInstance(jcaAlg, BC);
      s.initVerify(key);
      s.update(data);
      return s.verify(sig);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  public static byte[] sha256(byte[]... parts) {
    return digest("SHA-256", parts);
  }

  public static byte[] digest(String alg, byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance(alg);
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  public static byte[] unhexOrFail(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  public static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  public static byte[] unb64(String s) {
    return Base64.getDecoder().decode(s);
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** PEM text with the given type, as cosign and Rekor write it (64-column base64, trailing newline). */
  public static String pem(String type, byte[] der) {
    try (StringWriter sw = new StringWriter(); PemWriter w = new PemWriter(sw)) {
      w.writeObject(new PemObject(type, der));
      w.flush();
      return sw.toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String publicKeyPem(PublicKey key) {
    return pem("PUBLIC KEY", key.getEncoded());
  }

  /** DSSE v1 pre-authentication encoding; LEN is the UTF-8 byte length (DSSE protocol.md). */
  public static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = utf8(payloadType);
    byte[] head = utf8("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ");
    byte[] out = Arrays.copyOf(head, head.length + payload.length);
    System.arraycopy(payload, 0, out, head.length, payload.length);
    return out;
  }
}
