package dev.airlock.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** RFC 9110 section 14.1.2 single byte ranges against a 1000-byte blob. */
class ByteRangeTest {
  @Test
  void satisfiable() {
    assertEquals(new ByteRange(0, 99), ByteRange.of("bytes=0-99", 1000));
    assertEquals(new ByteRange(500, 999), ByteRange.of("bytes=500-", 1000));
    assertEquals(new ByteRange(990, 999), ByteRange.of("bytes=-10", 1000));
    assertEquals(new ByteRange(0, 999), ByteRange.of("bytes=-5000", 1000));
    assertEquals(new ByteRange(10, 999), ByteRange.of("bytes=10-999999999999999999", 1000));
    assertEquals(1, ByteRange.of("bytes=999-999", 1000).length());
  }

  @Test
  void unsatisfiable() {
    assertSame(ByteRange.UNSATISFIABLE, ByteRange.of("bytes=1000-", 1000));
    assertSame(ByteRange.UNSATISFIABLE, ByteRange.of("bytes=1000-2000", 1000));
    assertSame(ByteRange.UNSATISFIABLE, ByteRange.of("bytes=-0", 1000));
    assertSame(ByteRange.UNSATISFIABLE, ByteRange.of("bytes=0-", 0));
  }

  @Test
  void ignoredSoTheWholeBlobIsSent() {
    for (String h : new String[] {null, "", "bytes=-", "bytes=5-1", "bytes=0-1,5-6", "items=0-1", "bytes=a-b",
        "bytes=9999999999999999999-"}) {
      assertNull(ByteRange.of(h, 1000), h);
    }
  }
}
