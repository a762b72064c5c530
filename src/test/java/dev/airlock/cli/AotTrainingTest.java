package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT training entry point ({@code airlock --aot-training PLAN}, scripts/aot-train): it runs
 * every planned command and fails when one ends otherwise than planned, so a training run that
 * took another path (and would record a cache for the wrong classes) does not pass unnoticed.
 */
class AotTrainingTest {
  @TempDir Path dir;

  private int train(String plan, StringWriter err) throws Exception {
    Path p = dir.resolve("plan");
    Files.writeString(p, plan);
    return AotTraining.run(p, Map.of(), new PrintWriter(err, true));
  }

  @Test
  void runsEveryPlannedCommand() throws Exception {
    StringWriter err = new StringWriter();
    Path noHome = dir.resolve("no-home");
    int code = train("0\t--version\n\n2\t--home\t" + noHome + "\tverify-bundle\n0\t--help\n", err);
    assertEquals(0, code, err.toString());
    assertEquals("", err.toString());
    assertFalse(Files.exists(noHome), "no home is created");
  }

  @Test
  void aCommandThatEndsOtherwiseFailsTheTraining() throws Exception {
    StringWriter err = new StringWriter();
    // verify-bundle without who signed is a usage error (2), not a verification (0)
    int code = train("0\t--version\n0\tverify-bundle\t--bundle\tx.json\tx.txt\n", err);
    assertEquals(ExitCode.INTERNAL.code(), code);
    assertTrue(err.toString().contains("exit 2, planned 0: verify-bundle --bundle x.json x.txt"), err.toString());
  }

  @Test
  void anEmptyOrMalformedPlanIsRefused() throws Exception {
    assertEquals(ExitCode.INTERNAL.code(), train("\n", new StringWriter()), "no command: nothing was trained");
    StringWriter err = new StringWriter();
    assertEquals(ExitCode.USAGE.code(), train("--version\n", err));
    assertTrue(err.toString().contains("expected exit code"), err.toString());
  }
}
