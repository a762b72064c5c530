package dev.airlock.trust;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Validity windows of key-authority targets from TUF custom metadata {@code validFrom} /
 * {@code validUntil}: an ISO date-time, or a date alone meaning UTC — validFrom from the start of
 * that day, validUntil to the end of that day (inclusive).
 */
public final class KeyWindows {
  private KeyWindows() {}

  static ValidityWindow of(JsonNode custom, String path) {
    if (custom == null) {
      return ValidityWindow.ALWAYS;
    }
    Instant from = bound(custom.get("validFrom"), path, "validFrom", false);
    Instant until = bound(custom.get("validUntil"), path, "validUntil", true);
    if (from != null && until != null && until.isBefore(from)) {
      throw AirlockException.denied(Reason.KEY_MALFORMED,
          path + ": custom validUntil " + until + " is before validFrom " + from);
    }
    return new ValidityWindow(from, until);
  }

  private static Instant bound(JsonNode n, String path, String field, boolean endOfDay) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw AirlockException.denied(Reason.KEY_MALFORMED, path + ": custom " + field + " is not a string");
    }
    String s = n.textValue();
    try {
      return parseBound(s, endOfDay);
    } catch (DateTimeParseException e) {
      throw AirlockException.denied(Reason.KEY_MALFORMED,
          path + ": custom " + field + " '" + s + "' is not an ISO date or date-time");
    }
  }

  /**
   * A window bound as DESIGN.md 6a "Key authorities" defines it: an ISO date or date-time; a date
   * alone is UTC, from the start of that day ({@code endOfDay} false) or to its end (true).
   *
   * @throws DateTimeParseException if it is neither
   */
  public static Instant parseBound(String s, boolean endOfDay) {
    if (s.length() == 10) {
      LocalDate d = LocalDate.parse(s);
      return endOfDay
          ? d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1)
          : d.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    return OffsetDateTime.parse(s).toInstant();
  }
}
