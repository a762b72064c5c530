package dev.airlock.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The AOT training run's entry point (issue 17, {@code scripts/aot-train}): runs several airlock
 * command lines in this one JVM, because JDK 25's one-step {@code -XX:AOTCacheOutput} (JEP 514)
 * records exactly one process, and the cache should hold what both hot paths load ({@code
 * verify-bundle} and {@code verify IMAGE}). Each command runs through {@link Main#run}, the same
 * code a normal start runs; nothing else is loaded or initialised on their behalf.
 *
 * <p>Started as {@code airlock --aot-training PLAN}, an option no help lists; the plan is a UTF-8
 * file with one command a line: the exit code it must end with, then its arguments, all separated
 * by tabs. Commands' output is discarded. Exits 0 when every command ended as planned, else 70 after
 * naming each one that did not (a training run that silently took another path would record a
 * cache for the wrong classes).
 */
final class AotTraining {
  static final String OPTION = "--aot-training";

  private AotTraining() {}

  static int run(Path plan, Map<String, String> env, PrintWriter err) {
    List<String> lines;
    try {
      lines = Files.readAllLines(plan, StandardCharsets.UTF_8);
    } catch (IOException e) {
      err.println("airlock: " + OPTION + ": cannot read " + plan + ": " + e.getMessage());
      err.flush();
      return ExitCode.USAGE.code();
    }
    int failures = 0;
    int commands = 0;
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.split("\t");
      int expected;
      try {
        expected = Integer.parseInt(parts[0].trim());
      } catch (NumberFormatException e) {
        err.println("airlock: " + OPTION + ": a plan line starts with the expected exit code: " + line);
        err.flush();
        return ExitCode.USAGE.code();
      }
      String[] args = java.util.Arrays.copyOfRange(parts, 1, parts.length);
      PrintWriter discard = new PrintWriter(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
      int code = Main.run(args, Clock.systemUTC(), env, discard, discard);
      commands++;
      if (code != expected) {
        failures++;
        err.println("airlock: " + OPTION + ": exit " + code + ", planned " + expected + ": " + String.join(" ", args));
      }
    }
    err.flush();
    return failures == 0 && commands > 0 ? ExitCode.OK.code() : ExitCode.INTERNAL.code();
  }
}
