package dev.airlock.verify;

import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.crypto.Keys;
import dev.airlock.crypto.SignatureAlgorithm;
import dev.airlock.crypto.Signatures;
import dev.airlock.trust.ValidityWindow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The key and the signature: which key verifies (the certificate's, or the supplied one; checks
 * {@code identity.policy}, {@code key.match}, {@code key.present}, {@code key.algorithm}), then the
 * signature over the artifact (message signatures: {@code artifact.digest}, {@code signature}) or
 * over the DSSE pre-authentication encoding ({@code signature}, then the statement), and for a key
 * with a validity window {@code key.window}. Like sigstore-go pkg/verify/signature.go: the
 * bundle's messageDigest only identifies the artifact, the signature is checked over the
 * artifact's own bytes or digest.
 */
final class SignatureCheck {
  static final String INTOTO = "application/vnd.in-toto+json";

  private SignatureCheck() {}

  /** The verifying key: the leaf certificate's (keyless) or the supplied one. */
  record SigningKey(X509Certificate leaf, PublicKey key, SignatureAlgorithm algorithm) {}

  /** Chooses the key; returns null when a check failed (the failure is in {@code run}). */
  static SigningKey select(VerificationRun run, Bundle b) {
    VerifyOptions o = run.options;
    X509Certificate leaf = b.keyless() ? b.certificates().get(0) : null;
    PublicKey key;
    if (leaf != null) {
      run.kind = "keyless";
      if (!o.hasIdentityPolicy() && !o.withoutIdentity()) {
        run.fail("identity.policy", new Denial(Reason.IDENTITY_POLICY_MISSING,
            "keyless verification needs --certificate-identity and --certificate-oidc-issuer"));
        return null;
      }
      key = leaf.getPublicKey();
      if (o.key() != null && !MessageDigest.isEqual(o.key().getEncoded(), key.getEncoded())) {
        run.fail("key.match", new Denial(Reason.KEY_MISMATCH, "the certificate's key is not the supplied key"));
        return null;
      }
    } else {
      run.kind = "key";
      if (o.key() == null) {
        run.fail("key.present", new Denial(Reason.KEY_MISSING, "the bundle is key-based and no key was supplied"));
        return null;
      }
      key = o.key();
      run.identity = "sha256:" + Hashing.hex(Keys.spkiSha256(key));
    }
    SignatureAlgorithm alg;
    try {
      alg = Keys.defaultAlgorithm(key);
    } catch (Keys.KeyException e) {
      run.fail("key.algorithm", new Denial(Reason.KEY_ALGORITHM_UNSUPPORTED, e.getMessage()));
      return null;
    }
    // a P-384 key may sign with SHA-256 (sigstore-python v0.1 bundles): the bundle's messageDigest
    // algorithm names the hash; the allow-list has exactly this pairing
    if (alg == SignatureAlgorithm.ECDSA_P384_SHA384 && "SHA2_256".equals(b.digestAlgorithm())) {
      alg = SignatureAlgorithm.ECDSA_P384_SHA256;
    }
    return new SigningKey(leaf, key, alg);
  }

