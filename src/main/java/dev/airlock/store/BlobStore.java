package dev.airlock.store;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.oci.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;

/**
 * The appliance's content-addressed blob store, exactly {@code <home>/blobs/sha256/<hex>}
 * (DESIGN.md 6a). A blob becomes visible only after it was streamed through SHA-256 and a size
 * counter into a temporary file in {@code <home>/blobs/tmp/} (same file system), both matched,
 * the file was fsynced, and it was renamed with {@code ATOMIC_MOVE} (STYLE.md rule 12). So a
 * crash leaves at most unreferenced temporary files, never a visible unverified blob.
 *
 * <p>Staging and publishing are separate so that an image's blobs are published only when all of
 * them verified ({@link #stage} then {@link #publish}).
 */
public final class BlobStore {
  /** Copy buffer: large, so that hashing dominates (the benchmark goal is openssl's speed). */
  static final int BUFFER = 1 << 20;

  private final Path dir;
  private final Path tmp;
  /** Read-only lower layer of a scratch store (medium check), or null. */
  private final BlobStore base;

  private BlobStore(Path dir, Path tmp) {
    this(dir, tmp, null);
  }

  private BlobStore(Path dir, Path tmp, BlobStore base) {
    this.dir = dir;
    this.tmp = tmp;
    this.base = base;
  }

