package dev.airlock.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the policy's {@code images} list: which images it matches and what they need.
 *
 * @param match a repository glob, {@code sha256:...} or {@code repo@sha256:...}
 * @param threshold how many distinct authorities of {@code signers} must have signed
 * @param signers the authorities that may count towards the threshold
 */
public record Rule(
    ImageMatch match,
    int threshold,
    List<String> signers,
    List<AttestationRequirement> attestations,
    VulnerabilityGate vulnerabilities) {

  public Rule {
    Objects.requireNonNull(match, "match");
    signers = List.copyOf(signers);
    attestations = List.copyOf(attestations);
    if (threshold < 0 || threshold > signers.size()) {
      throw new IllegalArgumentException("threshold " + threshold + " is not between 0 and " + signers.size());
    }
  }

  /**
   * An attestation the image must carry.
   *
   * @param type the in-toto predicateType
   * @param from the authorities that may have signed it
   * @param require conditions on the predicate: {@code builderId}, {@code buildType} (SLSA)
   * @param deniedLicenses SPDX licence ids an SBOM must not list
   */
  public record AttestationRequirement(
      String type, List<String> from, Map<String, String> require, List<String> deniedLicenses) {
    public AttestationRequirement {
      Objects.requireNonNull(type, "type");
      from = List.copyOf(from);
      require = Map.copyOf(require);
      deniedLicenses = List.copyOf(deniedLicenses);
    }
  }

  /**
   * The vulnerability gate over a signed vulnerability attestation.
   *
   * @param maxSeverity the highest severity admitted (findings above it deny unless allowed)
   * @param maxAgeDays the oldest scan admitted, by the trusted clock; null for no limit
   * @param allow vulnerability ids (CVE-...) that never deny
   */
  public record VulnerabilityGate(List<String> from, Severity maxSeverity, Integer maxAgeDays, List<String> allow) {
    public VulnerabilityGate {
      from = List.copyOf(from);
      Objects.requireNonNull(maxSeverity, "maxSeverity");
      allow = List.copyOf(allow);
    }
  }

  /** Severities in order, UNKNOWN lowest (DESIGN.md 6a). */
  public enum Severity {
    UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL;

    static Severity parse(String s) {
      if (s == null) {
        return UNKNOWN;
      }
      try {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return UNKNOWN;
      }
    }
  }
}
