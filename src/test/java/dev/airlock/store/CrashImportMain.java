package dev.airlock.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.airlock.audit.AuditEvent;
import dev.airlock.audit.AuditLog;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.core.Limits;
import dev.airlock.media.ImageSource;
import dev.airlock.media.Medium;
import dev.airlock.oci.ImageCandidate;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The image part of an import, as the glue will run it, in its own JVM so that the crash test can
 * kill it at random moments: unpack, scan, copy each image (all or nothing), then record it and
 * its audit event in one transaction.
 */
public final class CrashImportMain {
  private CrashImportMain() {}

  public static void main(String[] args) throws Exception {
    Home home = Home.at(Path.of(args[0]));
    Database db = Database.open(home);
    Instant now = Instant.parse("2026-11-22T10:00:00Z");
    // what the import glue does first, under the write lock: clear what killed imports left
    Medium.sweepStaging(home);
    BlobStore.at(home).sweepTemporary();
    try (Medium m = Medium.open(Path.of(args[1]), home, Limits.defaults());
        ImageImporter importer = new ImageImporter(BlobStore.at(home), Limits.defaults(), 2, null)) {
      for (ImageSource s : m.images()) {
        for (ImageCandidate c : s.scan(Limits.defaults())) {
          ImportedImage r = importer.importImage(c);
          if (!r.stored()) {
            throw new IllegalStateException(r.problem().toString());
          }
          db.transaction(tx -> {
            tx.images().record(c, now);
            tx.audit().append(new AuditEvent(now, "crash-test", "localhost", "import", "image.store",
                c.digest().toString(), "ok", List.of(), JsonNodeFactory.instance.objectNode()));
            return null;
          });
        }
      }
    }
  }
}
