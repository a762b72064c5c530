package dev.airlock.cli;

import static dev.airlock.testing.ApplianceLab.logged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.oci.Descriptor;
import dev.airlock.testing.ApplianceLab;
import dev.airlock.testing.ApplianceLab.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code airlock store gc} (DESIGN.md 4, issue 16 "Housekeeping"): blobs no stored image
 * references go, every referenced blob stays, the run is one audit event and the log still verifies.
 */
class HousekeepingCliTest {
  static final String SEG = ApplianceLab.SEG;

  @Test
  void storeGcRemovesOnlyUnreferencedBlobsAndIsAudited() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("p", ApplianceLab.ONE_VENDOR_KEY)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      Descriptor admitted = m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor));
      // a denied unsigned image: stored (an operator may still want to look at it), blobs kept by gc
      m.image("unsigned", List.of("vendor.example/radiology/unsigned:1.0"));
      Run imp = l.run("import", m.path().toString());
      assertEquals(0, imp.code(), imp.toString());
      TreeSet<String> referenced = l.storedBlobs();
      assertTrue(referenced.contains(admitted.digest().hex()));

      // what an import killed between publishing its blobs and its commit leaves behind
      byte[] orphan = "a layer of an import that never committed".getBytes(StandardCharsets.UTF_8);
      String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(orphan));
      Files.write(l.home.resolve("blobs/sha256").resolve(hex), orphan);
      Path tmp = l.home.resolve("blobs/tmp/copy-in-progress");
      Files.write(tmp, new byte[] {1, 2, 3});

      Run gc = l.run("--json", "store", "gc");
      assertEquals(0, gc.code(), gc.toString());
      JsonNode doc = ApplianceLab.JSON.readTree(gc.out());
      assertEquals(1, doc.path("removedBlobs").asInt(), gc.out());
      assertEquals("sha256:" + hex, doc.path("removed").get(0).asText());
      assertEquals(orphan.length, doc.path("removedBytes").asLong());
      assertEquals(referenced.size(), doc.path("keptBlobs").asInt());
      assertEquals(referenced, l.storedBlobs(), "every referenced blob is kept, the orphan is gone");
      assertFalse(Files.exists(tmp), "temporary files of interrupted copies are swept");

      Run again = l.run("store", "gc");
      assertEquals(0, again.code(), again.toString());
      assertTrue(again.out().contains("Nothing to remove"), again.out());

      // the images still decide as before, from the blobs that were kept
      assertEquals(0, l.run("verify", SEG + ":4.0").code());
      assertEquals(1, l.run("verify", "vendor.example/radiology/unsigned:1.0").code());

      Path export = l.dir.resolve("audit.jsonl");
      assertEquals(0, l.run("audit", "export", "-o", export.toString()).code());
      List<String> gcEvents = Files.readAllLines(export).stream().filter(e -> e.contains("\"store.gc\"")).toList();
      assertEquals(2, gcEvents.size(), "one event per run");
      assertTrue(gcEvents.get(0).contains("sha256:" + hex), gcEvents.get(0));
      Run verify = l.run("audit", "verify");
      assertEquals(0, verify.code(), verify.toString());

      // beside an import (another process holding the home's write lock) gc waits, then gives up
      // without touching anything: exit 3, DATABASE_BUSY
      Files.write(l.home.resolve("blobs/sha256").resolve(hex), orphan);
      String before = System.getProperty("airlock.writeLockTimeoutSeconds");
      System.setProperty("airlock.writeLockTimeoutSeconds", "1");
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
          dev.airlock.core.Home.at(l.home).writeLock(), java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.WRITE);
          java.nio.channels.FileLock held = ch.lock()) {
        Run busy = l.run("--json", "store", "gc");
        assertEquals(3, busy.code(), busy.toString());
        assertTrue(busy.out().contains("DATABASE_BUSY"), busy.toString());
        assertTrue(held.isValid());
      } finally {
        if (before == null) {
          System.clearProperty("airlock.writeLockTimeoutSeconds");
        } else {
          System.setProperty("airlock.writeLockTimeoutSeconds", before);
        }
      }
      assertTrue(Files.exists(l.home.resolve("blobs/sha256").resolve(hex)), "nothing removed while locked");
    }
  }

  @Test
  void imagesRemoveDropsAnImageAndTheBlobsOnlyItUsed() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("p", ApplianceLab.ONE_VENDOR_KEY)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor));
      Descriptor unsigned = m.image("unsigned", List.of("vendor.example/radiology/unsigned:1.0"));
      assertEquals(0, l.run("import", m.path().toString()).code());
      TreeSet<String> before = l.storedBlobs();
      assertEquals(1, l.run("verify", "vendor.example/radiology/unsigned:1.0").code());

      Run r = l.run("--json", "images", "remove", "vendor.example/radiology/unsigned:1.0");
      assertEquals(0, r.code(), r.toString());
      JsonNode doc = ApplianceLab.JSON.readTree(r.out());
      assertEquals(unsigned.digest().toString(), doc.path("digest").asText());
      TreeSet<String> after = l.storedBlobs();
      assertFalse(after.contains(unsigned.digest().hex()), "the manifest is gone");
      TreeSet<String> gone = new TreeSet<>(before);
      gone.removeAll(after);
      assertEquals(doc.path("removedBlobs").asInt(), gone.size(), r.out());
      assertTrue(gone.size() >= 3, "manifest, config and layer: " + gone);
      // the other image is untouched and still admitted; the removed one is no longer stored
      assertEquals(0, l.run("verify", SEG + ":4.0").code());
      Run again = l.run("--json", "verify", "vendor.example/radiology/unsigned:1.0");
      assertTrue(again.all().contains("IMAGE_NOT_STORED"), again.toString());
      Run twice = l.run("images", "remove", "vendor.example/radiology/unsigned:1.0");
      assertEquals(1, twice.code(), twice.toString());
      assertTrue(twice.all().contains("not in the appliance's store"), twice.toString());
      assertEquals(0, l.run("store", "gc").out().contains("Nothing to remove") ? 0 : 1, "nothing left for gc");

      Path export = l.dir.resolve("audit-remove.jsonl");
      assertEquals(0, l.run("audit", "export", "-o", export.toString()).code());
      List<String> events = Files.readAllLines(export).stream().filter(e -> e.contains("\"image.remove\"")).toList();
      assertEquals(1, events.size(), "one event for the removal; none for the refused second one");
      assertTrue(events.get(0).contains(unsigned.digest().toString()), events.get(0));
      assertEquals(0, l.run("audit", "verify").code());
    }
  }
}
