package dev.airlock.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.policy.Rule.Severity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the predicate fields policy conditions look at. Missing fields read as absent (null or
 * empty), never as a pass.
 */
final class Predicates {
  private Predicates() {}

  /** SLSA v1 {@code runDetails.builder.id}, else v0.2 {@code builder.id}. */
  static String slsaBuilderId(JsonNode p) {
    if (p == null) {
      return null;
    }
    JsonNode v1 = p.path("runDetails").path("builder").path("id");
    if (v1.isTextual()) {
      return v1.asText();
    }
    JsonNode v02 = p.path("builder").path("id");
    return v02.isTextual() ? v02.asText() : null;
  }

  /** SLSA v1 {@code buildDefinition.buildType}, else v0.2 {@code buildType}. */
  static String slsaBuildType(JsonNode p) {
    if (p == null) {
      return null;
    }
    JsonNode v1 = p.path("buildDefinition").path("buildType");
    if (v1.isTextual()) {
      return v1.asText();
    }
    JsonNode v02 = p.path("buildType");
    return v02.isTextual() ? v02.asText() : null;
  }

  /**
   * Licence identifiers an SBOM lists: SPDX {@code packages[].licenseConcluded/licenseDeclared}
   * (expressions split into ids) and CycloneDX {@code components[].licenses[].license.id|name}
   * and {@code expression}.
   */
  static Set<String> sbomLicences(JsonNode p) {
    Set<String> out = new TreeSet<>();
    if (p == null) {
      return out;
    }
    for (JsonNode pkg : p.path("packages")) {
      addExpression(out, pkg.path("licenseConcluded").asText(null));
      addExpression(out, pkg.path("licenseDeclared").asText(null));
    }
    for (JsonNode c : p.path("components")) {
      for (JsonNode l : c.path("licenses")) {
        JsonNode lic = l.path("license");
        if (lic.path("id").isTextual()) {
          out.add(lic.path("id").asText());
        }
        if (lic.path("name").isTextual()) {
          out.add(lic.path("name").asText());
        }
        addExpression(out, l.path("expression").asText(null));
      }
    }
    out.remove("NOASSERTION");
    out.remove("NONE");
    return out;
  }

  private static void addExpression(Set<String> out, String expr) {
    if (expr == null) {
      return;
    }
    for (String tok : expr.split("[\\s()]+")) {
      if (!tok.isEmpty() && !tok.equals("AND") && !tok.equals("OR") && !tok.equals("WITH")) {
        out.add(tok);
      }
    }
  }

  /**
   * Findings of a cosign vuln predicate whose {@code scanner.result} is a Trivy JSON report:
   * {@code Results[].Vulnerabilities[].{VulnerabilityID, Severity}}; the highest severity per id.
   */
  static Map<String, Severity> trivyFindings(JsonNode p) {
    Map<String, Severity> out = new LinkedHashMap<>();
    if (p == null) {
      return out;
    }
    JsonNode report = p.path("scanner").path("result");
    for (JsonNode result : report.path("Results")) {
      for (JsonNode vuln : result.path("Vulnerabilities")) {
        String id = vuln.path("VulnerabilityID").asText("");
        if (id.isEmpty()) {
          continue;
        }
        Severity s = Severity.parse(vuln.path("Severity").asText(null));
        out.merge(id, s, (a, b) -> a.compareTo(b) >= 0 ? a : b);
      }
    }
    return out;
  }

  /** {@code metadata.scanFinishedOn} of a cosign vuln predicate. */
  static String scanFinishedOn(JsonNode p) {
    if (p == null) {
      return null;
    }
    JsonNode t = p.path("metadata").path("scanFinishedOn");
    return t.isTextual() ? t.asText() : null;
  }

  /** When an SBOM was made: SPDX {@code creationInfo.created} or CycloneDX {@code metadata.timestamp}. */
  static String sbomCreated(JsonNode p) {
    if (p == null) {
      return null;
    }
    JsonNode t = p.path("creationInfo").path("created");
    if (!t.isTextual()) {
      t = p.path("metadata").path("timestamp");
    }
    return t.isTextual() ? t.asText() : null;
  }
}
