package dev.airlock.trust;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.crypto.Hashing;
import java.util.Objects;

/**
 * One installed TUF target of a trust snapshot: its path, kind, exact bytes and TUF custom metadata.
 *
 * @param custom the target's {@code custom} object from the targets metadata, or null
 */
public record TrustContent(String path, Kind kind, byte[] content, JsonNode custom) {
  /** What a target is, from its path (FORMATS.md section 6, DESIGN.md trust store). */
  public enum Kind {
    /** {@code trusted_root.json} or {@code <instance>/trusted_root.json}. */
    TRUSTED_ROOT,
    /** {@code keys/<name>.pub}: a key authority, window from custom validFrom/validUntil. */
    KEY,
    /** {@code policy/*.yaml}: policy bytes (parsed by the policy stage). */
    POLICY;

    /** The kind of a target path, or null if airlock does not install such targets. */
    public static Kind of(String path) {
      if (path.equals("trusted_root.json") || path.endsWith("/trusted_root.json")) {
        return TRUSTED_ROOT;
      }
      if (path.startsWith("keys/") && path.endsWith(".pub") && path.indexOf('/', 5) < 0) {
        return KEY;
      }
      if (path.startsWith("policy/") && (path.endsWith(".yaml") || path.endsWith(".yml"))) {
        return POLICY;
      }
      return null;
    }
  }

  public TrustContent {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(kind, "kind");
    content = content.clone();
    custom = custom == null || custom.isNull() ? null : custom.deepCopy();
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  @Override
  public JsonNode custom() {
    return custom == null ? null : custom.deepCopy();
  }

  public String sha256() {
    return Hashing.sha256Hex(content);
  }
}
