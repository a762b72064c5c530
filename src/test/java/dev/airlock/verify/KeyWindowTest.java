package dev.airlock.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Keys;
import dev.airlock.testing.Corpus;
import dev.airlock.trust.KeyAuthority;
import dev.airlock.trust.ValidityWindow;
import java.nio.file.Files;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A key authority's validity window is judged at the verified signing time (Rekor SET), never now. */
class KeyWindowTest {
  @Test
  void keyWindowAtTheSigningTime() throws Exception {
    JsonNode c = Corpus.ofKind("sigstore-bundle").stream()
        .filter(x -> x.path("id").asText().equals("conformance.managed-key-happy-path")).findFirst().orElseThrow();
    byte[] bundle = Files.readAllBytes(Corpus.file(c, "bundle"));
    PublicKey key = Keys.parsePublicKey(Files.readAllBytes(Corpus.file(c, "public_key")));
    BundleVerifier v = CorpusCases.verifier(c);
    Artifact a = CorpusCases.byFile(c);
    BundleVerification open = v.verify(bundle, a, VerifyOptions.builder().keyAuthority(
        new KeyAuthority("keys/ci.pub", key, ValidityWindow.ALWAYS)).build());
    assertTrue(open.valid(), open.signature().checks().toString());
    Instant signed = open.signature().signedAt();
    assertTrue(signed != null && "rekor-set".equals(open.signature().timeSource()));
    BundleVerification inside = v.verify(bundle, a, VerifyOptions.builder().keyAuthority(new KeyAuthority(
        "keys/ci.pub", key, new ValidityWindow(signed.minusSeconds(1), signed))).build());
    assertTrue(inside.valid(), inside.signature().checks().toString());
    for (ValidityWindow w : List.of(new ValidityWindow(signed.plusSeconds(1), null),
        new ValidityWindow(null, signed.minusSeconds(1)))) {
      BundleVerification r = v.verify(bundle, a, VerifyOptions.builder().keyAuthority(
          new KeyAuthority("keys/ci.pub", key, w)).build());
      assertEquals(List.of(Reason.KEY_NOT_VALID_AT_TIME), r.signature().reasons(), w.toString());
    }
  }
}
