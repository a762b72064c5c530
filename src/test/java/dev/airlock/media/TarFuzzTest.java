package dev.airlock.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.Limits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Fuzz target for the tar reader of update media ({@link TarExtractor}, issue 13 "Fuzzing"), with
 * DESIGN.md section 7 as its property:
 *
 * <ul>
 *   <li>nothing comes out but {@link MediumException}, and no refusal hides a
 *       {@code RuntimeException} thrown by airlock's own code;
 *   <li>accepted or refused, nothing is written outside the target folder, and the target folder
 *       holds only regular files and folders (no links, devices, FIFOs);
 *   <li>an accepted uncompressed archive, read again by the independent header walk below, has no
 *       link, device, FIFO, sparse or unknown entry, no folder with data, no entry whose data is cut short, its
 *       end-of-archive marker, and exactly as many regular files on disk as regular-file entries
 *       (so no duplicate or dropped entry). Names ({@code ..}, absolute) are covered by the first
 *       two points: an escaping name would write outside the target folder.
 * </ul>
 *
 * <p>Without JAZZER_FUZZ the target replays its seeds under
 * src/test/resources/dev/airlock/media/TarFuzzTestInputs/tarArchive (valid and hostile tars).
 */
class TarFuzzTest {
  /** Small limits so that a gzip or zstd bomb is cut early; the ratio check starts at 1 MiB. */
  private static final Limits LIMITS = Limits.defaults().withMaxBlobBytes(4 << 20).withMaxMediumBytes(8 << 20)
      .withRatioCheckAfterBytes(1 << 20).withMaxEntries(1000);
  private static final Path ROOT;
  private static final AtomicLong RUNS = new AtomicLong();

