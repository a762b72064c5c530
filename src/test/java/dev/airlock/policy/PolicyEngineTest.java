package dev.airlock.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.oci.Digest;
import dev.airlock.verify.Check;
import dev.airlock.verify.SignatureVerdict;
import dev.airlock.verify.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {
  static final Digest DIGEST = Digest.parse("sha256:" + "c".repeat(64));
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  static final Context CTX = new Context(NOW, "system", 3, "sha256:" + "d".repeat(64), Map.of("log - 1", 10L));

  static final String POLICY = """
      apiVersion: airlock/v1
      kind: Policy
      name: hospital
      mode: %s
      authorities:
        vendor: {keyless: {issuer: "https://oidc.vendor", identity: "https://ci.vendor/seg"}}
        qa:     {key: {tuf: keys/qa.pub}}
        it:     {key: {tuf: keys/it.pub}}
      images:
        - match: "reg.example/ai/**"
          signatures: {threshold: 2, from: [vendor, qa, it]}
          attestations:
            - {type: "https://spdx.dev/Document", from: [vendor], deniedLicenses: [AGPL-3.0-only]}
            - {type: "https://slsa.dev/provenance/v1", from: [vendor],
               require: {builderId: "https://ci.vendor/builder"}}
          vulnerabilities: {from: [vendor], maxSeverity: HIGH, maxAgeDays: 30, allow: [CVE-2026-0001]}
      """;

  static Policy policy(String mode) {
    return Policies.parse(POLICY.formatted(mode).getBytes(StandardCharsets.UTF_8), "p.yaml", Path.of("/"));
  }

  /** A fake item: valid for exactly the authorities named, with an optional predicate. */
  /** Each item is signed by its own key (a distinct signer identity). */
  static final java.util.concurrent.atomic.AtomicInteger SIGNERS = new java.util.concurrent.atomic.AtomicInteger();

  static SignedItem item(Set<String> validFor, String predicateType, String predicateJson) {
    String signer = "sha256:signer-" + SIGNERS.incrementAndGet();
    JsonNode predicate = predicateJson == null ? null : Json.parse(predicateJson.getBytes(StandardCharsets.UTF_8), "p");
    return new SignedItem() {
      @Override
      public String source() {
        return "test";
      }

      @Override
      public Evaluation evaluate(Authority a) {
        List<Check> checks = new ArrayList<>();
        if (validFor.contains(a.name())) {
          checks.add(Check.pass("signature"));
        } else {
          checks.add(Check.fail("certificate.identity", Reason.IDENTITY_MISMATCH));
        }
        return new Evaluation(new SignatureVerdict(null, "key", signer, null, NOW, "rekor-set", checks),
            predicateType, predicate);
      }
    };
  }

  static SignedItem sig(String... authorities) {
    return item(Set.of(authorities), null, null);
  }

  static final String SBOM = "{\"packages\":[{\"licenseConcluded\":\"MIT OR Apache-2.0\"}]}";
  static final String SLSA = "{\"runDetails\":{\"builder\":{\"id\":\"https://ci.vendor/builder\"}}}";

  static String vuln(String severity, String scanned) {
    return "{\"scanner\":{\"result\":{\"Results\":[{\"Vulnerabilities\":["
        + "{\"VulnerabilityID\":\"CVE-2026-0001\",\"Severity\":\"CRITICAL\"},"
        + "{\"VulnerabilityID\":\"CVE-2026-0002\",\"Severity\":\"" + severity + "\"}]}]}},"
        + "\"metadata\":{\"scanFinishedOn\":\"" + scanned + "\"}}";
  }

  static List<SignedItem> complete(String... signers) {
    List<SignedItem> items = new ArrayList<>();
    for (String s : signers) {
      items.add(sig(s));
    }
    items.add(item(Set.of("vendor"), "https://spdx.dev/Document", SBOM));
    items.add(item(Set.of("vendor"), "https://slsa.dev/provenance/v1", SLSA));
    items.add(item(Set.of("vendor"), PolicyEngine.VULN_PREDICATE, vuln("HIGH", "2026-11-20T00:00:00Z")));
    return items;
  }

  static Subject subject(String ref, String tag, boolean byDigest) {
    return new Subject(DIGEST, List.of("reg.example/ai/seg"), ref, tag, byDigest);
  }

  static final Subject BY_TAG = subject("reg.example/ai/seg:2.1", "2.1", false);

  @Test
  void admitsWhenEverythingHolds() {
    Verdict v = PolicyEngine.decide(policy("enforce"), BY_TAG, complete("vendor", "qa"), CTX);
    assertTrue(v.admitted(), v.toJson().toString());
    assertEquals(List.of(), v.reasons());
    JsonNode j = v.toJson();
    assertEquals(2, j.path("threshold").path("satisfied").asInt());
    assertEquals("hospital", j.path("policy").path("name").asText());
    assertTrue(j.path("policy").path("digest").asText().startsWith("sha256:"));
  }

  @Test
  void oneAuthoritySigningThreeTimesCountsOnce() {
    List<SignedItem> items = complete("qa", "qa", "qa");
    Verdict v = PolicyEngine.decide(policy("enforce"), BY_TAG, items, CTX);
    assertFalse(v.admitted());
    assertTrue(v.reasons().contains(Reason.THRESHOLD_NOT_MET));
    assertEquals(1, v.toJson().path("threshold").path("satisfied").asInt());
  }

  @Test
  void oneSignatureValidForTwoAuthoritiesSatisfiesBoth() {
    // the same key registered under two names is two authorities only if the policy says so
    Verdict v = PolicyEngine.decide(policy("enforce"), BY_TAG, complete("qa,it".split(",")), CTX);
    assertTrue(v.admitted(), v.toJson().toString());
  }

  @Test
  void oneSignerValidForTwoAuthoritiesCountsOnce() {
    // DESIGN.md 6a: one signature (one key) satisfies at most one authority of a threshold
    List<SignedItem> items = complete();
    items.add(sig("qa", "it"));
    Verdict v = PolicyEngine.decide(policy("enforce"), BY_TAG, items, CTX);
    assertFalse(v.admitted(), v.toJson().toString());
    assertEquals(1, v.toJson().path("threshold").path("satisfied").asInt());
    assertTrue(v.reasons().contains(Reason.THRESHOLD_NOT_MET));
  }

  @Test
  void aSignerIsMatchedWhereItIsNeeded() {
    // one signer valid for vendor and qa, another only for vendor: the matching gives 2, not 1
    List<SignedItem> items = complete();
    items.add(sig("vendor", "qa"));
    items.add(sig("vendor"));
    Verdict v = PolicyEngine.decide(policy("enforce"), BY_TAG, items, CTX);
    assertTrue(v.admitted(), v.toJson().toString());
    assertEquals(2, v.toJson().path("threshold").path("satisfied").asInt());
  }

  @Test
  void verdictSaysWhyAuthoritiesWereNotSatisfied() {
    Verdict v = PolicyEngine.decide(policy("enforce"), BY_TAG, complete("qa"), CTX);
    JsonNode checks = v.toJson().path("checks");
    boolean found = false;
    for (JsonNode c : checks) {
      if (c.path("id").asText().equals("authority.it")) {
        assertEquals("fail", c.path("outcome").asText());
        assertEquals("AUTHORITY_NOT_SATISFIED", c.path("reason").asText());
        assertTrue(c.path("detail").asText().contains("IDENTITY_MISMATCH"));
        found = true;
      }
    }
    assertTrue(found, checks.toString());
  }

  @Test
  void attestationsDoNotCountTowardsTheThreshold() {
    List<SignedItem> items = complete("qa");
    items.add(item(Set.of("it"), "https://slsa.dev/provenance/v1", SLSA));
    Verdict v = PolicyEngine.decide(policy("enforce"), BY_TAG, items, CTX);
    assertTrue(v.reasons().contains(Reason.THRESHOLD_NOT_MET));
  }

  @Test
  void cosignV3SignaturesCount() {
    List<SignedItem> items = complete("qa");
    items.add(item(Set.of("it"), SignedItem.Evaluation.COSIGN_SIGN_V1, "{}"));
    assertTrue(PolicyEngine.decide(policy("enforce"), BY_TAG, items, CTX).admitted());
  }

  @Test
  void missingSbomDenies() {
    List<SignedItem> items = new ArrayList<>(complete("vendor", "qa"));
    items.remove(items.size() - 3);
    Verdict v = PolicyEngine.decide(policy("enforce"), BY_TAG, items, CTX);
    assertEquals(List.of(Reason.ATTESTATION_MISSING), v.reasons());
  }

  @Test
  void sbomSignedByTheWrongAuthorityDenies() {
    List<SignedItem> items = new ArrayList<>(complete("vendor", "qa"));
    items.set(items.size() - 3, item(Set.of("qa"), "https://spdx.dev/Document", SBOM));
    assertEquals(List.of(Reason.ATTESTATION_MISSING), PolicyEngine.decide(policy("enforce"), BY_TAG, items, CTX).reasons());
  }

  @Test
  void deniedLicence() {
    List<SignedItem> items = new ArrayList<>(complete("vendor", "qa"));
    items.set(items.size() - 3, item(Set.of("vendor"), "https://spdx.dev/Document",
        "{\"packages\":[{\"licenseConcluded\":\"(MIT AND AGPL-3.0-only)\"}]}"));
    assertEquals(List.of(Reason.SBOM_LICENSE_DENIED), PolicyEngine.decide(policy("enforce"), BY_TAG, items, CTX).reasons());
  }

  @Test
  void wrongBuilderDenies() {
    List<SignedItem> items = new ArrayList<>(complete("vendor", "qa"));
    items.set(items.size() - 2, item(Set.of("vendor"), "https://slsa.dev/provenance/v1",
        "{\"runDetails\":{\"builder\":{\"id\":\"https://evil/builder\"}}}"));
    Verdict v = PolicyEngine.decide(policy("enforce"), BY_TAG, items, CTX);
    assertEquals(List.of(Reason.ATTESTATION_REQUIREMENT_FAILED), v.reasons());
    assertTrue(v.toJson().toString().contains("https://evil/builder"));
  }

  @Test
  void slsaV02BuilderIdIsRead() {
    List<SignedItem> items = new ArrayList<>(complete("vendor", "qa"));
    items.set(items.size() - 2, item(Set.of("vendor"), "https://slsa.dev/provenance/v1",
        "{\"builder\":{\"id\":\"https://ci.vendor/builder\"}}"));
    assertTrue(PolicyEngine.decide(policy("enforce"), BY_TAG, items, CTX).admitted());
  }

  @Test
  void vulnerabilityGate() {
    List<SignedItem> items = new ArrayList<>(complete("vendor", "qa"));
    items.set(items.size() - 1, item(Set.of("vendor"), PolicyEngine.VULN_PREDICATE, vuln("CRITICAL", "2026-11-20T00:00:00Z")));
    assertEquals(List.of(Reason.VULNERABILITY_TOO_SEVERE), PolicyEngine.decide(policy("enforce"), BY_TAG, items, CTX).reasons());
    items.set(items.size() - 1, item(Set.of("vendor"), PolicyEngine.VULN_PREDICATE, vuln("LOW", "2026-09-01T00:00:00Z")));
    assertEquals(List.of(Reason.VULNERABILITY_SCAN_TOO_OLD), PolicyEngine.decide(policy("enforce"), BY_TAG, items, CTX).reasons());
    items.set(items.size() - 1, item(Set.of("vendor"), PolicyEngine.VULN_PREDICATE, vuln("LOW", "not a time")));
    assertEquals(List.of(Reason.VULNERABILITY_SCAN_TOO_OLD), PolicyEngine.decide(policy("enforce"), BY_TAG, items, CTX).reasons());
    items.remove(items.size() - 1);
    assertEquals(List.of(Reason.VULNERABILITY_ATTESTATION_MISSING), PolicyEngine.decide(policy("enforce"), BY_TAG, items, CTX).reasons());
  }

  @Test
  void mutableTags() {
    Policy p = policy("enforce");
    assertEquals(List.of(Reason.MUTABLE_TAG),
        PolicyEngine.decide(p, subject("reg.example/ai/seg:latest", "latest", false), complete("vendor", "qa"), CTX).reasons());
    assertEquals(List.of(Reason.MUTABLE_TAG),
        PolicyEngine.decide(p, subject("reg.example/ai/seg", null, false), complete("vendor", "qa"), CTX).reasons());
    assertTrue(PolicyEngine.decide(p, subject("reg.example/ai/seg@" + DIGEST, null, true), complete("vendor", "qa"), CTX).admitted());
    assertTrue(PolicyEngine.decide(p, subject(DIGEST.toString(), null, true), complete("vendor", "qa"), CTX).admitted());
    assertTrue(PolicyEngine.decide(p, subject(null, null, false), complete("vendor", "qa"), CTX).admitted(),
        "at import there is no requested reference");
  }

  @Test
  void modes() {
    List<SignedItem> weak = complete("qa");
    Verdict enforce = PolicyEngine.decide(policy("enforce"), BY_TAG, weak, CTX);
    assertFalse(enforce.admitted());
    Verdict warn = PolicyEngine.decide(policy("warn"), BY_TAG, weak, CTX);
    assertTrue(warn.admitted());
    assertEquals(List.of("THRESHOLD_NOT_MET"), warn.warnings());
    assertEquals(List.of(Reason.IDENTITY_MISMATCH, Reason.THRESHOLD_NOT_MET), warn.reasons(),
        "reasons are still recorded, with why the missing authorities failed");
    Verdict audit = PolicyEngine.decide(policy("audit"), BY_TAG, weak, CTX);
    assertTrue(audit.admitted());
    assertTrue(audit.warnings().get(0).startsWith("audit mode"));
  }

  @Test
  void noMatchingRule() {
    Subject other = new Subject(DIGEST, List.of("docker.io/library/ubuntu"), null, null, false);
    Verdict v = PolicyEngine.decide(policy("enforce"), other, complete("vendor", "qa"), CTX);
    assertEquals(List.of(Reason.NO_MATCHING_RULE), v.reasons());
    assertFalse(v.admitted());
  }

  @Test
  void noSignaturesAtAll() {
    Verdict v = PolicyEngine.decide(policy("enforce"), BY_TAG, List.of(), CTX);
    assertTrue(v.reasons().contains(Reason.NO_SIGNATURES));
    assertTrue(v.reasons().contains(Reason.THRESHOLD_NOT_MET));
  }

  @Test
  void eachItemIsVerifiedOncePerAuthority() {
    int[] calls = {0};
    SignedItem counting = new SignedItem() {
      @Override
      public String source() {
        return "count";
      }

      @Override
      public Evaluation evaluate(Authority a) {
        calls[0]++;
        return sig("qa").evaluate(a);
      }
    };
    List<SignedItem> items = new ArrayList<>(complete("vendor"));
    items.add(0, counting);
    PolicyEngine.decide(policy("enforce"), BY_TAG, items, CTX);
    assertTrue(calls[0] <= 3, "at most once per authority, was " + calls[0]);
  }
}
