package dev.airlock.trust;

import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.testing.Corpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneOffset;

/** Test homes for the trust stage (init is another stage's; this does its minimal part). */
public final class TrustLab {
  private TrustLab() {}

  /** A new home with the database, an appliance row and {@code initialRoot} pinned at tuf/root.json. */
  public static Home home(Path dir, byte[] initialRoot, Instant createdAt) {
    try {
      Files.createDirectories(dir);
      Home home = Home.at(dir);
      Database db = Database.create(home);
      db.jdbcTransaction(tx -> {
        try (PreparedStatement p = tx.connection().prepareStatement(
            "INSERT INTO appliance(id, created_at, audit_public_key) VALUES ('lab', ?, 'none')")) {
          p.setObject(1, createdAt.atOffset(ZoneOffset.UTC));
          p.executeUpdate();
        }
        return null;
      });
      Files.createDirectories(home.tuf());
      Files.write(home.tuf().resolve("root.json"), initialRoot);
      return home;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A real Sigstore production trusted_root.json from the corpus. */
  public static byte[] productionTrustedRoot() {
    try {
      return Files.readAllBytes(Corpus.root().resolve(
          "cases/sigstore-bundle/conformance.happy-path-v0.3/trusted_root.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
