package dev.airlock.media;

import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks one tar archive (plain, gzip or zstd, detected by magic bytes) from a stream into a
 * folder inside the staging area, refusing everything DESIGN.md section 7 calls hostile. Totals
 * (entries, bytes) run across every archive of one medium. The caller deletes the staging folder
 * when this throws.
 */
final class TarExtractor {
  private static final byte[] GZIP = {0x1f, (byte) 0x8b};
  private static final byte[] ZSTD = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
  private static final int BUFFER = 1 << 20;

  /**
   * From this size an unpacked entry starts going to disk as soon as it is written ({@link
   * #startWriteback}), while the next entries are inflated: the store publishes these very files
   * (hard-linked out of staging) and fsyncs them then, and without the head start all of a big
   * medium's bytes waited for that one fsync after the copy. Smaller entries are left to that
   * fsync. (Measured on a 1 GiB {@code .tar.zst} of four layers, issue 17: 4.67 s before, 4.17 s
   * with this, 4.37 s with a head start every 16 MiB within an entry as well: writing to a file
   * under writeback stalls the unpacking; means of 3 interleaved.)
   */
  static final long EARLY_WRITEBACK = 16L << 20;

  /** One thread: fsyncs of unpacked entries, in order, each a head start for the store's publish. */
  private static final java.util.concurrent.ExecutorService WRITEBACK =
      java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "airlock-unpack-writeback");
        t.setDaemon(true);
        return t;
      });

  /**
   * Starts writing an unpacked file's data to disk on another thread and returns at once. Only a
   * head start: nothing waits for it and a failure is ignored, because the store fsyncs every
   * blob before it becomes visible (BlobStore#publish) and reports a failure there.
   */
  static void startWriteback(Path file) {
    WRITEBACK.execute(() -> {
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.READ)) {
        ch.force(false);
      } catch (IOException | RuntimeException e) {
        // deleted meanwhile (a refused medium) or unwritable: publish's own fsync decides
      }
    });
  }

  private final Limits limits;
  private long entries;
  private long totalBytes;

  TarExtractor(Limits limits) {
    this.limits = limits;
  }

  /** Compression of an archive, from its first bytes. */
  enum Compression { NONE, GZIP, ZSTD }

  static Compression detect(byte[] head) {
    if (startsWith(head, GZIP)) {
      return Compression.GZIP;
    }
    if (startsWith(head, ZSTD)) {
      return Compression.ZSTD;
    }
    return Compression.NONE;
  }

  /** Whether a file looks like a tar archive: compressed, or "ustar" at offset 257. */
  static boolean looksLikeArchive(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(512);
    }
    if (detect(head) != Compression.NONE) {
      return true;
    }
    return head.length >= 262 && head[257] == 'u' && head[258] == 's' && head[259] == 't'
        && head[260] == 'a' && head[261] == 'r';
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Counts bytes read through it. */
  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }

  /** Decompressed side: enforces the medium size and the expansion ratio on running totals. */
  private final class Inflated extends FilterInputStream {
    private final Counting raw;
    private final String name;
    private final boolean compressed;
    private long count;

    Inflated(InputStream in, Counting raw, String name, boolean compressed) {
      super(in);
      this.raw = raw;
      this.name = name;
      this.compressed = compressed;
    }

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
        count += n;
        if (count > limits.maxMediumBytes()) {
          throw new MediumException(Reason.LIMIT_SIZE,
              name + ": decompressed size exceeds the medium limit of " + limits.maxMediumBytes() + " bytes");
        }
        // DESIGN.md 6a: the ratio is checked on running totals once ratioCheckAfterBytes inflated.
        if (compressed && count >= limits.ratioCheckAfterBytes()
            && count > limits.maxExpansionRatio() * Math.max(1, raw.count)) {
          throw new MediumException(Reason.LIMIT_RATIO,
              name + ": expands " + count + " bytes from " + raw.count + " compressed, over the ratio limit of "
                  + limits.maxExpansionRatio() + ":1");
        }
      }
      return n;
    }
  }

  /**
   * Tar side: knows the offset of every byte the tar reader consumed, and where the first non-zero
   * byte at or after the record boundary following the last entry is, to see whether the archive
   * ended with its end-of-archive marker. Skips are read through so that they are seen too.
   */
  private static final class Trailer extends FilterInputStream {
    private final byte[] scratch = new byte[8192];
    private long pos;
    private long markerStart;
    private long firstNonZero = -1;

    Trailer(InputStream in) {
      super(in);
    }

    /** The tar reader is about to look for the next header; the current entry is consumed. */
    void startHeader() {
      markerStart = (pos + 511) / 512 * 512; // the current entry's padding ends at a record boundary
      firstNonZero = -1;
    }

    /** Whether the two records at the boundary were consumed and are zeros. */
    boolean endedWithMarker() {
      long end = markerStart + 1024;
      return pos >= end && (firstNonZero < 0 || firstNonZero >= end);
    }

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
        if (firstNonZero < 0) {
          for (int i = (int) Math.max(off, off + markerStart - pos); i < off + n; i++) {
            if (b[i] != 0) {
              firstNonZero = pos + i - off;
              break;
            }
          }
        }
        pos += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long done = 0;
      while (done < n) {
        int r = read(scratch, 0, (int) Math.min(scratch.length, n - done));
        if (r < 0) {
          break;
        }
        done += r;
      }
      return done;
    }

    @Override
    public boolean markSupported() {
      return false; // a reset would undo bytes already seen
    }
  }

  /**
   * Reads its source on a thread of its own, up to {@link #DEPTH} chunks of {@link #BUFFER} bytes
   * ahead of the reader (bounded memory: 4 MiB). Whatever the source throws (a limit's
   * {@link MediumException}, an I/O error) is thrown to the reader, in order, after the bytes read
   * before it. Closing stops the thread.
   */
  static final class ReadAhead extends InputStream {
    static final int DEPTH = 4;
    private static final byte[] END = new byte[0];
    private final java.util.concurrent.ArrayBlockingQueue<Object> queue =
        new java.util.concurrent.ArrayBlockingQueue<>(DEPTH);
    private final Thread thread;
    private byte[] chunk;
    private int chunkLen;
    private int pos;
    private boolean ended;

    ReadAhead(InputStream source, String label) {
      thread = new Thread(() -> {
        byte[] b = new byte[BUFFER];
        int n = 0;
        try {
          while (true) {
            int r = source.read(b, n, b.length - n);
            if (r < 0) {
              if (n > 0) {
                queue.put(java.util.Arrays.copyOf(b, n));
              }
              queue.put(END);
              return;
            }
            n += r;
            if (n == b.length) {
              queue.put(b);
              b = new byte[BUFFER];
              n = 0;
            }
          }
        } catch (InterruptedException e) {
          // closed by the reader
        } catch (Throwable e) { // every failure reaches the reader, which would otherwise wait forever
          try {
            if (n > 0) {
              queue.put(java.util.Arrays.copyOf(b, n)); // the bytes before the failure come first
            }
            queue.put(e);
          } catch (InterruptedException ignored) {
            // closed by the reader
          }
        }
      }, "airlock-inflate");
      thread.setDaemon(true);
      thread.start();
    }

    private boolean fill() throws IOException {
      if (ended) {
        return false;
      }
      while (chunk == null || pos == chunkLen) {
        Object o;
        try {
          o = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while reading the archive");
        }
        if (o == END) {
          ended = true;
          return false;
        }
        if (o instanceof IOException e) {
          ended = true;
          throw e;
        }
        if (o instanceof RuntimeException e) {
          ended = true;
          throw e;
        }
        if (o instanceof Error e) {
          ended = true;
          throw e;
        }
        chunk = (byte[]) o;
        chunkLen = chunk.length;
        pos = 0;
      }
      return true;
    }

    @Override
    public int read() throws IOException {
      return fill() ? chunk[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, chunkLen - pos);
      System.arraycopy(chunk, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public void close() {
      thread.interrupt();
      queue.clear();
    }
  }

  /**
   * Unpacks {@code archive} into {@code target} (created, must be inside the staging area).
   *
   * @param label how the archive is named in messages (its path on the medium)
   */
  void extract(Path archive, Path target, String label) {
    try (InputStream file = Files.newInputStream(archive)) {
      extract(file, target, label);
    } catch (IOException e) {
      throw new MediumException(Reason.MEDIUM_UNREADABLE, label + ": cannot read: " + e.getMessage(), e);
    }
  }

  void extract(InputStream file, Path target, String label) throws IOException {
    Counting raw = new Counting(new BufferedInputStream(file, BUFFER));
    raw.mark(8);
    byte[] head = raw.readNBytes(4);
    raw.reset();
    raw.count = 0;
    Compression c = detect(head);
    InputStream decompressed;
    try {
      decompressed = switch (c) {
        case GZIP -> new GzipCompressorInputStream(raw, true);
        case ZSTD -> new ZstdInputStream(raw);
        case NONE -> raw;
      };
    } catch (IOException e) {
      throw new MediumException(Reason.MEDIUM_UNREADABLE, label + ": not a readable " + c + " stream: " + e.getMessage(), e);
    }
    Files.createDirectories(target);
    Path root = target.toRealPath();
    Set<String> seen = new HashSet<>();
    String current = "(archive header)";
    InputStream inflated = new Inflated(decompressed, raw, label, c != Compression.NONE);
    // a compressed medium is inflated by a thread of its own, so that decompression (one core)
    // runs beside the tar reader's writes into staging (issue 17); a plain tar needs no thread
    Trailer trailer = new Trailer(c == Compression.NONE ? new BufferedInputStream(inflated, BUFFER)
        : new ReadAhead(inflated, label));
    try (trailer; TarArchiveInputStream tar = new TarArchiveInputStream(trailer,
        // US-ASCII: with it, commons-compress reports header names with non-ASCII bytes (which
        // with UTF-8 it would silently read as Latin-1) instead of decoding them. Unicode names
        // arrive through PAX records, which are UTF-8 (POSIX pax "path"); U+FFFD marks bad ones.
        "US-ASCII")) {
      TarArchiveEntry e = null;
      byte[] buf = new byte[BUFFER];
      while (true) {
        if (e != null) {
          while (tar.read(buf, 0, buf.length) > 0) {
            // the rest of an entry not written out (a folder reads as empty)
          }
        }
        trailer.startHeader();
        e = tar.getNextEntry();
        if (e == null) {
          break;
        }
        current = e.getName();
        if (e.isGlobalPaxHeader()) {
          continue;
        }
        if (++entries > limits.maxEntries()) {
          throw new MediumException(Reason.LIMIT_ENTRIES,
              label + ": more than " + limits.maxEntries() + " entries (at '" + safe(current) + "')");
        }
        String name = checkName(e.getName(), label);
        if (e.isSymbolicLink() || e.isLink()) {
          throw new MediumException(Reason.ARCHIVE_LINK,
              label + ": entry '" + name + "' is a " + (e.isSymbolicLink() ? "symbolic" : "hard")
                  + " link to '" + safe(e.getLinkName()) + "'; links are refused");
        }
        // commons-compress calls every entry whose name ends in "/" a folder, whatever its type,
        // and reads none of a folder's data; tar skips that data. A folder is therefore type '5',
        // or an old-style file entry ('0', NUL) named with a trailing "/", and carries no data, so
        // that airlock never reads as headers what tar would read as an entry's contents.
        byte type = e.getLinkFlag();
        boolean dir = type == TarArchiveEntry.LF_DIR || (e.isDirectory()
            && (type == TarArchiveEntry.LF_NORMAL || type == TarArchiveEntry.LF_OLDNORM));
        if (e.isDirectory() && !dir) {
          throw new MediumException(Reason.ARCHIVE_SPECIAL_FILE, label + ": entry '" + name + "' has type '"
              + safe(String.valueOf((char) (type & 0xff))) + "' with a folder's name; only files and folders are accepted");
        }
        if (dir && e.getSize() != 0) {
          throw new MediumException(Reason.ARCHIVE_SPECIAL_FILE, label + ": folder entry '" + name + "' declares "
              + e.getSize() + " bytes of data; a folder carries none");
        }
        boolean regular = !dir && e.isFile() && !e.isSparse() && !e.isGNUSparse() && !e.isStarSparse()
            && !e.isPaxGNUSparse() && (type == TarArchiveEntry.LF_NORMAL
                || type == TarArchiveEntry.LF_OLDNORM || type == TarArchiveEntry.LF_CONTIG);
        if (!dir && !regular) {
          throw new MediumException(Reason.ARCHIVE_SPECIAL_FILE,
              label + ": entry '" + name + "' has type '" + safe(String.valueOf((char) (type & 0xff)))
                  + "' (device, FIFO, sparse or unknown); only files and folders are accepted");
        }
        if (name.isEmpty()) {
          if (dir) {
            continue; // "./" itself
          }
          throw new MediumException(Reason.ARCHIVE_BAD_NAME, label + ": a file entry with an empty name");
        }
        if (!seen.add(name)) {
          throw new MediumException(Reason.ARCHIVE_DUPLICATE_ENTRY,
              label + ": entry '" + name + "' appears twice");
        }
        Path out = root.resolve(name).normalize();
        if (!out.startsWith(root)) {
          throw new MediumException(Reason.ARCHIVE_PATH_ESCAPE, label + ": entry '" + name + "' escapes the archive");
        }
        if (dir) {
          Files.createDirectories(out);
          continue;
        }
        long declared = e.getSize();
        if (declared < 0 || declared > limits.maxBlobBytes()) {
          throw new MediumException(Reason.LIMIT_SIZE, label + ": entry '" + name + "' declares " + declared
              + " bytes, over the limit of " + limits.maxBlobBytes());
        }
        if (totalBytes + declared > limits.maxMediumBytes()) {
          throw new MediumException(Reason.LIMIT_SIZE, label + ": entry '" + name
              + "' takes the medium over its limit of " + limits.maxMediumBytes() + " bytes");
        }
        Files.createDirectories(out.getParent());
        long written = 0;
        try (OutputStream o = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          int n;
          while ((n = tar.read(buf, 0, buf.length)) > 0) {
            written += n;
            if (written > declared) {
              break;
            }
            o.write(buf, 0, n);
          }
        }
        if (written != declared) {
          throw new MediumException(Reason.MEDIUM_TRUNCATED, label + ": entry '" + name + "' ends after "
              + written + " of " + declared + " bytes: the archive is truncated");
        }
        if (written >= EARLY_WRITEBACK) {
          startWriteback(out);
        }
        totalBytes += declared;
      }
      // POSIX.1-2017 pax, "ustar Interchange Format": "At the end of the archive file there shall
      // be two 512-octet logical records filled with binary zeros". commons-compress also ends the
      // archive at a short record or at the end of the input, so an archive cut between or inside
      // headers would lose its later entries without a word (DESIGN.md 7: no truncated archives).
      // The two records must be the first ones after the last entry: a lone zero block followed by
      // more headers would hide those entries as well.
      if (!trailer.endedWithMarker()) {
        throw new MediumException(Reason.MEDIUM_TRUNCATED, label + ": the archive ends without its end-of-archive"
            + " marker (two zero blocks) after '" + safe(current) + "': it is truncated");
      }
    } catch (MediumException e) {
      throw e;
    } catch (FileAlreadyExistsException e) {
      throw new MediumException(Reason.ARCHIVE_DUPLICATE_ENTRY,
          label + ": entry '" + safe(current) + "' collides with an earlier entry", e);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new MediumException(Reason.ARCHIVE_BAD_NAME, label + ": an entry after '" + safe(current)
          + "' has a name that is not ASCII (non-ASCII names must come in PAX UTF-8 records)", e);
    } catch (EOFException e) {
      throw new MediumException(Reason.MEDIUM_TRUNCATED,
          label + ": the archive is truncated (at '" + safe(current) + "')", e);
    } catch (IOException | RuntimeException e) {
      String msg = String.valueOf(e.getMessage());
      if (msg.toLowerCase(java.util.Locale.ROOT).contains("truncated")
          || msg.toLowerCase(java.util.Locale.ROOT).contains("premature")
          || msg.toLowerCase(java.util.Locale.ROOT).contains("unexpected end")) {
        throw new MediumException(Reason.MEDIUM_TRUNCATED,
            label + ": the archive is truncated (at '" + safe(current) + "'): " + msg, e);
      }
      throw new MediumException(Reason.MEDIUM_UNREADABLE,
          label + ": not a readable tar archive (at '" + safe(current) + "'): " + msg, e);
    }
  }

  /** Normalises an entry name and refuses escapes and bad characters (DESIGN.md section 7). */
  static String checkName(String raw, String label) {
    for (int i = 0; i < raw.length(); i++) {
      char ch = raw.charAt(i);
      if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch <= 0x9f) || ch == '\uFFFD') {
        throw new MediumException(Reason.ARCHIVE_BAD_NAME,
            label + ": entry '" + safe(raw) + "' has a control character or invalid UTF-8 in its name");
      }
    }
    if (raw.startsWith("/") || raw.startsWith("\\") || raw.matches("^[A-Za-z]:.*")) {
      throw new MediumException(Reason.ARCHIVE_PATH_ESCAPE, label + ": entry '" + raw + "' has an absolute path");
    }
    if (raw.contains("\\")) {
      throw new MediumException(Reason.ARCHIVE_BAD_NAME, label + ": entry '" + raw + "' has a backslash in its name");
    }
    StringBuilder out = new StringBuilder();
    for (String part : raw.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new MediumException(Reason.ARCHIVE_PATH_ESCAPE, label + ": entry '" + raw + "' has a '..' component");
      }
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(part);
    }
    return out.toString();
  }

  /** A name made printable for messages (control characters escaped). */
  static String safe(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (char ch : s.toCharArray()) {
      if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch <= 0x9f)) {
        b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) ch));
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }
}
