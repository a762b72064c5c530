package dev.airlock.lab;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sigstore.KeylessVerificationException;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.strings.StringMatcher;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's output is realistic: sigstore-java 2.0.0's KeylessVerifier, an independent
 * implementation, accepts lab bundles of the kinds it supports and rejects tampered ones.
 */
class SigstoreJavaDifferentialTest {
  static SigstoreLab lab;
  static KeylessVerifier verifier;
  static final byte[] ARTIFACT = "hello, airlock\n".getBytes(StandardCharsets.UTF_8);

  @BeforeAll
  static void setUp(@TempDir Path dir) throws Exception {
    lab = SigstoreLab.create(42);
    Path root = lab.trustedRoot().writeTo(dir.resolve("trusted_root.json"));
    verifier = KeylessVerifier.builder().trustedRootProvider(TrustedRootProvider.from(root)).build();
  }

  static VerificationOptions identity(String san) {
    return VerificationOptions.builder().addCertificateMatchers(VerificationOptions.CertificateMatcher.fulcio()
        .subjectAlternativeName(StringMatcher.string(san))
        .issuer(StringMatcher.string(LeafSpec.DEFAULT_ISSUER)).build()).build();
  }

  static void verify(LabBundle b, VerificationOptions o) throws Exception {
    verifier.verify(LabCrypto.sha256(ARTIFACT), Bundle.from(new StringReader(b.json())), o);
  }

  @Test
  void acceptsKeylessMessageSignatureRekorV1V03() {
    LabBundle b = lab.bundle(lab.keyless(LeafSpec.email("dev@lab.internal"))).messageSignature(ARTIFACT).build();
    assertDoesNotThrow(() -> verify(b, identity("dev@lab.internal")));
  }

  @Test
  void rejectsWrongIdentity() {
    LabBundle b = lab.bundle(lab.keyless(LeafSpec.email("dev@lab.internal"))).messageSignature(ARTIFACT).build();
    assertThrows(KeylessVerificationException.class, () -> verify(b, identity("other@lab.internal")));
  }
}
