package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The warm-up thread names only classes that exist here and that it can initialise, and ends. */
class WarmupTest {
  @Test
  void everyClassExistsAndInitialises() throws Exception {
    for (String c : Warmup.CLASSES) {
      assertDoesNotThrow(() -> Class.forName(c, true, Warmup.class.getClassLoader()), c);
    }
    for (String[] line : new String[][] {{"--home", "h", "verify", "a"}, {"verify-bundle", "--bundle", "b", "a"}}) {
      Thread t = Warmup.start(line);
      t.join(60_000);
      assertFalse(t.isAlive(), "the warm-up thread ends");
    }
  }

  /** The audit signature is warmed for the commands on a home only; the names it knows are commands. */
  @Test
  void theAuditSignatureIsWarmedForCommandsOnAHome() {
    assertTrue(Warmup.audits(new String[] {"--home", "h", "verify", "reg/a:1"}));
    assertTrue(Warmup.audits(new String[] {"import", "m"}));
    assertTrue(Warmup.audits(new String[] {"--json", "policy", "set", "p.yaml"}));
    assertFalse(Warmup.audits(new String[] {"verify-bundle", "--bundle", "b", "--trusted-root", "r", "a"}));
    assertFalse(Warmup.audits(new String[] {"keygen", "--output-key-prefix", "k"}));
    assertFalse(Warmup.audits(new String[] {"--version"}));
    for (String c : new String[] {"verify-bundle", "keygen", "repo", "sign", "pack"}) {
      assertTrue(Main.SUBCOMMANDS.containsKey(c), c);
      assertFalse(Warmup.audits(new String[] {c}), c);
    }
  }
}
