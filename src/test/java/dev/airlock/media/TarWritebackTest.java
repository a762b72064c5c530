package dev.airlock.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.Limits;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entries of at least {@link TarExtractor#EARLY_WRITEBACK} bytes start going to disk as soon as
 * they are unpacked (issue 17): the unpacked bytes are those of the archive, beside small entries,
 * and a head start for a file that is gone meanwhile (a refused medium's staging) fails quietly.
 */
class TarWritebackTest {
  @Test
  void bigAndSmallEntriesUnpackAsTheyWere(@TempDir Path dir) throws Exception {
    byte[] big = new byte[(int) TarExtractor.EARLY_WRITEBACK + 4097];
    new Random(17).nextBytes(big);
    byte[] small = "small".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Path archive = dir.resolve("m.tar");
    try (OutputStream o = Files.newOutputStream(archive); TarArchiveOutputStream tar = new TarArchiveOutputStream(o)) {
      for (Object[] e : new Object[][] {{"blobs/big", big}, {"blobs/small", small}, {"blobs/big2", big}}) {
        TarArchiveEntry entry = new TarArchiveEntry((String) e[0]);
        entry.setSize(((byte[]) e[1]).length);
        tar.putArchiveEntry(entry);
        tar.write((byte[]) e[1]);
        tar.closeArchiveEntry();
      }
    }
    Path out = Files.createDirectories(dir.resolve("out"));
    new TarExtractor(Limits.defaults()).extract(archive, out, "m.tar");
    assertArrayEquals(big, Files.readAllBytes(out.resolve("blobs/big")));
    assertArrayEquals(small, Files.readAllBytes(out.resolve("blobs/small")));
    assertArrayEquals(big, Files.readAllBytes(out.resolve("blobs/big2")));
  }

  @Test
  void aHeadStartForAFileThatIsGoneFailsQuietly(@TempDir Path dir) throws Exception {
    Path gone = dir.resolve("gone");
    assertDoesNotThrow(() -> TarExtractor.startWriteback(gone));
    // the writeback thread goes on: a later head start still runs (its file is untouched by it)
    Path kept = Files.write(dir.resolve("kept"), new byte[] {1, 2, 3});
    assertDoesNotThrow(() -> TarExtractor.startWriteback(kept));
    assertTrue(Files.exists(kept));
  }
}
