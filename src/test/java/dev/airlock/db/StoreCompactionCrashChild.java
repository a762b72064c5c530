package dev.airlock.db;

import dev.airlock.core.Home;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The process StoreCompactionCrashTest kills: keeps the home's database open, prints {@code ready},
 * then commits rows {@code 0..N-1} of table {@code after} one transaction each (the first commit's
 * {@link StoreCompaction} check compacts the fragmented file), printing {@code committed <id>}
 * after each. Args: home, N.
 */
public final class StoreCompactionCrashChild {
  private StoreCompactionCrashChild() {}

  public static void main(String[] args) {
    StoreCompaction.interval = Duration.ZERO;
    Home home = Home.at(Path.of(args[0]));
    int n = Integer.parseInt(args[1]);
    try (Database.Holder h = Database.keepOpen(home)) {
      Database db = Database.open(home);
      System.out.println("ready");
      System.out.flush();
      for (int i = 0; i < n; i++) {
        int id = i;
        long t0 = System.nanoTime();
        StoreCompactionTest.insert(db, "after", id);
        System.out.println("committed " + id + " " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        System.out.flush();
      }
    }
    System.exit(0);
  }
}
