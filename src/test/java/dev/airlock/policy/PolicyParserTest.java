package dev.airlock.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PolicyParserTest {
  static final String DESIGN_EXAMPLE = """
      apiVersion: airlock/v1
      kind: Policy
      name: hospital
      mode: enforce                     # enforce | warn | audit
      rejectMutableTags: true           # ':latest' alone never admits
      authorities:
        vendor-ci:   {keyless: {issuer: "https://oidc.vendor.example",
                                identityRegexp: "^https://ci.vendor.example/seg/.+@refs/tags/v.*$"}}
        qa:          {key: {tuf: "keys/qa.pub"}}        # key delivered as a TUF target
        hospital-it: {key: {file: "/etc/airlock/keys/it.pub", validFrom: "2026-01-01"}}
      images:
        - match: "reg.example/ai/**"
          signatures: {threshold: 2, from: [vendor-ci, qa, hospital-it]}
          attestations:
            - {type: "https://spdx.dev/Document", from: [vendor-ci]}
            - {type: "https://slsa.dev/provenance/v1", from: [vendor-ci],
               require: {builderId: "https://ci.vendor.example/builder"}}
          vulnerabilities: {from: [vendor-ci], maxSeverity: HIGH, maxAgeDays: 30}
      """;

  static Policy parse(String yaml) {
    return Policies.parse(yaml.getBytes(StandardCharsets.UTF_8), "policy.yaml", Path.of("/etc/airlock"));
  }

  static String error(String yaml) {
    AirlockException e = assertThrows(AirlockException.class, () -> parse(yaml));
    assertEquals(Reason.POLICY_INVALID, e.reason());
    assertEquals(AirlockException.Kind.DENIED, e.kind());
    return e.getMessage();
  }

  @Test
  void parsesTheDesignExample() {
    Policy p = parse(DESIGN_EXAMPLE);
    assertEquals("hospital", p.name());
    assertTrue(p.digest().matches("sha256:[0-9a-f]{64}"));
    assertEquals(Policy.Mode.ENFORCE, p.mode());
    assertTrue(p.rejectMutableTags());
    assertEquals(3, p.authorities().size());
    Authority.Keyless ci = (Authority.Keyless) p.authorities().get("vendor-ci");
    assertTrue(ci.identity().matches("https://ci.vendor.example/seg/x@refs/tags/v1.0"));
    assertFalse(ci.identity().matches("https://ci.vendor.example/seg/x@refs/heads/main"));
    Authority.Key it = (Authority.Key) p.authorities().get("hospital-it");
    assertEquals(Instant.parse("2026-01-01T00:00:00Z"), it.window().start());
    Rule r = p.rules().get(0);
    assertEquals(2, r.threshold());
    assertEquals(2, r.attestations().size());
    assertEquals("https://ci.vendor.example/builder", r.attestations().get(1).require().get("builderId"));
    assertEquals(Rule.Severity.HIGH, r.vulnerabilities().maxSeverity());
    assertEquals(30, r.vulnerabilities().maxAgeDays());
  }

  @Test
  void digestIsOverExactBytes() {
    assertFalse(parse(DESIGN_EXAMPLE).digest().equals(parse(DESIGN_EXAMPLE + "\n# comment\n").digest()));
  }

  @Test
  void secureDefaults() {
    Policy p = parse("""
        apiVersion: airlock/v1
        kind: Policy
        name: x
        authorities:
          a: {key: {tuf: keys/a.pub}}
          b: {key: {tuf: keys/b.pub}}
        images:
          - match: "**"
            signatures: {from: [a, b]}
        """);
    assertEquals(Policy.Mode.ENFORCE, p.mode());
    assertEquals(Policy.NoMatch.DENY, p.noMatch());
    assertTrue(p.rejectMutableTags());
    assertEquals(2, p.rules().get(0).threshold(), "threshold defaults to all listed authorities");
  }

  @Test
  void unknownKeyNamesLineAndColumn() {
    String m = error("""
        apiVersion: airlock/v1
        kind: Policy
        name: x
        modee: warn
        """);
    assertTrue(m.contains("line 4, column 1"), m);
    assertTrue(m.contains("unknown key 'modee'"), m);
  }

  @Test
  void nestedUnknownKey() {
    String m = error("""
        apiVersion: airlock/v1
        kind: Policy
        name: x
        authorities:
          a: {keyless: {issuer: "https://i", identity: "x", subject: "y"}}
        """);
    assertTrue(m.contains("line 5"), m);
    assertTrue(m.contains("'subject'"), m);
  }

  @Test
  void unknownAuthorityInFrom() {
    String m = error("""
        apiVersion: airlock/v1
        kind: Policy
        name: x
        authorities:
          a: {key: {tuf: keys/a.pub}}
        images:
          - match: "reg.example/**"
            signatures: {threshold: 1, from: [a, b]}
        """);
    assertTrue(m.contains("unknown authority 'b'"), m);
    assertTrue(m.contains("line 8"), m);
  }

  @Test
  void thresholdBounds() {
    String base = """
        apiVersion: airlock/v1
        kind: Policy
        name: x
        authorities:
          a: {key: {tuf: keys/a.pub}}
        images:
          - match: "reg.example/**"
            signatures: {threshold: %s, from: [a]}
        """;
    assertTrue(error(base.formatted("2")).contains("between 1 and 1"));
    assertTrue(error(base.formatted("0")).contains("between 1 and 1"));
    assertTrue(error(base.formatted("\"one\"")).contains("whole number"));
  }

  @Test
  void otherErrors() {
    assertTrue(error("apiVersion: airlock/v2\nkind: Policy\nname: x\n").contains("apiVersion"));
    assertTrue(error("apiVersion: airlock/v1\nkind: Pol\nname: x\n").contains("kind"));
    assertTrue(error("apiVersion: airlock/v1\nkind: Policy\n").contains("'name' is required"));
    assertTrue(error("apiVersion: airlock/v1\nkind: Policy\nname: x\nname: y\n").contains("duplicate key"));
    assertTrue(error("apiVersion: airlock/v1\nkind: Policy\nname: x\nmode: lax\n").contains("one of"));
    assertTrue(error("").contains("empty"));
    assertTrue(error("a: [").contains("not valid YAML"));
    assertTrue(error("""
        apiVersion: airlock/v1
        kind: Policy
        name: x
        authorities:
          a: {keyless: {issuer: "https://i", identity: "x", identityRegexp: "y"}}
        """).contains("exactly one of 'identity' or 'identityRegexp'"));
    assertTrue(error("""
        apiVersion: airlock/v1
        kind: Policy
        name: x
        authorities:
          a: {keyless: {issuer: "https://i", identityRegexp: "(unclosed"}}
        """).contains("invalid regexp"));
    assertTrue(error("""
        apiVersion: airlock/v1
        kind: Policy
        name: x
        authorities:
          a: {key: {tuf: keys/a.pub, validFrom: "next week"}}
        """).contains("ISO date"));
    assertTrue(error("""
        apiVersion: airlock/v1
        kind: Policy
        name: x
        authorities:
          a: {key: {tuf: keys/a.pub, validFrom: "2026-02-01", validUntil: "2026-01-01"}}
        """).contains("before it starts"));
    assertTrue(error("""
        apiVersion: airlock/v1
        kind: Policy
        name: x
        authorities:
          a: {key: {tuf: keys/a.pub}}
        images:
          - match: "reg.example/**"
        """).contains("needs 'signatures"));
    assertTrue(error("""
        apiVersion: airlock/v1
        kind: Policy
        name: x
        authorities:
          a: {keyless: {issuer: "https://i", identity: "*@*.example"}}
        """).contains("e-mail wildcard"));
  }

  @Test
  void relativeKeyFilesResolveAgainstThePolicyFolderAndAreRefusedWithoutOne() {
    String yaml = """
        apiVersion: airlock/v1
        kind: Policy
        name: x
        authorities:
          a: {key: {file: keys/it.pub, validUntil: "2026-12-31"}}
        """;
    Authority.Key k = (Authority.Key) parse(yaml).authorities().get("a");
    assertEquals(Path.of("/etc/airlock/keys/it.pub"), k.file());
    assertEquals(Instant.parse("2026-12-31T23:59:59.999999999Z"), k.window().end());
    AirlockException e = assertThrows(AirlockException.class,
        () -> Policies.parse(yaml.getBytes(StandardCharsets.UTF_8), "policy/airlock.yaml", null));
    assertTrue(e.getMessage().contains("relative key file"), e.getMessage());
  }

  @Test
  void aKeyAuthorityMaySayItNeedsNoTransparencyLog() {
    String yaml = """
        apiVersion: airlock/v1
        kind: Policy
        name: x
        authorities:
          offline: {key: {file: /k/vendor.pub, tlog: false}}
          logged: {key: {file: /k/qa.pub}}
          explicit: {key: {tuf: keys/it.pub, tlog: true}}
        """;
    Policy p = parse(yaml);
    assertEquals(false, ((Authority.Key) p.authorities().get("offline")).tlogRequired());
    assertEquals(true, ((Authority.Key) p.authorities().get("logged")).tlogRequired(), "secure default");
    assertEquals(true, ((Authority.Key) p.authorities().get("explicit")).tlogRequired());
    assertEquals(true, new Authority.Key("k", "keys/a.pub", null, null).tlogRequired(), "the old constructor requires a log");
    String bad = yaml.replace("tlog: false", "tlog: \"no\"");
    assertTrue(error(bad).contains("'tlog' must be true or false"), error(bad));
    String keyless = """
        apiVersion: airlock/v1
        kind: Policy
        name: x
        authorities:
          ci: {keyless: {issuer: "https://i.example", identity: "a@b.example", tlog: false}}
        """;
    assertTrue(error(keyless).contains("unknown key 'tlog'"), error(keyless));
  }

  @Test
  void deepNestingIsRefused() {
    String deep = "a: " + "[".repeat(200) + "]".repeat(200) + "\n";
    assertTrue(error(deep).contains("nesting") || error(deep).contains("YAML"));
  }
}