  static {
    try {
      ROOT = Files.createTempDirectory("airlock-tar-fuzz").toRealPath();
      ROOT.toFile().deleteOnExit(); // each run's folder is deleted after it: empty at exit
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest
  void tarArchive(byte[] data) throws IOException {
    Path work = Files.createDirectory(ROOT.resolve(Long.toString(RUNS.incrementAndGet())));
    Path target = work.resolve("out");
    try {
      boolean accepted = false;
      try {
        new TarExtractor(LIMITS).extract(new ByteArrayInputStream(data), target, "fuzz.tar");
        accepted = true;
      } catch (MediumException refused) {
        // documented refusal, unless it wraps a bug of our own
        Throwable cause = refused.getCause();
        if (cause instanceof RuntimeException && !(cause instanceof MediumException)
            && cause.getStackTrace().length > 0 && cause.getStackTrace()[0].getClassName().startsWith("dev.airlock.")) {
          throw new AssertionError("airlock's own code threw inside the tar reader", cause);
        }
      }
      int files = checkTree(work, target);
      if (accepted && TarExtractor.detect(data) == TarExtractor.Compression.NONE) {
        Walk w = walk(data);
        if (w != null) {
          assertNull(w.problem(), "accepted an archive that the header walk refuses");
          assertEquals(w.regularFiles(), files, "regular-file entries vs regular files written");
        }
      }
    } finally {
      delete(work);
    }
  }

  /**
   * Everything under {@code work} is the target folder or inside it, and is a regular file or a
   * folder, never a link or a special file; returns the number of regular files.
   */
  private static int checkTree(Path work, Path target) throws IOException {
    try (Stream<Path> all = Files.walk(ROOT)) {
      List<Path> outside = all.filter(p -> !p.equals(ROOT) && !p.equals(work) && !p.startsWith(target)).toList();
      assertEquals(List.of(), outside, "written outside the target folder");
    }
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    int files = 0;
    try (Stream<Path> all = Files.walk(target)) {
      for (Path p : all.toList()) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          files++;
        } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          fail("neither a regular file nor a folder: " + p);
        }
      }
    }
    return files;
  }

  private static void delete(Path work) throws IOException {
    try (Stream<Path> all = Files.walk(work)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** What the header walk found: the regular-file entries, and the first reason to refuse. */
  record Walk(int regularFiles, String problem) {}

  /**
   * An independent reading of an uncompressed tar (POSIX.1-2017 pax "ustar Interchange Format",
   * GNU 'L' long names, pax 'x' path and size records), enough to judge what the extractor
   * accepted. Returns null where it cannot tell (base-256 sizes, sparse or unusual pax records),
   * so that the target does not report its own gaps.
   */
  static Walk walk(byte[] t) {
    int files = 0;
    long off = 0;
    String nextName = null;
    Long nextSize = null;
    while (true) {
      if (off + 1024 <= t.length && zero(t, (int) off, 1024)) {
        return new Walk(files, null);
      }
      if (off + 512 > t.length) {
        return new Walk(files, "ends at " + off + " without two zero blocks");
      }
      int h = (int) off;
      if (zero(t, h, 512)) {
        return new Walk(files, "a lone zero block at " + off);
      }
      long size = octal(t, h + 124, 12);
      if (size < 0) {
        return null;
      }
      byte type = t[h + 156];
      boolean meta = type == 'x' || type == 'g' || type == 'L' || type == 'K';
      if (!meta && nextSize != null) {
        size = nextSize;
      }
      long dataEnd = off + 512 + size;
      if (dataEnd > t.length) {
        return new Walk(files, "entry at " + off + " declares " + size + " bytes, " + (t.length - off - 512) + " left");
      }
      switch (type) {
        case 'x' -> {
          String[] pax = pax(t, h + 512, (int) size);
          if (pax == null) {
            return null;
          }
          if (pax[0] != null) {
            nextName = pax[0];
          }
          if (pax[1] != null) {
            nextSize = Long.parseLong(pax[1]);
          }
        }
        case 'g', 'K' -> {
          // global pax header, GNU long link name: no entry of their own
        }
        case 'L' -> nextName = cString(t, h + 512, (int) size);
        case '0', '\0', '7', '5' -> {
          String name = nextName != null ? nextName : headerName(t, h);
          boolean dir = type == '5' || (type != '7' && name.endsWith("/"));
          if (dir && size != 0) {
            return new Walk(files, "folder '" + name + "' at " + off + " declares " + size + " bytes of data");
          }
          if (!dir) {
            files++;
          }
          nextName = null;
          nextSize = null;
        }
        default -> {
          return new Walk(files, "entry type '" + (char) type + "' at " + off);
        }
      }
      off = dataEnd + (512 - size % 512) % 512;
    }
  }

  private static boolean zero(byte[] t, int from, int len) {
    for (int i = from; i < from + len; i++) {
      if (t[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** An octal header field (leading spaces, then digits, then NUL or space); -1 if not one. */
  private static long octal(byte[] t, int from, int len) {
    int i = from;
    int end = from + len;
    while (i < end && t[i] == ' ') {
      i++;
    }
    long v = 0;
    int digits = 0;
    for (; i < end && t[i] >= '0' && t[i] <= '7'; i++, digits++) {
      v = v * 8 + (t[i] - '0');
    }
    for (; i < end; i++) {
      if (t[i] != 0 && t[i] != ' ') {
        return -1;
      }
    }
    return digits == 0 ? -1 : v;
  }

  private static String cString(byte[] t, int from, int len) {
    int n = 0;
    while (n < len && t[from + n] != 0) {
      n++;
    }
    return new String(t, from, n, StandardCharsets.UTF_8);
  }

  /** ustar name: prefix "/" name when the magic is "ustar\0" (POSIX), else the name field. */
  private static String headerName(byte[] t, int h) {
    String name = cString(t, h, 100);
    boolean posix = t[h + 257] == 'u' && t[h + 258] == 's' && t[h + 259] == 't' && t[h + 260] == 'a'
        && t[h + 261] == 'r' && t[h + 262] == 0;
    String prefix = posix ? cString(t, h + 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  /** The path and size of pax extended-header records; null if they are malformed or unusual. */
  private static String[] pax(byte[] t, int from, int len) {
    String[] out = new String[2];
    int i = from;
    int end = from + len;
    while (i < end) {
      int sp = i;
      long recLen = 0;
      while (sp < end && t[sp] >= '0' && t[sp] <= '9' && recLen < 1 << 20) {
        recLen = recLen * 10 + (t[sp++] - '0');
      }
      if (sp >= end || t[sp] != ' ' || sp == i || i + recLen > end || recLen <= sp - i + 1
          || t[(int) (i + recLen - 1)] != '\n') {
        return null;
      }
      String rec = new String(t, sp + 1, (int) (i + recLen - sp - 2), StandardCharsets.UTF_8);
      int eq = rec.indexOf('=');
      if (eq <= 0) {
        return null;
      }
      String key = rec.substring(0, eq);
      String value = rec.substring(eq + 1);
      switch (key) {
        case "path" -> out[0] = value;
        case "size" -> {
          if (!value.matches("[0-9]{1,18}")) {
            return null;
          }
          out[1] = value;
        }
        case "linkpath", "mtime", "atime", "ctime", "uid", "gid", "uname", "gname", "charset", "comment" -> {
          // no bearing on which entries there are
        }
        default -> {
          return null;
        }
      }
      i += (int) recLen;
    }
    return out;
  }

  /** The walk agrees with itself on a well-formed archive (guards the oracle, not the reader). */
  @org.junit.jupiter.api.Test
  void walkReadsAWellFormedArchive() {
    byte[] tar = dev.airlock.lab.oci.HostileTars.tar(dev.airlock.lab.oci.Tars.Compression.NONE, t -> {
      dev.airlock.lab.oci.HostileTars.file(t, "images/a", "a".getBytes(StandardCharsets.UTF_8));
      dev.airlock.lab.oci.HostileTars.file(t, "images/" + "b".repeat(150), new byte[700]);
    });
    Walk w = walk(tar);
    assertTrue(w != null && w.problem() == null, String.valueOf(w));
    assertEquals(2, w.regularFiles());
  }
}
