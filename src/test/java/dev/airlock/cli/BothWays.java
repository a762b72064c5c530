package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.testing.ApplianceLab;

/** Runs one plain command line as {@link Main#run} does (read by {@link PlainLine}) and through picocli. */
final class BothWays {
  private BothWays() {}

  /**
   * Asserts that {@code line} is a plain line and that both ways exit with the same code and print
   * the same stdout and stderr; returns the exit code.
   */
  static int run(ApplianceLab l, String... line) {
    assertTrue(PlainLine.parse(line) != null, "a plain line: " + String.join(" ", line));
    ApplianceLab.Run plain = l.run(line);
    ApplianceLab.Run picocli = l.runWithPicocli(line);
    assertEquals(picocli.code(), plain.code(), String.join(" ", line) + "\n" + picocli + "\n" + plain);
    assertEquals(picocli.out(), plain.out(), String.join(" ", line));
    assertEquals(picocli.err(), plain.err(), String.join(" ", line));
    return plain.code();
  }
}
