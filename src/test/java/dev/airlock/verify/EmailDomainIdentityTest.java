package dev.airlock.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.Reason;
import dev.airlock.lab.LeafSpec;
import dev.airlock.lab.SigstoreLab;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 3: mercure's {@code *@clinic.example} identities must match only e-mail SANs
 * (rfc822Name) holding a proper addr-spec in exactly that domain; a URI SAN ending in
 * {@code /@clinic.example} or a Fulcio otherName username never matches.
 */
class EmailDomainIdentityTest {
  static final byte[] ARTIFACT = "lab artifact\n".getBytes(StandardCharsets.UTF_8);
  static SigstoreLab lab;
  static BundleVerifier verifier;

  @BeforeAll
  static void lab() {
    lab = SigstoreLab.create(3);
    TrustedRoot root = TrustedRoot.parse(lab.trustedRoot().json().getBytes(StandardCharsets.UTF_8), "lab");
    verifier = new BundleVerifier(TrustSnapshot.ofRoots("lab", Instant.EPOCH, List.of(root)));
  }

  static BundleVerification verify(LeafSpec spec, VerifyOptions o) {
    String json = lab.bundle(lab.keyless(spec)).messageSignature(ARTIFACT).build().json();
    return verifier.verify(json.getBytes(StandardCharsets.UTF_8), Artifact.ofBytes(ARTIFACT), o);
  }

  static VerifyOptions domain(String d) {
    return VerifyOptions.builder().identityEmailDomain(d).issuer(LeafSpec.DEFAULT_ISSUER).build();
  }

  @Test
  void theGlueRegexpAdmitsAUriSanWhichIsWhyItMustSwitch() {
    // what ImageDecisions builds today for "*@clinic.example": documents the hole
    VerifyOptions regexp = VerifyOptions.builder().identityRegexp("[^@\\s]+@(?i:clinic\\.example)")
        .issuer(LeafSpec.DEFAULT_ISSUER).build();
    assertTrue(verify(LeafSpec.uri("https://build.evil.example/p/@clinic.example"), regexp).valid());
  }

  @Test
  void uriSanNeverMatchesAnEmailDomain() {
    BundleVerification r = verify(LeafSpec.uri("https://build.evil.example/p/@clinic.example"), domain("clinic.example"));
    assertFalse(r.valid(), "URI SAN matched an e-mail domain: " + r.signature().checks());
    assertEquals(Reason.IDENTITY_MISMATCH, r.signature().reasons().get(0));
    Check c = r.signature().checks().stream().filter(Check::failed).findFirst().orElseThrow();
    assertTrue(c.actual().startsWith("uri:"), "the SAN type is shown: " + c.actual());
  }

  @Test
  void otherNameUsernameNeverMatchesAnEmailDomain() {
    for (String user : List.of("alice@clinic.example", "alice!clinic.example")) {
      BundleVerification r = verify(LeafSpec.otherName(user), domain("clinic.example"));
      assertFalse(r.valid(), "otherName " + user + " matched an e-mail domain: " + r.signature().checks());
    }
  }

  @Test
  void emailSanInTheDomainMatchesCaseInsensitively() {
    for (String mail : List.of("alice@clinic.example", "dr.bob+ci@CLINIC.Example")) {
      BundleVerification r = verify(LeafSpec.email(mail), domain("clinic.example"));
      assertTrue(r.valid(), mail + ": " + r.signature().checks());
      assertEquals(mail, r.signature().identity());
    }
  }

  @Test
  void emailSanThatIsNoProperAddrSpecInTheDomainIsDenied() {
    for (String mail : List.of("a@b@clinic.example", "alice@sub.clinic.example", "@clinic.example",
        "alice@clinic.example.evil", ".alice@clinic.example", "al..ice@clinic.example", "alice.@clinic.example",
        "al ice@clinic.example", "alice@clinic.example ", "\"a@b\"@clinic.example", "alice@evil.example")) {
      BundleVerification r = verify(LeafSpec.email(mail), domain("clinic.example"));
      assertFalse(r.valid(), "'" + mail + "' matched: " + r.signature().checks());
      assertEquals(Reason.IDENTITY_MISMATCH, r.signature().reasons().get(0), mail);
    }
  }

  @Test
  void domainArgumentIsValidated() {
    for (String bad : new String[] {"", "*.clinic.example", "clinic..example", "a@clinic.example", "clinic example"}) {
      assertThrows(IllegalArgumentException.class, () -> VerifyOptions.builder().identityEmailDomain(bad), bad);
    }
  }
}
