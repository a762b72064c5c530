package dev.airlock.testing;

import java.nio.charset.StandardCharsets;

/** Byte-array helpers for tests that mutate encoded structures at a known place. */
public final class Bytes {
  private Bytes() {}

  /** The offset of the first occurrence of {@code ascii} in {@code hay}; fails the test if absent. */
  public static int indexOf(byte[] hay, String ascii) {
    return indexOf(hay, ascii.getBytes(StandardCharsets.US_ASCII));
  }

  /** The offset of the first occurrence of {@code needle} in {@code hay}; fails the test if absent. */
  public static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("a run of " + needle.length + " bytes not found in " + hay.length + " bytes");
  }
}
