package dev.airlock.trust;

import java.time.Instant;

/**
 * A closed validity interval {@code [start, end]}; a null bound is open. Used for trusted-root
 * {@code validFor} (protobuf-specs TimeRange: inclusive) and key-authority windows.
 */
public record ValidityWindow(Instant start, Instant end) {
  public static final ValidityWindow ALWAYS = new ValidityWindow(null, null);

  public ValidityWindow {
    if (start != null && end != null && end.isBefore(start)) {
      throw new IllegalArgumentException("validity window ends (" + end + ") before it starts (" + start + ")");
    }
  }

  public boolean contains(Instant t) {
    return (start == null || !t.isBefore(start)) && (end == null || !t.isAfter(end));
  }

  /** The intersection of two windows; empty when they do not overlap. */
  public java.util.Optional<ValidityWindow> narrow(ValidityWindow other) {
    Instant s = start == null ? other.start : other.start == null ? start : later(start, other.start);
    Instant e = end == null ? other.end : other.end == null ? end : earlier(end, other.end);
    if (s != null && e != null && e.isBefore(s)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new ValidityWindow(s, e));
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  @Override
  public String toString() {
    return "[" + (start == null ? "-inf" : start) + ", " + (end == null ? "+inf" : end) + "]";
  }
}
