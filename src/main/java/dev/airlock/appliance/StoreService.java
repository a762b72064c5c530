package dev.airlock.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Reason;
import dev.airlock.core.TrustedTime;
import dev.airlock.core.WriteLock;
import dev.airlock.core.json.AuditDetail;
import dev.airlock.core.json.Documents;
import dev.airlock.core.json.StoreGcDocument;
import dev.airlock.db.Database;
import dev.airlock.oci.Digest;
import dev.airlock.store.BlobStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * Housekeeping of the content store (DESIGN.md 4, {@code store gc}): removes the blobs no stored
 * image references, e.g. what a killed import published before its database commit; and
 * {@code images remove}, which drops one image and the blobs only it used.
 *
 * <p>Safe beside an import: it holds the home's write lock, which an import holds from its first
 * blob to its commit, so no blob of an import in progress is ever taken for garbage. Crash-safe:
 * the database is never changed by the deletion; the audit event naming what is removed commits
 * first and the files go after, so a crash leaves only unreferenced blobs, which the next
 * {@code store gc} removes. A blob is never deleted before the commit that stops referencing it.
 */
public final class StoreService {
  private StoreService() {}

  /** At most this many digests are listed in the audit event; the count and bytes are always exact. */
  static final int LISTED = 1000;

  /**
   * What {@code store gc} removed.
   *
   * @param removed the unreferenced blobs, by digest, with their sizes
   * @param kept how many blobs stored images still reference
   * @param temporary left-over temporary files of interrupted copies that were deleted
   */
  public record GcResult(SortedMap<Digest, Long> removed, int kept, int temporary) {
    public GcResult {
      removed = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(removed));
    }

    public long bytes() {
      return removed.values().stream().mapToLong(Long::longValue).sum();
    }

    public StoreGcDocument document() {
      return new StoreGcDocument(removed.size(), bytes(), kept, temporary,
          removed.keySet().stream().map(Digest::toString).toList());
    }
  }

  /** Removes every blob no stored image references; one {@code store.gc} audit event. */
  public static GcResult gc(Home home, AuditContext who) {
    try (WriteLock lock = WriteLock.acquire(home, WriteLocks.timeout(Duration.ofSeconds(60)))) {
      BlobStore blobs = BlobStore.at(home);
      int temporary = blobs.sweepTemporary();
      SortedMap<Digest, Long> stored = blobs.list();
      Database db = Database.open(home);
      GcResult result = db.transaction(tx -> {
        Set<String> referenced = tx.images().referencedBlobs();
        SortedMap<Digest, Long> garbage = new java.util.TreeMap<>(stored.comparator());
        for (Map.Entry<Digest, Long> e : stored.entrySet()) {
          if (!referenced.contains(e.getKey().toString())) {
            garbage.put(e.getKey(), e.getValue());
          }
        }
        GcResult r = new GcResult(garbage, stored.size() - garbage.size(), temporary);
        JsonNode detail = Documents.tree(new AuditDetail.StoreGc(garbage.size(), r.bytes(), r.kept(),
            garbage.keySet().stream().limit(LISTED).map(Digest::toString).toList()));
        TrustedTime t = tx.trustedNow(who.systemClock());
        tx.audit().append(who.event(t, "store.gc", "blob-store", "ok", List.of(), detail));
        return r;
      });
      // after the commit (see the class comment): a crash here leaves unreferenced blobs only
      List<String> failed = new ArrayList<>();
      for (Digest d : result.removed().keySet()) {
        try {
          blobs.remove(d);
        } catch (IOException e) {
          failed.add(d.toString());
        }
      }
      if (!failed.isEmpty()) {
        throw AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED, failed.size()
            + " unreferenced blob(s) could not be deleted (the next 'airlock store gc' tries again), e.g. "
            + failed.get(0), null);
      }
      return result;
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED, "the content store cannot be read: "
          + e.getMessage(), e);
    }
  }

  /**
   * What {@code images remove} removed.
   *
   * @param blobs the blobs only this image used, deleted, with their sizes
   * @param sharedKept blobs of this image that other stored images still use
   */
  public record Removed(Digest image, List<String> names, SortedMap<Digest, Long> blobs, int sharedKept) {
    public long bytes() {
      return blobs.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * Removes one stored image (by reference or digest) and the blobs no other stored image uses.
   * Under the write lock (safe beside an import); the record and its {@code image.remove} event
   * commit together and the blob files go after the commit, so a crash leaves only unreferenced
   * blobs, which {@code store gc} removes.
   *
   * @throws AirlockException DENIED IMAGE_NOT_STORED when nothing is stored under {@code image}
   */
  public static Removed removeImage(Home home, String image, AuditContext who) {
    try (WriteLock lock = WriteLock.acquire(home, WriteLocks.timeout(Duration.ofSeconds(60)))) {
      BlobStore blobs = BlobStore.at(home);
      SortedMap<Digest, Long> stored = blobs.list();
      Removed r = Database.open(home).transaction(tx -> {
        dev.airlock.store.StoredImage s = tx.images().find(image).orElseThrow(() -> AirlockException.denied(
            Reason.IMAGE_NOT_STORED, image + ": not in the appliance's store"));
        Set<String> before = tx.images().referencedBlobs();
        tx.images().remove(s.digest());
        Set<String> after = tx.images().referencedBlobs();
        SortedMap<Digest, Long> gone = new java.util.TreeMap<>(stored.comparator());
        int shared = 0;
        java.util.Set<String> own = new java.util.HashSet<>();
        s.blobs().forEach(b -> own.add(b.digest().toString()));
        for (Map.Entry<Digest, Long> e : stored.entrySet()) {
          String d = e.getKey().toString();
          if (!own.contains(d) || !before.contains(d)) {
            continue;
          }
          if (after.contains(d)) {
            shared++;
          } else {
            gone.put(e.getKey(), e.getValue());
          }
        }
        JsonNode detail = Documents.tree(new AuditDetail.ImageRemove(s.digest().toString(), s.references(),
            gone.size(), gone.values().stream().mapToLong(Long::longValue).sum(), shared,
            gone.keySet().stream().limit(LISTED).map(Digest::toString).toList()));
        tx.audit().append(who.event(tx.trustedNow(who.systemClock()), "image.remove", image, "ok", List.of(),
            detail));
        return new Removed(s.digest(), s.references(), gone, shared);
      });
      for (Digest d : r.blobs().keySet()) {
        try {
          blobs.remove(d);
        } catch (IOException e) {
          // left as garbage for 'store gc'; the record is gone, so nothing dangles
        }
      }
      return r;
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED, "the content store cannot be read: "
          + e.getMessage(), e);
    }
  }
}
