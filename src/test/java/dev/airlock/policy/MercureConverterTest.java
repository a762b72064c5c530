package dev.airlock.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.AirlockException;
import dev.airlock.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MercureConverterTest {
  static final String CONFIG = """
      {"modules": {
        "seg": {"docker_tag": "mycompany/algorithm:v1.0", "require_signature": true,
                "signature_certificate_identity": "developer@mycompany.com",
                "signature_certificate_oidc_issuer": "https://github.com/login/oauth"},
        "qa-tool": {"docker_tag": "reg.hospital.example/qa/tool:2",
                "settings": {"require_signature": "True",
                             "signature_certificate_identity": "*@hospital.example",
                             "signature_certificate_oidc_issuer": "https://login.hospital.example"}},
        "legacy": {"docker_tag": "old/thing:1", "require_signature": "false"},
        "seg2": {"docker_tag": "mycompany/algorithm:v2.0", "settings": {"require_signature": 1,
                "signature_certificate_identity": "developer@mycompany.com",
                "signature_certificate_oidc_issuer": "https://github.com/login/oauth"}}
      }}
      """;

  static Policy convertAndParse(String json, String module) {
    String yaml = MercureConverter.convert(json.getBytes(StandardCharsets.UTF_8), "mercure.json", module);
    return Policies.parse(yaml.getBytes(StandardCharsets.UTF_8), "converted.yaml", null);
  }

  @Test
  void convertsEveryModuleThatRequiresASignature() {
    Policy p = convertAndParse(CONFIG, null);
    assertEquals(2, p.authorities().size(), "seg and seg2 share one (identity, issuer)");
    assertEquals(2, p.rules().size());
    Digest d = Digest.parse("sha256:" + "1".repeat(64));
    Rule seg = p.ruleFor(d, List.of("docker.io/mycompany/algorithm")).orElseThrow();
    assertEquals(1, seg.threshold());
    Authority.Keyless a = (Authority.Keyless) p.authorities().get(seg.signers().get(0));
    assertTrue(a.identity().matches("developer@mycompany.com"));
    assertFalse(a.identity().matches("other@mycompany.com"));
    assertTrue(a.issuer().matches("https://github.com/login/oauth"));
    Rule qa = p.ruleFor(d, List.of("reg.hospital.example/qa/tool")).orElseThrow();
    Authority.Keyless q = (Authority.Keyless) p.authorities().get(qa.signers().get(0));
    assertEquals(IdentityMatcher.Kind.EMAIL_DOMAIN, q.identity().kind());
    assertTrue(q.identity().matches("alice@hospital.example"));
    assertFalse(q.identity().matches("alice@evil-hospital.example"));
    assertTrue(p.ruleFor(d, List.of("docker.io/old/thing")).isEmpty(), "unsigned modules get no rule");
    assertTrue(p.rejectMutableTags());
    assertEquals(Policy.NoMatch.DENY, p.noMatch());
  }

  @Test
  void oneModule() {
    Policy p = convertAndParse(CONFIG, "qa-tool");
    assertEquals(1, p.rules().size());
    assertThrows(AirlockException.class, () -> convertAndParse(CONFIG, "nope"));
  }

  @Test
  void mutableTagsKeepCosignsBehaviour() {
    Policy p = convertAndParse("""
        {"modules": {"m": {"docker_tag": "mycompany/algorithm", "require_signature": true,
          "signature_certificate_identity": "a@b.example", "signature_certificate_oidc_issuer": "https://i"}}}
        """, null);
    assertFalse(p.rejectMutableTags());
  }

  @Test
  void incompleteSettingsAreRefused() {
    AirlockException e = assertThrows(AirlockException.class, () -> convertAndParse("""
        {"modules": {"m": {"docker_tag": "x/y:1", "require_signature": true,
          "signature_certificate_identity": "a@b.example"}}}
        """, null));
    assertTrue(e.getMessage().contains("'m'"), e.getMessage());
    assertThrows(AirlockException.class, () -> convertAndParse("{\"nomodules\": {}}", null));
    assertThrows(AirlockException.class, () -> convertAndParse("""
        {"modules": {"m": {"docker_tag": "NOT A TAG", "require_signature": true,
          "signature_certificate_identity": "a@b.example", "signature_certificate_oidc_issuer": "https://i"}}}
        """, null));
  }

  @Test
  void quotingSurvivesHostileValues() {
    Policy p = convertAndParse("""
        {"modules": {"m": {"docker_tag": "x/y:1", "require_signature": true,
          "signature_certificate_identity": "a\\"b\\\\c\\n: d", "signature_certificate_oidc_issuer": "https://i"}}}
        """, null);
    Authority.Keyless a = (Authority.Keyless) p.authorities().values().iterator().next();
    assertTrue(a.identity().matches("a\"b\\c\n: d"));
  }
}
