package dev.airlock.trust;

import dev.airlock.cli.Main;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Child process of {@link TrustUpdateCrashTest}: runs {@code airlock trust update MEDIUM} in process
 * (the real command: TUF refresh, install transaction with its audit events, swap of home/tuf) until
 * the parent kills it. Arguments: home, medium, clock instant. Prints {@code ready} once the
 * database has been opened (classes loaded), then {@code done EXIT MILLIS}.
 */
public final class TrustUpdateCrashChild {
  private TrustUpdateCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    Instant now = Instant.parse(args[2]);
    Database.open(Home.at(home)).transaction(t -> t.trust().currentInfo());
    System.out.println("ready");
    System.out.flush();
    long t0 = System.nanoTime();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"--home", home.toString(), "--operator", "crash", "trust", "update", args[1]},
        Clock.fixed(now, ZoneOffset.UTC), Map.of("HOSTNAME", "crash"), new PrintWriter(out, true),
        new PrintWriter(err, true));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("done " + code + " " + ms);
    System.out.flush();
    if (code != 0) {
      System.err.println(err);
    }
  }
}
