package dev.airlock.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifying a keyless bundle loads no Bouncy Castle JCA provider: a fresh JVM (the test JVM has
 * the provider loaded by the lab) verifies a corpus bundle with a Fulcio chain, SCT, Rekor SET and
 * RFC 3161 timestamp, under {@code -verbose:class}, and no class of
 * {@code org.bouncycastle.jce.provider} or {@code org.bouncycastle.jcajce.provider} may appear in
 * the class-load log (constructing {@code BouncyCastleProvider} cost about 120 ms per process).
 */
class NoJcaProviderTest {
  static final String CASE = "sigstore-java.rekor-v1-with-rfc3161-timestamp";

  @Test
  void keylessVerificationLoadsNoBouncyCastleProvider(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("child.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-verbose:class"));
    if (System.getProperty("airlock.shared") != null) {
      cmd.add("-Dairlock.shared=" + System.getProperty("airlock.shared"));
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NoJcaProviderMain.class.getName(), CASE));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    assertEquals(0, p.exitValue(), tail);
    assertTrue(lines.contains("VERIFIED " + CASE), tail);
    assertTrue(lines.contains("BC provider registered: false"), tail);
    // the log really lists what the verification used (else the checks below prove nothing)
    for (String used : List.of("dev.airlock.crypto.Signatures", "dev.airlock.crypto.Certificates",
        "org.bouncycastle.crypto.signers.ECDSASigner", "org.bouncycastle.tsp.TimeStampToken")) {
      assertTrue(lines.stream().anyMatch(l -> l.contains(" " + used + " ")), used + " not in the class-load log");
    }
    List<String> provider = lines.stream()
        .filter(l -> l.contains("org.bouncycastle.jce.provider.") || l.contains("org.bouncycastle.jcajce.provider."))
        .toList();
    assertTrue(provider.isEmpty(), provider.size() + " Bouncy Castle JCA provider classes were loaded, first: "
        + String.join("\n", provider.subList(0, Math.min(5, provider.size()))));
    assertTrue(lines.stream().noneMatch(l -> l.contains("BouncyCastleProvider")));
  }
}
