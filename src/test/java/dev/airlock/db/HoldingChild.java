package dev.airlock.db;

import dev.airlock.core.Home;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A stand-in for {@code airlock serve} in its own JVM: holds the home's database open
 * ({@link Database#holdOpen}), prints {@code READY <state version>}, then answers one line per
 * request on stdin: {@code version} (the state version on the held connection), {@code policy} (the
 * installed policy's digest, read fresh), {@code head} (the audit head's sequence number),
 * {@code exit}. Used by {@link SharedHomeProcessTest}.
 */
public final class HoldingChild {
  private HoldingChild() {}

  public static void main(String[] args) throws Exception {
    Database db = Database.open(Home.at(Path.of(args[0])));
    try (Database.Holder held = db.holdOpen()) {
      System.out.println("READY " + held.stateVersion());
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        switch (line.strip()) {
          case "version" -> System.out.println(held.stateVersion());
          case "policy" -> System.out.println(db.<String>readTransaction(
              tx -> tx.policies().current().map(p -> p.name() + " " + p.digest()).orElse("none")));
          case "head" -> System.out.println(db.<Long>readTransaction(tx -> tx.audit().head(false).seq()));
          case "exit" -> {
            return;
          }
          default -> System.out.println("unknown " + line);
        }
      }
    }
  }
}
