package dev.airlock.lab.oci;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Hostile tar archives for the media tests (DESIGN.md section 7): written with commons-compress
 * where it can express the attack, as raw header bytes where it refuses to (invalid UTF-8 names,
 * sizes no writer would declare).
 */
public final class HostileTars {
  private HostileTars() {}

  /** Builds a tar in memory. */
  public interface Body {
    void write(TarArchiveOutputStream t) throws IOException;
  }

  public static byte[] tar(Tars.Compression c, Body body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream o = Tars.compress(bytes, c); TarArchiveOutputStream t = new TarArchiveOutputStream(o, "UTF-8")) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      body.write(t);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static void file(TarArchiveOutputStream t, String name, byte[] content) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setSize(content.length);
    t.putArchiveEntry(e);
    t.write(content);
    t.closeArchiveEntry();
  }

  public static void special(TarArchiveOutputStream t, String name, byte type, String link) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, type, true);
    if (link != null) {
      e.setLinkName(link);
    }
    t.putArchiveEntry(e);
    t.closeArchiveEntry();
  }

  /** One raw ustar header block (512 bytes) with the given name bytes, size and type. */
  public static byte[] header(byte[] name, long size, byte type) {
    byte[] h = new byte[512];
    System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
    octal(h, 100, 8, 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, 1767225600L);
    h[156] = type;
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
    h[263] = '0';
    h[264] = '0';
    Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    String chk = String.format(java.util.Locale.ROOT, "%06o", sum);
    System.arraycopy(chk.getBytes(StandardCharsets.US_ASCII), 0, h, 148, 6);
    h[154] = 0;
    h[155] = ' ';
    return h;
  }

  private static void octal(byte[] h, int off, int len, long v) {
    String s = String.format(java.util.Locale.ROOT, "%0" + (len - 1) + "o", v);
    System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
    h[off + len - 1] = 0;
  }

  /** A raw archive: one header, {@code content} padded to 512, and the end-of-archive blocks. */
  public static byte[] raw(byte[] name, long declaredSize, byte type, byte[] content, boolean end) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(header(name, declaredSize, type));
    o.writeBytes(content);
    int pad = (512 - content.length % 512) % 512;
    o.writeBytes(new byte[pad]);
    if (end) {
      o.writeBytes(new byte[1024]);
    }
    return o.toByteArray();
  }
}
