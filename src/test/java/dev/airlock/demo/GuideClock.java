package dev.airlock.demo;

import dev.airlock.cli.Main;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The airlock CLI with its clock moved (test scope, never shipped): {@code AIRLOCK_GUIDE_CLOCK=
 * 2026-08-22T09:00:00Z java -cp ... dev.airlock.demo.GuideClock ARGS...} runs {@code airlock ARGS}
 * as if started at that instant (the clock then runs on). docs/publisher-guide.md's trust
 * administrator transcript was recorded with it, because its public-good Sigstore copy (the test
 * corpus's) is only current around that date. Without the variable it is plain {@code airlock}.
 */
public final class GuideClock {
  private GuideClock() {}

  public static void main(String[] args) {
    Clock clock = Clock.systemUTC();
    String at = System.getenv("AIRLOCK_GUIDE_CLOCK");
    if (at != null && !at.isEmpty()) {
      clock = Clock.offset(clock, Duration.between(clock.instant(), Instant.parse(at)));
    }
    int code = Main.run(args, clock, System.getenv(),
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
    System.exit(code);
  }
}
