package dev.airlock.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.crypto.Keys;
import dev.airlock.crypto.SignatureAlgorithm;
import dev.airlock.crypto.Signatures;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The self-check {@code airlock init} runs on the TUF root it pins (TUF spec v1.0.34 section
 * 5.2: the trusted root is loaded as-is, and section 5.3.4/5.3.10: a root must be signed by a
 * threshold of its own root keys and must not be expired).
 *
 * <p>This is not the TUF updater (which walks {@code N+1.root.json} chains); it only proves that
 * the file is a well-formed root that vouches for itself, so that init never pins garbage.
 *
 * @param version {@code signed.version} (at least 1)
 * @param expires {@code signed.expires}
 * @param threshold the root role's threshold
 * @param verifiedKeyIds the distinct root key IDs whose signatures verified
 */
public record PinnedRoot(int version, Instant expires, int threshold, List<String> verifiedKeyIds) {

  public PinnedRoot {
    verifiedKeyIds = List.copyOf(verifiedKeyIds);
  }

  private static final byte[] P256_SPKI_PREFIX =
      Hashing.unhex("3059301306072a8648ce3d020106082a8648ce3d030107034200");

  /**
   * Checks {@code json} as a TUF root at instant {@code now}.
   *
   * @throws AirlockException DENIED with {@link Reason#TUF_MALFORMED} (not a TUF root, not
   *     canonicalisable, bad version or expiry) or {@link Reason#TUF_SIGNATURE_THRESHOLD} (fewer
   *     than threshold distinct root keys signed); CANNOT_DECIDE with {@link Reason#TUF_EXPIRED}
   */
  public static PinnedRoot check(byte[] json, String fileName, Instant now) {
    JsonNode doc;
    try {
      doc = Json.parse(json, fileName);
    } catch (AirlockException e) {
      throw AirlockException.denied(Reason.TUF_MALFORMED, e.getMessage());
    }
    JsonNode signed = doc.get("signed");
    JsonNode signatures = doc.get("signatures");
    if (!doc.isObject() || signed == null || !signed.isObject() || signatures == null
        || !signatures.isArray()) {
      throw malformed(fileName, "not TUF metadata (needs \"signed\" object and \"signatures\" array)");
    }
    if (!"root".equals(text(signed, "_type"))) {
      throw malformed(fileName, "signed._type is " + signed.get("_type") + ", expected \"root\"");
    }
    JsonNode v = signed.get("version");
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
      throw malformed(fileName, "signed.version must be an integer >= 1, got " + v);
    }
    int version = v.intValue();
    Instant expires;
    try {
      expires = OffsetDateTime.parse(text(signed, "expires")).toInstant();
    } catch (DateTimeParseException | NullPointerException e) {
      throw malformed(fileName, "signed.expires is not an RFC 3339 time: " + signed.get("expires"));
    }
    JsonNode keys = signed.get("keys");
    JsonNode rootRole = signed.path("roles").get("root");
    if (keys == null || !keys.isObject() || rootRole == null || !rootRole.isObject()) {
      throw malformed(fileName, "signed.keys or signed.roles.root missing");
    }
    JsonNode th = rootRole.get("threshold");
    JsonNode keyIds = rootRole.get("keyids");
    if (th == null || !th.isIntegralNumber() || !th.canConvertToInt() || th.intValue() < 1
        || keyIds == null || !keyIds.isArray()) {
      throw malformed(fileName, "signed.roles.root needs keyids and a threshold >= 1");
    }
    int threshold = th.intValue();
    Set<String> roleKeys = new LinkedHashSet<>();
    for (JsonNode k : keyIds) {
      if (!k.isTextual() || !roleKeys.add(k.textValue())) {
        throw malformed(fileName, "signed.roles.root.keyids has a duplicate or non-string entry " + k);
      }
    }
    byte[] canonical;
    try {
      canonical = CanonicalJson.encode(signed);
    } catch (IllegalArgumentException e) {
      throw malformed(fileName, "signed cannot be canonicalised: " + e.getMessage());
    }
    // TUF spec 5.3.4: each key ID counts at most once towards the threshold.
    Set<String> verified = new LinkedHashSet<>();
    List<String> problems = new ArrayList<>();
    Set<String> seenSigKeyIds = new LinkedHashSet<>();
    for (JsonNode s : signatures) {
      String keyId = text(s, "keyid");
      String sig = text(s, "sig");
      if (keyId == null || sig == null) {
        throw malformed(fileName, "a signature entry lacks keyid or sig");
      }
      if (!seenSigKeyIds.add(keyId)) {
        throw malformed(fileName, "key ID " + keyId + " signs twice");
      }
      if (sig.isEmpty() || !roleKeys.contains(keyId) || verified.contains(keyId)) {
        continue;
      }
      JsonNode key = keys.get(keyId);
      if (key == null) {
        problems.add(keyId + ": not in signed.keys");
        continue;
      }
      try {
        verify(key, canonical, Hashing.unhex(sig));
        verified.add(keyId);
      } catch (InvalidSignatureException | Keys.KeyException | IllegalArgumentException e) {
        problems.add(shortId(keyId) + ": " + e.getMessage());
      }
    }
    if (verified.size() < threshold) {
      throw AirlockException.denied(Reason.TUF_SIGNATURE_THRESHOLD,
          fileName + ": signed by " + verified.size() + " of the root's own keys, threshold is "
              + threshold + (problems.isEmpty() ? "" : " (" + String.join("; ", problems) + ")"));
    }
    if (!now.isBefore(expires)) {
      throw AirlockException.cannotDecide(Reason.TUF_EXPIRED,
          fileName + ": root version " + version + " expired at " + expires + " (trusted time "
              + now + "); bring a current root");
    }
    return new PinnedRoot(version, expires, threshold, new ArrayList<>(verified));
  }

  private static void verify(JsonNode key, byte[] data, byte[] sig)
      throws InvalidSignatureException, Keys.KeyException {
    String type = text(key, "keytype");
    String scheme = text(key, "scheme");
    String pub = text(key.path("keyval"), "public");
    if (type == null || pub == null) {
      throw new IllegalArgumentException("key lacks keytype or keyval.public");
    }
    switch (type) {
      case "ed25519" -> {
        PublicKey k = Keys.ed25519FromRaw(Hashing.unhex(pub));
        Signatures.verify(k, SignatureAlgorithm.ED25519, data, sig);
      }
      case "ecdsa", "ecdsa-sha2-nistp256" -> {
        PublicKey k = pub.contains("-----BEGIN")
            ? Keys.parsePublicKey(pub.getBytes(StandardCharsets.US_ASCII))
            : Keys.parseSpki(concat(P256_SPKI_PREFIX, Hashing.unhex(pub)));
        SignatureAlgorithm alg = "ecdsa-sha2-nistp384".equals(scheme)
            ? SignatureAlgorithm.ECDSA_P384_SHA384 : SignatureAlgorithm.ECDSA_P256_SHA256;
        Signatures.verify(k, alg, data, sig);
      }
      case "rsa" -> {
        PublicKey k = Keys.parsePublicKey(pub.getBytes(StandardCharsets.US_ASCII));
        SignatureAlgorithm alg = "rsa-pkcs1v15-sha256".equals(scheme)
            ? SignatureAlgorithm.RSA_PKCS1_SHA256 : SignatureAlgorithm.RSA_PSS_SHA256;
        Signatures.verify(k, alg, data, sig);
      }
      default -> throw new IllegalArgumentException("key type " + type + " is not supported");
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = new byte[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  private static String shortId(String keyId) {
    return keyId.length() > 12 ? keyId.substring(0, 12) : keyId;
  }

  private static String text(JsonNode n, String field) {
    JsonNode f = n == null ? null : n.get(field);
    return f != null && f.isTextual() ? f.textValue() : null;
  }

  private static AirlockException malformed(String fileName, String problem) {
    return AirlockException.denied(Reason.TUF_MALFORMED, fileName + ": " + problem);
  }
}
