package dev.airlock.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.crypto.Keys;
import dev.airlock.crypto.SignatureAlgorithm;
import dev.airlock.crypto.Signatures;
import java.nio.charset.StandardCharsets;
import dev.sigstore.tuf.encryption.Verifiers;
import dev.sigstore.tuf.model.Key;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.util.HashSet;
import java.util.Set;

/**
 * TUF key objects and threshold signature checks for metadata airlock verifies itself (delegated
 * targets roles, which sigstore-java 2.0.0 does not resolve). TUF spec v1.0.34 section 4.2/5.6.7.
 */
final class TufKeys {
  private TufKeys() {}

  record TufKey(PublicKey key, SignatureAlgorithm algorithm) {}

  /** Parses {@code {"keytype","scheme","keyval":{"public"}}}. */
  static TufKey parse(JsonNode k, String where) {
    String scheme = k.path("scheme").asText("");
    String pub = k.path("keyval").path("public").asText("");
    try {
      SignatureAlgorithm alg = switch (scheme) {
        case "ed25519" -> SignatureAlgorithm.ED25519;
        case "ecdsa-sha2-nistp256" -> SignatureAlgorithm.ECDSA_P256_SHA256;
        case "ecdsa-sha2-nistp384" -> SignatureAlgorithm.ECDSA_P384_SHA384;
        case "rsassa-pss-sha256" -> SignatureAlgorithm.RSA_PSS_SHA256;
        default -> throw AirlockException.denied(Reason.TUF_MALFORMED, where + ": key scheme '" + scheme + "' is not supported");
      };
      PublicKey key;
      if (pub.contains("-----BEGIN")) {
        key = Keys.parsePublicKey(pub.getBytes(StandardCharsets.US_ASCII));
      } else if (alg == SignatureAlgorithm.ED25519) {
        key = Keys.ed25519FromRaw(Hashing.unhex(pub));
      } else {
        key = Keys.parseSpki(Hashing.unhex(pub));
      }
      return new TufKey(key, alg);
    } catch (Keys.KeyException | IllegalArgumentException e) {
      throw AirlockException.denied(Reason.TUF_MALFORMED, where + ": key cannot be parsed: " + e.getMessage());
    }
  }

  /**
   * The signature checks of sigstore-java's {@code Updater} for the top-level roles, on airlock's
   * crypto stage. Its default, {@code Verifiers}, registers Bouncy Castle as a JCA provider in its
   * class initialiser, which loads the JDK's whole provider list and BC's thousands of algorithm
   * entries: a fifth of the main thread of a cold re-import (issue 17, sampled). The keys accepted
   * are those {@code Verifiers} accepts, no more: key type and scheme {@code rsa}/
   * {@code rsassa-pss-sha256} and {@code ecdsa} or {@code ecdsa-sha2-nistp256}/
   * {@code ecdsa-sha2-nistp256} as PEM, {@code ed25519}/{@code ed25519} as 32 hex-encoded bytes;
   * any other key is an {@link InvalidKeyException}, as there. The curve must match the scheme
   * (sigstore-java would check a P-384 key under a P-256 scheme). A signature that does not verify
   * or is malformed is not counted: the updater's threshold decides.
   */
  static Verifiers.Supplier updaterVerifiers() {
    return key -> {
      TufKey k = updaterKey(key);
      return (data, signature) -> {
        try {
          Signatures.verify(k.key(), k.algorithm(), data, signature);
          return true;
        } catch (InvalidSignatureException | IllegalArgumentException e) {
          return false;
        }
      };
    };
  }

  private static TufKey updaterKey(Key key) throws InvalidKeyException {
    String type = key.getKeyType();
    String scheme = key.getScheme();
    String pub = key.getKeyVal() == null ? null : key.getKeyVal().get("public");
    if (type == null || scheme == null || pub == null) {
      throw new InvalidKeyException("key without keytype, scheme or keyval.public");
    }
    SignatureAlgorithm alg;
    boolean pem = true;
    if (type.equals("rsa") && scheme.equals("rsassa-pss-sha256")) {
      alg = SignatureAlgorithm.RSA_PSS_SHA256;
    } else if ((type.equals("ecdsa") || type.equals("ecdsa-sha2-nistp256")) && scheme.equals("ecdsa-sha2-nistp256")) {
      alg = SignatureAlgorithm.ECDSA_P256_SHA256;
    } else if (type.equals("ed25519") && scheme.equals("ed25519")) {
      alg = SignatureAlgorithm.ED25519;
      pem = false;
    } else {
      throw new InvalidKeyException("unsupported key type " + type + " with scheme " + scheme);
    }
    try {
      PublicKey k;
      if (pem) {
        if (!pub.contains("-----BEGIN")) {
          throw new InvalidKeyException(type + " key is not PEM encoded");
        }
        k = Keys.parsePublicKey(pub.getBytes(StandardCharsets.US_ASCII));
      } else {
        k = Keys.ed25519FromRaw(Hashing.unhex(pub));
      }
      Keys.defaultAlgorithm(k); // an RSA, EC or Ed25519 key, else unusable
      return new TufKey(k, alg);
    } catch (Keys.KeyException | IllegalArgumentException e) {
      throw new InvalidKeyException(type + " key cannot be parsed: " + e.getMessage(), e);
    }
  }

  /**
   * Checks that {@code metadata.signatures} holds valid signatures over the canonical {@code signed}
   * from at least {@code threshold} distinct keys among {@code keyids} (each key counted once).
   */
  static void verifyThreshold(JsonNode metadata, JsonNode keys, JsonNode keyids, int threshold, String file) {
    if (threshold < 1) {
      throw AirlockException.denied(Reason.TUF_MALFORMED, file + ": threshold " + threshold + " is below 1");
    }
    byte[] signed = CanonicalJson.encode(metadata.path("signed"));
    Set<String> allowed = new HashSet<>();
    keyids.forEach(id -> allowed.add(id.asText()));
    Set<String> seen = new HashSet<>();
    Set<String> good = new HashSet<>();
    for (JsonNode sig : metadata.path("signatures")) {
      String id = sig.path("keyid").asText();
      if (!seen.add(id)) {
        throw AirlockException.denied(Reason.TUF_MALFORMED, file + ": duplicate signature key id " + id);
      }
      if (!allowed.contains(id) || !keys.has(id)) {
        continue;
      }
      TufKey k = parse(keys.get(id), file + ": key " + id);
      try {
        Signatures.verify(k.key(), k.algorithm(), signed, Hashing.unhex(sig.path("sig").asText()));
        good.add(id);
      } catch (InvalidSignatureException | IllegalArgumentException e) {
        // a bad signature does not count; the threshold decides
      }
    }
    if (good.size() < threshold) {
      throw AirlockException.denied(Reason.TUF_SIGNATURE_THRESHOLD,
          file + ": " + good.size() + " valid signature(s) from the role's keys, threshold " + threshold);
    }
  }
}
