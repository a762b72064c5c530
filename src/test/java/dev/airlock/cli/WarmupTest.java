package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
    for (String c : Warmup.IMPORT_TYPES) {
      assertDoesNotThrow(() -> dev.airlock.core.Json.prime(Class.forName(c, false, Warmup.class.getClassLoader())), c);
    }
    for (String[] line : new String[][] {{"--home", "h", "verify", "a"}, {"verify-bundle", "--bundle", "b", "a"},
        {"import", "m"}}) {
      Thread t = Warmup.start(line);
      t.join(60_000);
      assertFalse(t.isAlive(), "the warm-up thread ends");
    }
  }

  /** The records warm-up parses, canonicalises and compares what it made (it would report a broken parser). */
  @Test
  void theRecordsWarmUpWorks() {
    assertTrue(Warmup.records());
  }

  /** An AOT cache's training warms up as the first command of its plan (scripts/aot-train). */
  @Test
  void aTrainingRunWarmsAsItsFirstCommand(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path plan = dir.resolve("plan");
    java.nio.file.Files.writeString(plan, "\n0\t--home\th\tverify\treg/a:1\n0\timport\tm\n");
    assertEquals(Warmup.Plan.AUDIT, Warmup.plan(new String[] {AotTraining.OPTION, plan.toString()}));
    java.nio.file.Files.writeString(plan, "0\t--home\th\timport\t--quiet\tm\n");
    assertEquals(Warmup.Plan.IMPORT, Warmup.plan(new String[] {AotTraining.OPTION, plan.toString()}));
    java.nio.file.Files.writeString(plan, "0\tverify-bundle\t--bundle\tb\ta\n");
    assertEquals(Warmup.Plan.VERIFY, Warmup.plan(new String[] {AotTraining.OPTION, plan.toString()}));
    assertEquals(Warmup.Plan.VERIFY, Warmup.plan(new String[] {AotTraining.OPTION, dir.resolve("missing").toString()}));
  }

  /** The plan by command line; the names it knows are commands. */
  @Test
  void thePlanFollowsTheCommandLine() {
    assertEquals(Warmup.Plan.AUDIT, Warmup.plan(new String[] {"--home", "h", "verify", "reg/a:1"}));
    assertEquals(Warmup.Plan.AUDIT, Warmup.plan(new String[] {"verify", "-o", "text", "reg/a:1", "reg/b:2"}));
    assertEquals(Warmup.Plan.BOTH, Warmup.plan(new String[] {"verify", "reg/a:1", "--key", "k.pem"}));
    assertEquals(Warmup.Plan.BOTH, Warmup.plan(new String[] {"verify", "--certificate-identity=x", "reg/a:1"}));
    assertEquals(Warmup.Plan.BOTH, Warmup.plan(new String[] {"verify", "--policy", "p.yaml", "reg/a:1"}));
    assertEquals(Warmup.Plan.IMPORT, Warmup.plan(new String[] {"import", "m"}));
    assertEquals(Warmup.Plan.IMPORT, Warmup.plan(new String[] {"--home", "h", "import", "--quiet", "m"}));
    assertEquals(Warmup.Plan.BOTH, Warmup.plan(new String[] {"--json", "policy", "set", "p.yaml"}));
    assertEquals(Warmup.Plan.VERIFY, Warmup.plan(new String[] {"verify-bundle", "--bundle", "b", "--trusted-root", "r", "a"}));
    assertEquals(Warmup.Plan.VERIFY, Warmup.plan(new String[] {"--version"}));
    for (String c : new String[] {"verify-bundle", "keygen", "repo", "sign", "pack"}) {
      assertTrue(Main.SUBCOMMANDS.containsKey(c), c);
      assertEquals(Warmup.Plan.VERIFY, Warmup.plan(new String[] {c}), c);
    }
  }
}
