package dev.airlock.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code Range: bytes=...} request header against a blob of known size (RFC 9110 section
 * 14.1.2 and 14.2). Only single ranges are honoured; a multi-range, malformed or invalid header is
 * ignored (the whole blob is sent, as RFC 9110 section 14.2 allows).
 *
 * @param first the first byte sent
 * @param last the last byte sent, inclusive
 */
record ByteRange(long first, long last) {
  /** {@code first-last}, {@code first-} or {@code -suffixLength}; 18 digits keep every value in a long. */
  private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

  /** The header asks for a range that starts past the end: 416. */
  static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

  /** The range to send, {@link #UNSATISFIABLE}, or null to send the whole blob with 200. */
  static ByteRange of(String header, long size) {
    if (header == null) {
      return null;
    }
    Matcher m = SINGLE.matcher(header.trim());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return null;
    }
    if (m.group(1).isEmpty()) {
      // suffix: the last n bytes; n = 0 selects nothing (RFC 9110 section 14.1.3)
      long n = Long.parseLong(m.group(2));
      return n == 0 || size == 0 ? UNSATISFIABLE : new ByteRange(Math.max(0, size - n), size - 1);
    }
    long first = Long.parseLong(m.group(1));
    Long last = m.group(2).isEmpty() ? null : Long.parseLong(m.group(2));
    if (last != null && last < first) {
      // RFC 9110 section 14.1.1: last-pos less than first-pos is invalid, and an invalid range is ignored
      return null;
    }
    if (first >= size) {
      return UNSATISFIABLE;
    }
    return new ByteRange(first, last == null ? size - 1 : Math.min(last, size - 1));
  }

  long length() {
    return last - first + 1;
  }
}
