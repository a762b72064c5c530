package dev.airlock.lab;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstore.KeylessVerificationException;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.strings.StringMatcher;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's output is realistic: sigstore-java 2.0.0's KeylessVerifier, an independent
 * implementation, accepts lab bundles of every kind it supports (keyless; Rekor v1 hashedrekord
 * and dsse; Rekor v2 with an RFC 3161 timestamp; v0.2/v0.3; P-384 and P-256 intermediates) and
 * rejects tampered ones.
 */
class SigstoreJavaDifferentialTest {
  static SigstoreLab lab;
  static KeylessVerifier verifier;
  static final byte[] ARTIFACT = "hello, airlock\n".getBytes(StandardCharsets.UTF_8);
  static final String EMAIL = "dev@lab.internal";

  @BeforeAll
  static void setUp(@TempDir Path dir) throws Exception {
    lab = SigstoreLab.create(42);
    verifier = verifierFor(lab, dir.resolve("trusted_root.json"));
  }

  static KeylessVerifier verifierFor(SigstoreLab l, Path file) throws Exception {
    Path root = l.trustedRoot().writeTo(file);
    return KeylessVerifier.builder().trustedRootProvider(TrustedRootProvider.from(root)).build();
  }

  static VerificationOptions identity(String san, String issuer) {
    return VerificationOptions.builder().addCertificateMatchers(VerificationOptions.CertificateMatcher.fulcio()
        .subjectAlternativeName(StringMatcher.string(san))
        .issuer(StringMatcher.string(issuer)).build()).build();
  }

  static void verify(KeylessVerifier v, String json, String san, String issuer) throws Exception {
    v.verify(LabCrypto.sha256(ARTIFACT), Bundle.from(new StringReader(json)), identity(san, issuer));
  }

  static void verify(LabBundle b, String san) throws Exception {
    verify(verifier, b.json(), san, LeafSpec.DEFAULT_ISSUER);
  }

  @Test
  void acceptsKeylessMessageSignatureRekorV1V03() {
    LabBundle b = lab.bundle(lab.keyless(LeafSpec.email(EMAIL))).messageSignature(ARTIFACT).build();
    assertDoesNotThrow(() -> verify(b, EMAIL));
  }

  @Test
  void acceptsV03LegacyMediaTypeAndV02WithChain() {
    for (BundleBuilder.Version v : List.of(BundleBuilder.Version.V0_3_LEGACY_MEDIA_TYPE, BundleBuilder.Version.V0_2)) {
      LabBundle b = lab.bundle(lab.keyless(LeafSpec.email(EMAIL))).version(v).messageSignature(ARTIFACT).build();
      assertDoesNotThrow(() -> verify(b, EMAIL), v.name());
    }
  }

  @Test
  void acceptsUriIdentityWithGithubExtensionsAndLegacyIssuer() {
    LeafSpec spec = LeafSpec.githubWorkflow("acme/app", ".github/workflows/release.yml", "refs/heads/main");
    LabBundle b = lab.bundle(lab.keyless(spec)).messageSignature(ARTIFACT).build();
    assertDoesNotThrow(() -> verify(verifier, b.json(), spec.san(), spec.issuer()));
  }

  @Test
  void acceptsDsseInTotoStatementRekorV1() {
    byte[] stmt = Statements.slsaProvenanceV1("reg.lab.internal/app", LabCrypto.hex(LabCrypto.sha256(ARTIFACT)),
        "https://github.com/actions/runner", "https://github.com/acme/app", "refs/heads/main",
        "0123456789abcdef0123456789abcdef01234567");
    LabBundle b = lab.bundle(lab.keyless(LeafSpec.email(EMAIL))).dsse(BundleBuilder.IN_TOTO, stmt).build();
    assertDoesNotThrow(() -> verify(b, EMAIL));
  }

  @Test
  void acceptsRekorV2WithTimestamp() {
    LabBundle b = lab.bundle(lab.keyless(LeafSpec.email(EMAIL))).messageSignature(ARTIFACT)
        .tlogs(LabRekor.Version.V2).dsseKindV2("dsse").timestamp().build();
    assertDoesNotThrow(() -> verify(b, EMAIL));
  }

  @Test
  void acceptsP256Intermediate(@TempDir Path dir) throws Exception {
    SigstoreLab l = SigstoreLab.create(7, SigstoreLab.DEFAULT_EPOCH, true, 100);
    KeylessVerifier v = verifierFor(l, dir.resolve("trusted_root.json"));
    LabBundle b = l.bundle(l.keyless(LeafSpec.email(EMAIL))).messageSignature(ARTIFACT).build();
    assertDoesNotThrow(() -> verify(v, b.json(), EMAIL, LeafSpec.DEFAULT_ISSUER));
  }