  /**
   * A scratch store in {@code folder} over {@code base}: new blobs are written (and verified) into
   * the scratch folder, blobs {@code base} already has are read from it and never written. For
   * {@code medium check}, which does everything an import does and stores nothing.
   */
  public static BlobStore scratch(Path folder, BlobStore base) {
    try {
      Files.createDirectories(folder.resolve("sha256"));
      Files.createDirectories(folder.resolve("tmp"));
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED, folder + ": " + e.getMessage(), e);
    }
    return new BlobStore(folder.resolve("sha256"), folder.resolve("tmp"), base);
  }

  /** The store of a home; creates its folders. */
  public static BlobStore at(Home home) {
    Path dir = home.blobs().resolve("sha256");
    Path tmp = home.blobs().resolve("tmp");
    try {
      Files.createDirectories(dir);
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED, home.blobs() + ": " + e.getMessage(), e);
    }
    return new BlobStore(dir, tmp);
  }

  /** Where a blob lives (it may not exist). Only sha256 blobs are stored. */
  public Path path(Digest d) {
    if (!d.algorithm().equals("sha256")) {
      throw new IllegalArgumentException("only sha256 blobs are stored: " + d);
    }
    return dir.resolve(d.hex());
  }

  public boolean has(Digest d) {
    return d.algorithm().equals("sha256") && (Files.isRegularFile(path(d)) || base != null && base.has(d));
  }

  /** A verified blob in a temporary file, not yet visible. {@link #close} discards it. */
  public final class Staged implements AutoCloseable {
    private final Digest digest;
    private final Path file;

    private Staged(Digest digest, Path file) {
      this.digest = digest;
      this.file = file;
    }

    public Digest digest() {
      return digest;
    }

    @Override
    public void close() {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a left-over temporary file is invisible; sweepTemporary() removes it
      }
    }
  }

  /**
   * Streams {@code in} into a temporary file while hashing and counting; returns it staged only if
   * exactly {@code size} bytes hashing to {@code expected} arrived.
   *
   * @throws BlobException BLOB_SIZE_MISMATCH or BLOB_DIGEST_MISMATCH (expected and actual shown)
   */
  public Staged stage(InputStream in, Digest expected, long size, String what) throws IOException {
    MessageDigest md = Hashing.get(expected.jcaName());
    Path file = tmp.resolve(UUID.randomUUID() + ".part");
    boolean ok = false;
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      byte[] buf = new byte[BUFFER];
      ByteBuffer bb = ByteBuffer.wrap(buf);
      long total = 0;
      int n;
      while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
        total += n;
        notLarger(total, expected, size, what);
        md.update(buf, 0, n);
        bb.clear().limit(n);
        while (bb.hasRemaining()) {
          out.write(bb);
        }
      }
      verify(total, md, expected, size, what);
      // no fsync here: publish() syncs all of an image's blobs together before renaming them, so
      // the copies stream without a write barrier per blob (crash safety is the same: nothing is
      // renamed into the store before its bytes are durable)
      ok = true;
    } finally {
      if (!ok) {
        Files.deleteIfExists(file);
      }
    }
    return new Staged(expected, file);
  }

  /**
   * Stages a blob that is a file: like {@link #stage(InputStream, Digest, long, String)}, but the
   * kernel copies it ({@link FileChannel#transferTo}: {@code copy_file_range} or {@code sendfile},
   * no round trip through the JVM's buffers; at most {@code size + 1} bytes, so a larger file is
   * refused without copying it whole) and then the copy is read back, hashed and counted: the
   * bytes that would become visible are the bytes verified. When {@code linkable} (the
   * file is airlock's own copy in the home's staging area: an unpacked archive, see {@code
   * BlobSource.staged()}), the file is hard-linked into the temporary folder instead of copied, and
   * the linked file is what is hashed and counted. Where a hard link is impossible (another file
   * system), it is copied. Either way the file is made durable by {@link #publish} (one batch of
   * fsyncs per image; an fsync per large blob as soon as it was staged measured no better, within
   * the noise of a shared machine).
   *
   * <p>Why (issue 17): a user-space copy of 1 GiB cost 1.6 s of system time on the 2-core machine
   * (read and write through the page cache; {@code dd bs=1M} alike), the kernel copy of {@code cp}
   * 0.2 s; the folder import ran at 0.36x of {@code cp} + {@code sync}.
   *
   * @throws BlobException BLOB_SIZE_MISMATCH or BLOB_DIGEST_MISMATCH (expected and actual shown)
   * @throws java.nio.file.NoSuchFileException when {@code source} is missing
   */
  public Staged stageFile(Path source, boolean linkable, Digest expected, long size, String what) throws IOException {
    MessageDigest md = Hashing.get(expected.jcaName());
    Path file = tmp.resolve(UUID.randomUUID() + ".part");
    boolean ok = false;
    try {
      if (linkable && link(file, source)) {
        if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          throw new BlobException(Reason.BLOB_MISSING, what + ": not a regular file");
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
          notLarger(in.size(), expected, size, what);
          verify(hashRead(in, md), md, expected, size, what);
        }
      } else {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
            FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
          long n = transfer(in, out, expected, size, what);
          // a large copy goes to the disk while this thread hashes it (publish() fsyncs it again,
          // with everything else, before it becomes visible; then there is little left to write)
          java.util.concurrent.Future<?> flush = n >= EARLY_FLUSH ? flush(out) : null;
          long hashed;
          try {
            hashed = hashRead(out, md);
          } finally {
            if (flush != null) {
              awaitFlush(flush);
            }
          }
          verify(hashed == n ? hashed : -1, md, expected, size, what); // -1: not what was copied
        }
      }
      ok = true;
    } finally {
      if (!ok) {
        Files.deleteIfExists(file);
      }
    }
    return new Staged(expected, file);
  }

  /** Hard-links {@code existing} as {@code link}; false where the file system cannot (then copy). */
  private static boolean link(Path link, Path existing) {
    try {
      Files.createLink(link, existing);
      return true;
    } catch (UnsupportedOperationException | IOException e) {
      return false;
    }
  }

  /**
   * From this size a copied blob is written to disk while it is hashed ({@link #flush}): the disk
   * and the CPU work at once, as {@code cp} + {@code sync} has only the disk to wait for. Smaller
   * blobs wait for the one batch of fsyncs in {@link #publish} (an fsync each would cost more).
   */
  static final long EARLY_FLUSH = 16L << 20;

  private static final java.util.concurrent.ExecutorService FLUSHER = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "airlock-blob-flush");
    t.setDaemon(true);
    return t;
  });

  /** Starts writing {@code ch}'s data to disk on another thread. */
  private static java.util.concurrent.Future<?> flush(FileChannel ch) {
    return FLUSHER.submit(() -> {
      ch.force(false);
      return null;
    });
  }

  /** Waits for a {@link #flush}; its failure is this copy's. */
  private static void awaitFlush(java.util.concurrent.Future<?> f) throws IOException {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while writing a blob to disk");
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("writing a blob to disk failed: " + e.getCause(), e.getCause());
    }
  }

  /** How much {@link #transfer} asks the kernel to copy at a time. */
  private static final long TRANSFER_CHUNK = 64L << 20;

  /** One read buffer per hashing thread. */
  private static final ThreadLocal<byte[]> READ_BUFFER = ThreadLocal.withInitial(() -> new byte[BUFFER]);

  /**
   * Copies {@code in} from its start into {@code out} in the kernel, at most {@code size + 1}
   * bytes; returns how many were copied.
   *
   * @throws BlobException BLOB_SIZE_MISMATCH as soon as more than {@code size} bytes were copied
   */
  private static long transfer(FileChannel in, FileChannel out, Digest expected, long size, String what)
      throws IOException {
    long pos = 0;
    while (pos <= size) {
      long n = in.transferTo(pos, Math.min(TRANSFER_CHUNK, size + 1 - pos), out);
      if (n <= 0) {
        break; // the end of the source
      }
      pos += n;
      notLarger(pos, expected, size, what);
    }
    return pos;
  }

  /**
   * Reads {@code ch} from its start to its end through SHA-256 into a heap buffer (on the 2-core
   * machine: 1.3 GB/s for a 256 MiB file in the page cache, against 0.95 through a memory map and
   * the JDK's 4 KiB steps of {@code MessageDigest.update(ByteBuffer)}); returns the byte count.
   */
  private static long hashRead(FileChannel ch, MessageDigest md) throws IOException {
    byte[] buf = READ_BUFFER.get();
    ByteBuffer bb = ByteBuffer.wrap(buf);
    long total = 0;
    long pos = 0;
    int n;
    while ((n = ch.read(bb.clear(), pos)) > 0) {
      md.update(buf, 0, n);
      total += n;
      pos += n;
    }
    return total;
  }

  /** Stops a copy as soon as more bytes arrived than the descriptor's size. */
  private static void notLarger(long total, Digest expected, long size, String what) {
    if (total > size) {
      throw new BlobException(Reason.BLOB_SIZE_MISMATCH,
          what + ": larger than its descriptor's size " + size + " (expected " + expected + ")");
    }
  }

  /** The whole blob arrived: exactly {@code size} bytes hashing to {@code expected}. */
  private static void verify(long total, MessageDigest md, Digest expected, long size, String what) {
    if (total != size) {
      throw new BlobException(Reason.BLOB_SIZE_MISMATCH, what + ": expected " + size + " bytes, got " + total);
    }
    Digest actual = Digest.of(expected.algorithm(), Hashing.hex(md.digest()));
    if (!actual.equals(expected)) {
      throw new BlobException(Reason.BLOB_DIGEST_MISMATCH, what + ": expected " + expected + ", got " + actual);
    }
  }

  /**
   * Makes staged blobs visible: first every staged file is made durable (fsync), then each is
   * renamed atomically into place and the folder is synced; a blob already present is kept.
   */
  public void publish(List<Staged> staged) throws IOException {
    for (Staged s : staged) {
      if (!Files.exists(path(s.digest))) {
        try (FileChannel c = FileChannel.open(s.file, StandardOpenOption.WRITE)) {
          c.force(true);
        }
      }
    }
    for (Staged s : staged) {
      Path target = path(s.digest);
      if (Files.exists(target)) {
        s.close();
        continue;
      }
      try {
        Files.move(s.file, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED,
            dir + ": the file system cannot rename atomically", e);
      }
    }
    syncDirectory(dir);
  }

  private static void syncDirectory(Path d) {
    try (FileChannel c = FileChannel.open(d, StandardOpenOption.READ)) {
      c.force(true);
    } catch (IOException ignored) {
      // not every platform can fsync a directory; the renames are still atomic
    }
  }

  /** Stages and publishes one blob; returns false if it was already present (nothing copied). */
  public boolean put(InputStream in, Digest expected, long size, String what) throws IOException {
    if (has(expected)) {
      return false;
    }
    try (Staged s = stage(in, expected, size, what)) {
      publish(List.of(s));
    }
    return true;
  }

  /**
   * Opens a stored blob for reading, verifying it again while it is read: when the stream reaches
   * its end, a content that no longer hashes to its digest throws {@link BlobException}
   * (BLOB_DIGEST_MISMATCH). Callers MUST read to the end before trusting what they wrote.
   */
  /**
   * Removes a blob (the blobs of a refused import, which no stored image references). The caller
   * holds the write lock and has checked that no image record references it.
   */
  public void remove(Digest d) throws IOException {
    Files.deleteIfExists(path(d));
  }

  public InputStream open(Digest d) throws IOException {
    Path p = path(d);
    if (base != null && !Files.isRegularFile(p) && base.has(d)) {
      return base.open(d);
    }
    if (!Files.isRegularFile(p)) {
      throw new NoSuchFileException(p.toString());
    }
    MessageDigest md = Hashing.get(d.jcaName());
    InputStream raw = Files.newInputStream(p);
    return new FilterInputStream(raw) {
      private boolean checked;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          md.update(b, off, n);
        } else if (n < 0 && !checked) {
          checked = true;
          Digest actual = Digest.of(d.algorithm(), Hashing.hex(md.digest()));
          if (!actual.equals(d)) {
            throw new BlobException(Reason.BLOB_DIGEST_MISMATCH,
                p + ": stored blob changed: expected " + d + ", got " + actual);
          }
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        throw new IOException("skip is not supported on a verifying stream");
      }
    };
  }

  /**
   * Every blob in the store (this folder only, not a scratch store's base) with its size, by
   * digest. Files whose name is no sha256 hex digest are skipped: they are no blobs.
   */
  public java.util.SortedMap<Digest, Long> list() throws IOException {
    java.util.SortedMap<Digest, Long> out = new java.util.TreeMap<>(java.util.Comparator.comparing(Digest::toString));
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.matches("[0-9a-f]{64}") && Files.isRegularFile(p)) {
          out.put(Digest.parse("sha256:" + name), Files.size(p));
        }
      }
    }
    return out;
  }

  /** Deletes left-over temporary files of interrupted copies (call under the home's write lock). */
  public int sweepTemporary() throws IOException {
    int n = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
        n++;
      }
    }
    return n;
  }
}
