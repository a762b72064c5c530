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
