package dev.airlock.db;

import dev.airlock.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

/**
 * One CLI process that runs {@code airlock verify REF} N times against a home (each run a full
 * command through {@link Main#run}, with its own database units of work), then prints
 * {@code DONE ok=<count of exit 0> exits=<exit code counts> sessions=<database sessions this
 * process opened>} and the first failure's output.
 * Args: home, the fixed instant of the clock, REF, N.
 */
public final class VerifyLoopChild {
  private VerifyLoopChild() {}

  public static void main(String[] args) {
    Clock clock = Clock.fixed(Instant.parse(args[1]), ZoneOffset.UTC);
    int n = Integer.parseInt(args[3]);
    Map<Integer, Integer> exits = new TreeMap<>();
    String firstFailure = "";
    for (int i = 0; i < n; i++) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Main.run(new String[] {"--home", args[0], "--operator", "loop", "verify", args[2]}, clock,
          Map.of("HOSTNAME", "loop-host", "USER", "tester"), new PrintWriter(out, true), new PrintWriter(err, true));
      exits.merge(code, 1, Integer::sum);
      if (code != 0 && firstFailure.isEmpty()) {
        firstFailure = (out + " " + err).replace('\n', ' ');
      }
    }
    System.out.println("DONE ok=" + exits.getOrDefault(0, 0) + " exits=" + exits + " sessions="
        + Database.sessionsOpened() + " " + firstFailure);
    System.exit(0);
  }
}