  /** The signature (and a DSSE statement's subject); false when a check failed. */
  static boolean verify(VerificationRun run, Bundle b, Artifact artifact, SigningKey k, boolean checkDsseSubject) {
    // ---- the signature over the artifact or the DSSE envelope -------------------------------
    if (b.dsse() == null) {
      if (!run.step("artifact.digest", () -> checkMessageDigest(b, artifact))) {
        return false;
      }
      if (!run.step("signature", () -> verifyMessage(k.key(), k.algorithm(), b, artifact))) {
        return false;
      }
    } else {
      if (!run.step("signature", () -> verifyDsse(k.key(), k.algorithm(), b.dsse()))) {
        return false;
      }
      if (checkDsseSubject && !run.step("dsse.statement", () -> StatementCheck.check(run, b.dsse(), artifact))) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code key.window}: a key-based signature whose authority has a validity window must be
   * within it at every verified time (at the trusted now when none is verified).
   */
  static void keyWindow(VerificationRun run, List<Instant> times) {
    VerifyOptions o = run.options;
    if (o.keyWindow() == null || o.keyWindow() == ValidityWindow.ALWAYS) {
      return;
    }
    run.step("key.window", () -> {
      List<Instant> at = times;
      if (at.isEmpty() && o.trustedNow() != null) {
        // DESIGN.md 6a "Key authorities": a signature without a verified time is judged at the
        // appliance's now
        at = List.of(o.trustedNow());
      }
      if (at.isEmpty()) {
        throw new Denial(Reason.SIGNING_TIME_MISSING, "the key has a validity window and no signing time is verified");
      }
      for (Instant t : at) {
        if (!o.keyWindow().contains(t)) {
          throw new Denial(Reason.KEY_NOT_VALID_AT_TIME, "key not valid at the signing time",
              o.keyWindow().toString(), t.toString());
        }
      }
      return null;
    });
  }

  private static String digestAlgorithm(String proto) throws Denial {
    if (proto == null) {
      return null;
    }
    return switch (proto) {
      case "SHA2_256", "sha256" -> "sha256";
      case "SHA2_384", "sha384" -> "sha384";
      case "SHA2_512", "sha512" -> "sha512";
      default -> throw new Denial(Reason.BUNDLE_MALFORMED, "unsupported messageDigest algorithm " + proto);
    };
  }

  private static String checkMessageDigest(Bundle b, Artifact artifact) throws Denial {
    if (b.messageDigest() == null) {
      return "no messageDigest";
    }
    String alg = digestAlgorithm(b.digestAlgorithm());
    if (alg == null) {
      throw new Denial(Reason.BUNDLE_MALFORMED, "messageDigest without algorithm");
    }
    byte[] want = artifact.digest(alg);
    if (want == null || !MessageDigest.isEqual(want, b.messageDigest())) {
      throw new Denial(Reason.MESSAGE_DIGEST_MISMATCH, "the bundle's messageDigest is not the artifact digest",
          want == null ? artifact.toString() : alg + ":" + Hashing.hex(want), alg + ":" + Hashing.hex(b.messageDigest()));
    }
    return alg;
  }

  private static String verifyMessage(PublicKey key, SignatureAlgorithm alg, Bundle b, Artifact artifact)
      throws Denial {
    try {
      if (artifact.hasBytes()) {
        verifyAny(key, alg, artifact.bytesUnsafe(), b.signature());
      } else {
        String hashAlg = switch (alg) {
          case ECDSA_P384_SHA384, RSA_PKCS1_SHA384 -> "sha384";
          case ECDSA_P521_SHA512, RSA_PKCS1_SHA512 -> "sha512";
          default -> "sha256";
        };
        byte[] d = artifact.digest(hashAlg);
        if (d == null) {
          throw new Denial(Reason.ARTIFACT_DIGEST_MISMATCH,
              "the signature uses " + hashAlg + " and only a " + artifact.algorithm() + " digest was given");
        }
        try {
          Signatures.verifyPrehashed(key, alg, d, b.signature());
        } catch (InvalidSignatureException e) {
          if (alg != SignatureAlgorithm.RSA_PKCS1_SHA256) {
            throw e;
          }
          Signatures.verifyPrehashed(key, SignatureAlgorithm.RSA_PSS_SHA256, d, b.signature());
        }
      }
    } catch (InvalidSignatureException e) {
      throw sigDenial(e);
    }
    return alg.name();
  }

  /**
   * Verifies under the key's algorithm; an RSA key (whose SPKI does not say PKCS#1 v1.5 or PSS)
   * may sign with either scheme of the allow-list, as cosign's RSA-PSS signing algorithms do.
   */
  private static void verifyAny(PublicKey key, SignatureAlgorithm alg, byte[] data, byte[] sig)
      throws InvalidSignatureException {
    try {
      Signatures.verify(key, alg, data, sig);
    } catch (InvalidSignatureException e) {
      if (alg != SignatureAlgorithm.RSA_PKCS1_SHA256) {
        throw e;
      }
      Signatures.verify(key, SignatureAlgorithm.RSA_PSS_SHA256, data, sig);
    }
  }

  private static Denial sigDenial(InvalidSignatureException e) {
    return switch (e.problem()) {
      case MALFORMED -> new Denial(Reason.SIGNATURE_MALFORMED, e.getMessage());
      case UNSUPPORTED -> new Denial(Reason.KEY_ALGORITHM_UNSUPPORTED, e.getMessage());
      default -> new Denial(Reason.SIGNATURE_INVALID, e.getMessage());
    };
  }

  /** DSSE v1 pre-authentication encoding, with byte lengths (secure-systems-lab/dsse protocol.md). */
  static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    byte[] head = ("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ")
        .getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + payload.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(payload, 0, out, head.length, payload.length);
    return out;
  }

  private static String verifyDsse(PublicKey key, SignatureAlgorithm alg, Bundle.Dsse d) throws Denial {
    if (!INTOTO.equals(d.payloadType())) {
      throw new Denial(Reason.DSSE_PAYLOAD_TYPE_UNSUPPORTED, "DSSE payloadType", INTOTO, d.payloadType());
    }
    try {
      verifyAny(key, alg, pae(d.payloadType(), d.payload()), d.signature());
    } catch (InvalidSignatureException e) {
      throw sigDenial(e);
    }
    return alg.name();
  }
}
