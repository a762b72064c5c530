package dev.airlock.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.testing.Corpus;
import java.nio.file.Files;
import java.security.Security;

/**
 * Verifies one corpus bundle case and prints the outcome; run by {@link NoJcaProviderTest} in a
 * fresh JVM with {@code -verbose:class}, so that every class the verification loads is listed.
 */
public final class NoJcaProviderMain {
  private NoJcaProviderMain() {}

  public static void main(String[] args) throws Exception {
    String id = args[0];
    JsonNode c = Corpus.ofKind("sigstore-bundle").stream()
        .filter(x -> x.path("id").asText().equals(id)).findFirst().orElseThrow();
    BundleVerification r = CorpusCases.verifier(c).verify(Files.readAllBytes(Corpus.file(c, "bundle")),
        CorpusCases.byFile(c), CorpusCases.options(c));
    System.out.println("checks " + r.signature().checks().stream().map(Check::id).toList());
    System.out.println("BC provider registered: " + (Security.getProvider("BC") != null));
    System.out.println(r.valid() ? "VERIFIED " + id : "DENIED " + id + " " + r.signature().reasons());
    System.exit(r.valid() ? 0 : 1);
  }
}