  @Test
  void rejectsWrongIdentityAndOtherLab(@TempDir Path dir) throws Exception {
    LabBundle b = lab.bundle(lab.keyless(LeafSpec.email(EMAIL))).messageSignature(ARTIFACT).build();
    assertThrows(KeylessVerificationException.class, () -> verify(b, "other@lab.internal"));
    KeylessVerifier otherLab = verifierFor(SigstoreLab.create(43, SigstoreLab.DEFAULT_EPOCH, false, 10),
        dir.resolve("other.json"));
    assertThrows(KeylessVerificationException.class,
        () -> verify(otherLab, b.json(), EMAIL, LeafSpec.DEFAULT_ISSUER));
  }

  @Test
  void rejectsMutations() {
    LabBundle b = lab.bundle(lab.keyless(LeafSpec.email(EMAIL))).messageSignature(ARTIFACT).build();
    lab.advance(Duration.ofMinutes(1));
    LabBundle other = lab.bundle(lab.keyless(LeafSpec.email(EMAIL))).messageSignature(ARTIFACT).build();
    List<String> accepted = new ArrayList<>();
    List<BundleMutations.Mutation> ms = BundleMutations.of(lab, b, other);
    for (BundleMutations.Mutation m : ms) {
      try {
        verify(verifier, m.json(), EMAIL, LeafSpec.DEFAULT_ISSUER);
        accepted.add(m.name());
      } catch (Exception | AssertionError e) {
        // rejected (sigstore-java also throws unchecked exceptions on some malformed input)
      }
    }
    System.out.println("sigstore-java accepted " + accepted.size() + " of " + ms.size() + ": " + accepted);
    assertTrue(ms.size() > 40, "mutations: " + ms.size());
    accepted.removeIf(SigstoreJavaDifferentialTest::knownSigstoreJavaGap);
    assertEquals(List.of(), accepted);
  }

  @Test
  void rejectsMutationsOfDsseRekorV2TimestampBundle() {
    // sigstore-java 2.0.0 does not support DSSE logged as hashedrekord 0.0.2 (#1202): use dsse 0.0.2.
    byte[] stmt = Statements.cosignSign("reg.lab.internal/app", LabCrypto.hex(LabCrypto.sha256(ARTIFACT)));
    LabBundle b = lab.bundle(lab.keyless(LeafSpec.email(EMAIL))).dsse(BundleBuilder.IN_TOTO, stmt)
        .tlogs(LabRekor.Version.V2).dsseKindV2("dsse").timestamp().build();
    assertDoesNotThrow(() -> verify(b, EMAIL));
    lab.advance(Duration.ofMinutes(1));
    LabBundle other = lab.bundle(lab.keyless(LeafSpec.email(EMAIL))).dsse(BundleBuilder.IN_TOTO, stmt)
        .tlogs(LabRekor.Version.V2).dsseKindV2("dsse").timestamp().build();
    List<String> accepted = new ArrayList<>();
    List<BundleMutations.Mutation> ms = BundleMutations.of(lab, b, other);
    for (BundleMutations.Mutation m : ms) {
      try {
        verify(verifier, m.json(), EMAIL, LeafSpec.DEFAULT_ISSUER);
        accepted.add(m.name());
      } catch (Exception | AssertionError e) {
        // rejected
      }
    }
    System.out.println("sigstore-java accepted " + accepted.size() + " of " + ms.size() + ": " + accepted);
    assertTrue(ms.size() > 40, "mutations: " + ms.size());
    accepted.removeIf(SigstoreJavaDifferentialTest::knownSigstoreJavaGap);
    assertEquals(List.of(), accepted);
  }

  /**
   * Mutations sigstore-java 2.0.0 is known to accept (airlock must still deny them): trailing
   * bytes after the certificate DER are ignored, and the log index / tree size fields are not
   * strictly bound (which wrong values pass depends on the leaf's position in the tree).
   */
  static boolean knownSigstoreJavaGap(String mutation) {
    return mutation.equals("/verificationMaterial/certificate/rawBytes/extend")
        || mutation.matches("/verificationMaterial/tlogEntries/0/(inclusionProof/)?(logIndex|treeSize)/.*");
  }
}
