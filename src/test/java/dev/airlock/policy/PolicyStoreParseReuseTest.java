package dev.airlock.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.airlock.core.AirlockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@link PolicyStore.Installed#policy()} gives back the last parse only for the same bytes, label,
 * base folder and digest (issue 17): another policy, another key folder or damaged bytes are
 * parsed again, never answered from the reuse.
 */
class PolicyStoreParseReuseTest {
  private static final Instant AT = Instant.parse("2026-12-01T00:00:00Z");

  private static String policy(String name) {
    return "apiVersion: airlock/v1\nkind: Policy\nname: " + name + "\nmode: enforce\nauthorities:\n"
        + "  qa: {key: {file: keys/qa.pub}}\nimages:\n  - match: \"reg.example/**\"\n"
        + "    signatures: {threshold: 1, from: [qa]}\n";
  }

  private static PolicyStore.Installed installed(String yaml, Path baseDir) {
    byte[] b = yaml.getBytes(StandardCharsets.UTF_8);
    return new PolicyStore.Installed(1, "p", "sha256:" + dev.airlock.crypto.Hashing.sha256Hex(b), b, AT, "init",
        baseDir, null);
  }

  private static Path keyFile(Policy p) {
    return ((Authority.Key) p.authorities().get("qa")).file();
  }

  @Test
  void reusedOnlyForTheSameInputs() {
    Path a = Path.of("/srv/a");
    Policy first = installed(policy("one"), a).policy();
    assertEquals("one", first.name());
    assertEquals(first, installed(policy("one"), a).policy());
    assertEquals("two", installed(policy("two"), a).policy().name());
    assertEquals(Path.of("/srv/b/keys/qa.pub"), keyFile(installed(policy("two"), Path.of("/srv/b")).policy()));
    assertEquals(Path.of("/srv/a/keys/qa.pub"), keyFile(installed(policy("two"), a).policy()));
  }

  @Test
  void damagedBytesAreRefusedAfterTheGoodOnes() {
    Path a = Path.of("/srv/a");
    installed(policy("one"), a).policy();
    // the same bytes without a folder: a relative key file is refused (a policy delivered by TUF)
    assertThrows(AirlockException.class, () -> installed(policy("one"), null).policy());
    installed(policy("one"), a).policy();
    String damaged = policy("one").replace("threshold: 1", "threshold: one");
    assertThrows(AirlockException.class, () -> installed(damaged, a).policy());
  }
}
