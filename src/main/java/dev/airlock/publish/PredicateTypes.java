package dev.airlock.publish;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --type} of {@code airlock sign --attest}: cosign's short names (cosign
 * cmd/cosign/cli/options/predicate.go) or a predicate type URI.
 */
public final class PredicateTypes {
  private PredicateTypes() {}

  /** cosign's short names and the in-toto predicate types they stand for. */
  public static final Map<String, String> SHORT_NAMES = shortNames();

  private static Map<String, String> shortNames() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("slsaprovenance", "https://slsa.dev/provenance/v0.2");
    m.put("slsaprovenance02", "https://slsa.dev/provenance/v0.2");
    m.put("slsaprovenance1", "https://slsa.dev/provenance/v1");
    m.put("link", "https://in-toto.io/Link/v1");
    m.put("spdx", "https://spdx.dev/Document");
    m.put("spdxjson", "https://spdx.dev/Document");
    m.put("cyclonedx", "https://cyclonedx.org/bom");
    m.put("vuln", "https://cosign.sigstore.dev/attestation/vuln/v1");
    m.put("openvex", "https://openvex.dev/ns");
    m.put("custom", "https://cosign.sigstore.dev/attestation/v1");
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * The predicate type URI for a short name or an absolute URI with a scheme and no whitespace.
   *
   * @throws IllegalArgumentException otherwise, naming the short names
   */
  public static String resolve(String type) {
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("--type needs a value: one of " + String.join(", ", SHORT_NAMES.keySet())
          + ", or a predicate type URI");
    }
    String known = SHORT_NAMES.get(type.toLowerCase(Locale.ROOT));
    if (known != null) {
      return known;
    }
    try {
      URI u = new URI(type);
      if (u.isAbsolute() && u.getScheme().matches("[a-zA-Z][a-zA-Z0-9+.-]*") && !type.matches(".*\\s.*")) {
        return type;
      }
    } catch (URISyntaxException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("unknown predicate type '" + type + "': use one of "
        + String.join(", ", SHORT_NAMES.keySet()) + ", or an absolute URI such as https://example.com/my-predicate/v1");
  }
}
