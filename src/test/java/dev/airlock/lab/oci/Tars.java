package dev.airlock.lab.oci;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Writes tar archives of folders (oci-archive, docker-archive media) for tests. */
public final class Tars {
  private Tars() {}

  /** Compression of a written archive. */
  public enum Compression { NONE, GZIP, ZSTD }

  public static OutputStream compress(OutputStream out, Compression c) throws IOException {
    return switch (c) {
      case NONE -> out;
      case GZIP -> new GzipCompressorOutputStream(out);
      case ZSTD -> new ZstdOutputStream(out);
    };
  }

  /** Tars the contents of {@code dir} (paths relative to it, folders included). */
  public static void tar(Path dir, Path out, Compression c) throws IOException {
    try (OutputStream o = compress(Files.newOutputStream(out), c);
        TarArchiveOutputStream t = new TarArchiveOutputStream(o)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      List<Path> all;
      try (Stream<Path> s = Files.walk(dir)) {
        all = s.filter(p -> !p.equals(dir)).sorted().toList();
      }
      for (Path p : all) {
        String name = dir.relativize(p).toString().replace('\\', '/');
        if (Files.isDirectory(p)) {
          t.putArchiveEntry(new TarArchiveEntry(name + "/"));
          t.closeArchiveEntry();
        } else {
          TarArchiveEntry e = new TarArchiveEntry(name);
          e.setSize(Files.size(p));
          t.putArchiveEntry(e);
          Files.copy(p, t);
          t.closeArchiveEntry();
        }
      }
    }
  }
}
