package dev.airlock.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * in-toto Statement payloads for DSSE envelopes (../shared/FORMATS.md section 7): Statement v1 or
 * v0.1 with one subject, and the predicates airlock's policy reads.
 */
public final class Statements {
  public static final String STATEMENT_V1 = "https://in-toto.io/Statement/v1";
  public static final String STATEMENT_V01 = "https://in-toto.io/Statement/v0.1";
  public static final String COSIGN_SIGN_V1 = "https://sigstore.dev/cosign/sign/v1";
  public static final String SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
  public static final String SPDX = "https://spdx.dev/Document";
  public static final String COSIGN_VULN = "https://cosign.sigstore.dev/attestation/vuln/v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Statements() {}

  /**
   * A statement about one subject.
   *
   * @param statementType {@link #STATEMENT_V1} or {@link #STATEMENT_V01}
   * @param subjectName e.g. "reg.example/app"
   * @param sha256Hex the subject digest (hex, no "sha256:")
   */
  public static byte[] statement(String statementType, String subjectName, String sha256Hex,
      String predicateType, JsonNode predicate) {
    ObjectNode n = JSON.createObjectNode();
    n.put("_type", statementType);
    ObjectNode s = n.putArray("subject").addObject();
    s.put("name", subjectName);
    s.putObject("digest").put("sha256", sha256Hex);
    n.put("predicateType", predicateType);
    n.set("predicate", predicate);
    try {
      return JSON.writeValueAsBytes(n);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** cosign v3 image signature: predicate {} (cosign sign, --new-bundle-format). */
  public static byte[] cosignSign(String subjectName, String sha256Hex) {
    return statement(STATEMENT_V1, subjectName, sha256Hex, COSIGN_SIGN_V1, JSON.createObjectNode());
  }

  /** SLSA provenance v1 with a builder id, build type, source repo/ref and one resolved dependency. */
  public static byte[] slsaProvenanceV1(String subjectName, String sha256Hex, String builderId, String repo,
      String ref, String commit) {
    ObjectNode p = JSON.createObjectNode();
    ObjectNode bd = p.putObject("buildDefinition");
    bd.put("buildType", "https://actions.github.io/buildtypes/workflow/v1");
    ObjectNode ext = bd.putObject("externalParameters").putObject("workflow");
    ext.put("ref", ref);
    ext.put("repository", repo);
    ext.put("path", ".github/workflows/release.yml");
    bd.putObject("internalParameters").put("github_event_name", "push");
    ObjectNode dep = bd.putArray("resolvedDependencies").addObject();
    dep.put("uri", "git+" + repo + "@" + ref);
    dep.putObject("digest").put("gitCommit", commit);
    ObjectNode rd = p.putObject("runDetails");
    rd.putObject("builder").put("id", builderId);
    ObjectNode md = rd.putObject("metadata");
    md.put("invocationId", repo + "/actions/runs/1/attempts/1");
    md.put("startedOn", "2026-01-01T00:00:00Z");
    md.put("finishedOn", "2026-01-01T00:05:00Z");
    return statement(STATEMENT_V1, subjectName, sha256Hex, SLSA_PROVENANCE_V1, p);
  }

  /** An SPDX 2.3 document predicate with one package under {@code license}. */
  public static byte[] spdx(String subjectName, String sha256Hex, String packageName, String license) {
    ObjectNode p = JSON.createObjectNode();
    p.put("spdxVersion", "SPDX-2.3");
    p.put("SPDXID", "SPDXRef-DOCUMENT");
    p.put("name", subjectName);
    p.put("dataLicense", "CC0-1.0");
    ObjectNode pkg = p.putArray("packages").addObject();
    pkg.put("SPDXID", "SPDXRef-Package-" + packageName);
    pkg.put("name", packageName);
    pkg.put("versionInfo", "1.0.0");
    pkg.put("licenseConcluded", license);
    pkg.put("licenseDeclared", license);
    return statement(STATEMENT_V1, subjectName, sha256Hex, SPDX, p);
  }

  /** A cosign vuln attestation (v1) with one finding of the given severity, scanned at {@code finishedOn}. */
  public static byte[] cosignVuln(String subjectName, String sha256Hex, String vulnId, String severity,
      String finishedOn) {
    ObjectNode p = JSON.createObjectNode();
    p.putObject("invocation").put("uri", "https://scanner.lab.internal").put("event_id", "1");
    ObjectNode sc = p.putObject("scanner");
    sc.put("uri", "pkg:github/aquasecurity/trivy@0.50.0");
    sc.put("version", "0.50.0");
    ObjectNode r = sc.putObject("result");
    ObjectNode v = r.putArray("Results").addObject().putArray("Vulnerabilities").addObject();
    v.put("VulnerabilityID", vulnId);
    v.put("Severity", severity);
    v.put("PkgName", "openssl");
    ObjectNode md = p.putObject("metadata");
    md.put("scanStartedOn", finishedOn);
    md.put("scanFinishedOn", finishedOn);
    return statement(STATEMENT_V01, subjectName, sha256Hex, COSIGN_VULN, p);
  }
}
