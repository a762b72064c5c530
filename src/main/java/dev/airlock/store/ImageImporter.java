package dev.airlock.store;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.ImageCandidate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Copies image candidates from a medium into the {@link BlobStore}, one image at a time, all or
 * nothing per image (DESIGN.md 6a "Import outcome"): every blob of the image is staged and
 * verified (digest and size) first, and only when all of them match are they published. A
 * mismatch or a missing blob rejects that image and the caller goes on with the next.
 *
 * <p>Blobs are copied by {@code threads} workers (two cores: hashing two blobs at once). Memory
 * use is one 1 MiB buffer per worker, whatever the blob size. A blob that is a file is read through
 * a {@code FileChannel}; one in airlock's own staging area (an unpacked archive) is hard-linked
 * into the store's temporary folder and verified there rather than written a second time.
 */
public final class ImageImporter implements AutoCloseable {
  private final BlobStore store;
  private final Limits limits;
  private final ExecutorService pool;
  private final LongConsumer progress;

  /**
   * @param progress called with the number of bytes copied after each blob (for progress bars)
   */
  public ImageImporter(BlobStore store, Limits limits, int threads, LongConsumer progress) {
    this.store = store;
    this.limits = limits;
    this.pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, "airlock-blob-copy");
      t.setDaemon(true);
      return t;
    });
    this.progress = progress == null ? n -> { } : progress;
  }

  /** Copies one image's blobs; never throws for a problem of the image itself. */
  public ImportedImage importImage(ImageCandidate c) throws IOException {
    if (c.problem().isPresent()) {
      return new ImportedImage(c, false, c.problem(), 0);
    }
    Map<dev.airlock.oci.Digest, Descriptor> todo = new LinkedHashMap<>();
    for (Descriptor d : c.blobs()) {
      if (d.size() > limits.maxBlobBytes()) {
        return rejected(c, Reason.LIMIT_SIZE, c.blobSource().describe(d.digest()) + ": " + d.size()
            + " bytes exceeds the blob limit of " + limits.maxBlobBytes());
      }
      if (!d.digest().algorithm().equals("sha256")) {
        return rejected(c, Reason.MANIFEST_MALFORMED, d.digest() + ": only sha256 blobs are supported");
      }
      if (!store.has(d.digest())) {
        todo.putIfAbsent(d.digest(), d);
      }
    }
    List<Future<BlobStore.Staged>> futures = new ArrayList<>();
    AtomicLong copied = new AtomicLong();
    for (Descriptor d : todo.values()) {
      futures.add(pool.submit(() -> {
        String what = c.blobSource().describe(d.digest());
        try {
          BlobStore.Staged s;
          // a blob that is a file (a folder medium's, an unpacked archive's) is copied by the kernel
          // or, for an unpacked archive, linked (stageFile); anything else is streamed
          Optional<java.nio.file.Path> file = c.blobSource().file(d.digest());
          if (file.isPresent()) {
            s = store.stageFile(file.get(), c.blobSource().staged(), d.digest(), d.size(), what);
          } else {
            try (InputStream in = c.blobSource().open(d.digest())) {
              s = store.stage(in, d.digest(), d.size(), what);
            }
          }
          copied.addAndGet(d.size());
          progress.accept(d.size());
          return s;
        } catch (NoSuchFileException e) {
          throw new BlobException(Reason.BLOB_MISSING, what + ": missing from the medium");
        }
      }));
    }
    List<BlobStore.Staged> staged = new ArrayList<>();
    Optional<ImageCandidate.Problem> problem = Optional.empty();
    IOException io = null;
    for (Future<BlobStore.Staged> f : futures) {
      try {
        staged.add(f.get());
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof AirlockException ae && problem.isEmpty()) {
          problem = Optional.of(new ImageCandidate.Problem(ae.reason(), ae.getMessage()));
        } else if (cause instanceof IOException ioe && io == null) {
          io = ioe;
        } else if (problem.isEmpty() && io == null) {
          problem = Optional.of(new ImageCandidate.Problem(Reason.INTERNAL_ERROR, String.valueOf(cause)));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        staged.forEach(BlobStore.Staged::close);
        throw new IOException("interrupted while copying " + c.source(), e);
      }
    }
    if (io != null || problem.isPresent()) {
      staged.forEach(BlobStore.Staged::close);
      if (io != null) {
        // the medium could not be read: the image is rejected as unreadable
        return rejected(c, Reason.MEDIUM_UNREADABLE, c.source() + ": " + io.getMessage());
      }
      return new ImportedImage(c, false, problem, copied.get());
    }
    store.publish(staged);
    return new ImportedImage(c, true, Optional.empty(), copied.get());
  }

  private static ImportedImage rejected(ImageCandidate c, Reason r, String msg) {
    return new ImportedImage(c, false, Optional.of(new ImageCandidate.Problem(r, msg)), 0);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
