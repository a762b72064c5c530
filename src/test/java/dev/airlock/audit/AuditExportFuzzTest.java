package dev.airlock.audit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.AirlockException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;

/**
 * Fuzz target for the audit export JSONL that {@code airlock audit verify EXPORT} reads with only
 * the appliance's public key (issue 13 "Fuzzing"): only AirlockException (AuditTamperedException)
 * may come out.
 */
class AuditExportFuzzTest {
  private static final PublicKey KEY;
  private static final Path FILE;

  static {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KEY = g.generateKeyPair().getPublic();
      FILE = Files.createTempFile("airlock-fuzz-export", ".jsonl");
      FILE.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @FuzzTest
  void auditExport(byte[] data) throws IOException {
    Files.write(FILE, data);
    try {
      ExportVerifier.verify(FILE, KEY, null);
    } catch (AirlockException refused) {
      // documented refusal
    }
  }
}
