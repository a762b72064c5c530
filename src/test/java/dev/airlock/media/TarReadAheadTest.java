package dev.airlock.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The inflating thread of a compressed medium: the tar reader sees every byte in order, then
 * whatever the inflating side threw (a limit, an I/O error), never a silent end.
 */
class TarReadAheadTest {
  /** {@code good} bytes, then {@code failure} (or the end when null). */
  private static InputStream source(byte[] good, RuntimeException unchecked, IOException io) {
    return new InputStream() {
      int pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (pos == good.length) {
          if (unchecked != null) {
            throw unchecked;
          }
          if (io != null) {
            throw io;
          }
          return -1;
        }
        int n = Math.min(len, Math.min(70_001, good.length - pos));
        System.arraycopy(good, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  private static byte[] data(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  /** Reads until the stream ends or throws; returns what arrived before. */
  private static byte[] drain(InputStream in, ByteArrayOutputStream got) throws IOException {
    byte[] buf = new byte[12_345];
    int n;
    while ((n = in.read(buf, 0, buf.length)) > 0) {
      got.write(buf, 0, n);
    }
    return got.toByteArray();
  }

  @Test
  void deliversEveryByteInOrder() throws IOException {
    for (int size : new int[] {0, 1, TarExtractor.ReadAhead.DEPTH << 20, (7 << 20) + 3}) {
      byte[] d = data(size);
      try (TarExtractor.ReadAhead in = new TarExtractor.ReadAhead(source(d, null, null), "x")) {
        assertArrayEquals(d, drain(in, new ByteArrayOutputStream()), "size " + size);
        assertEquals(-1, in.read());
      }
    }
  }

  @Test
  void aLimitThrownWhileInflatingReachesTheReaderAfterTheBytesBeforeIt() throws IOException {
    byte[] d = data((5 << 20) + 17);
    MediumException limit = new MediumException(Reason.LIMIT_RATIO, "bomb");
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try (TarExtractor.ReadAhead in = new TarExtractor.ReadAhead(source(d, limit, null), "x")) {
      MediumException e = assertThrows(MediumException.class, () -> drain(in, got));
      assertSame(limit, e);
      assertArrayEquals(d, got.toByteArray());
      assertEquals(-1, in.read(), "ended: no byte after the failure");
    }
  }

  @Test
  void anIoErrorReachesTheReaderNotASilentEnd() throws IOException {
    byte[] d = data(3 << 20);
    IOException cut = new IOException("device removed");
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try (TarExtractor.ReadAhead in = new TarExtractor.ReadAhead(source(d, null, cut), "x")) {
      assertSame(cut, assertThrows(IOException.class, () -> drain(in, got)));
      assertArrayEquals(d, got.toByteArray());
    }
  }

  @Test
  void closingEarlyStopsTheInflatingThread() throws Exception {
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        return len;
      }
    };
    TarExtractor.ReadAhead in = new TarExtractor.ReadAhead(endless, "x");
    assertTrue(in.read(new byte[10], 0, 10) > 0);
    in.close();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (threadAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertFalse(threadAlive(), "the inflating thread ends when the reader closes");
  }

  private static boolean threadAlive() {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("airlock-inflate") && t.isAlive());
  }
}
