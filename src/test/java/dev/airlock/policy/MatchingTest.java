package dev.airlock.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MatchingTest {
  static final Digest D1 = Digest.parse("sha256:" + "a".repeat(64));
  static final Digest D2 = Digest.parse("sha256:" + "b".repeat(64));

  @Test
  void singleStarStaysInOneSegment() {
    ImageMatch m = ImageMatch.parse("reg.example/ai/*");
    assertTrue(m.matches(D1, List.of("reg.example/ai/seg")));
    assertFalse(m.matches(D1, List.of("reg.example/ai/seg/v2")));
    assertFalse(m.matches(D1, List.of("reg.example/aix/seg")));
  }

  @Test
  void doubleStarCrossesSegments() {
    ImageMatch m = ImageMatch.parse("reg.example/ai/**");
    assertTrue(m.matches(D1, List.of("reg.example/ai/seg")));
    assertTrue(m.matches(D1, List.of("reg.example/ai/seg/v2")));
    assertFalse(m.matches(D1, List.of("reg.example/other/seg")));
    assertFalse(m.matches(D1, List.of("evil.example/reg.example/ai/seg")));
  }

  @Test
  void literalCharactersAreNotRegexp() {
    ImageMatch m = ImageMatch.parse("reg.example/a.b");
    assertTrue(m.matches(D1, List.of("reg.example/a.b")));
    assertFalse(m.matches(D1, List.of("reg.example/aXb")));
  }

  @Test
  void digestPins() {
    assertTrue(ImageMatch.parse(D1.toString()).matches(D1, List.of("x/y")));
    assertFalse(ImageMatch.parse(D1.toString()).matches(D2, List.of("x/y")));
    ImageMatch repoPin = ImageMatch.parse("reg.example/ai/seg@" + D1);
    assertTrue(repoPin.matches(D1, List.of("reg.example/ai/seg")));
    assertFalse(repoPin.matches(D1, List.of("reg.example/ai/other")));
    assertThrows(IllegalArgumentException.class, () -> ImageMatch.parse("reg.example/*@" + D1));
    assertThrows(IllegalArgumentException.class, () -> ImageMatch.parse("reg.example/ai:1.0"));
    assertThrows(IllegalArgumentException.class, () -> ImageMatch.parse("sha256:abc"));
  }

  @Test
  void mostSpecificRuleWins() {
    String yaml = """
        apiVersion: airlock/v1
        kind: Policy
        name: x
        authorities:
          a: {key: {tuf: keys/a.pub}}
          b: {key: {tuf: keys/b.pub}}
          c: {key: {tuf: keys/c.pub}}
        images:
          - match: "**"
            signatures: {from: [a]}
          - match: "reg.example/ai/**"
            signatures: {from: [b]}
          - match: "reg.example/ai/seg"
            signatures: {from: [c]}
          - match: "%s"
            signatures: {from: [a, b, c]}
        """.formatted(D2);
    Policy p = Policies.parse(yaml.getBytes(StandardCharsets.UTF_8), "p", Path.of("/"));
    assertEquals("reg.example/ai/seg", p.ruleFor(D1, List.of("reg.example/ai/seg")).orElseThrow().match().text());
    assertEquals("reg.example/ai/**", p.ruleFor(D1, List.of("reg.example/ai/x/y")).orElseThrow().match().text());
    assertEquals("**", p.ruleFor(D1, List.of("docker.io/library/ubuntu")).orElseThrow().match().text());
    assertEquals(D2.toString(), p.ruleFor(D2, List.of("reg.example/ai/seg")).orElseThrow().match().text());
  }

  @Test
  void identityMatching() {
    IdentityMatcher exact = IdentityMatcher.exact("https://ci.example/x");
    assertTrue(exact.matches("https://ci.example/x"));
    assertFalse(exact.matches("https://ci.example/x/"));
    assertFalse(exact.matches(null));
    IdentityMatcher re = IdentityMatcher.regexp("https://ci\\.example/.*");
    assertTrue(re.matches("https://ci.example/a"));
    assertFalse(re.matches("evil https://ci.example/a"), "regexp must match the whole string");
    IdentityMatcher dom = IdentityMatcher.exactOrEmailDomain("*@hospital.example");
    assertEquals(IdentityMatcher.Kind.EMAIL_DOMAIN, dom.kind());
    assertTrue(dom.matches("alice@hospital.example"));
    assertTrue(dom.matches("alice@HOSPITAL.example"));
    assertFalse(dom.matches("alice@evil.hospital.example"), "subdomains are another domain");
    assertFalse(dom.matches("alice@hospital.example.evil"));
    assertFalse(dom.matches("alice@hospitalexample"));
    assertFalse(dom.matches("hospital.example"));
    assertFalse(dom.matches("@hospital.example"));
    assertFalse(dom.matches("a@b@hospital.example"));
    assertFalse(dom.matches("a b@hospital.example"));
    assertThrows(IllegalArgumentException.class, () -> IdentityMatcher.emailDomain("*hospital.example"));
    assertThrows(IllegalArgumentException.class, () -> IdentityMatcher.emailDomain("*@"));
  }
}
