package dev.airlock.verify;

import dev.airlock.core.Reason;
import dev.airlock.core.json.VerdictDocument;
import java.util.Objects;

/**
 * One line of a verdict (DESIGN.md section 5): a check id such as {@code certificate.chain} or
 * {@code tlog.inclusion}, its outcome, and for failures a reason code with expected/actual values.
 */
public record Check(String id, Outcome outcome, Reason reason, String expected, String actual, String detail) {
  public Check {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(outcome, "outcome");
    if (outcome == Outcome.FAIL && reason == null) {
      throw new IllegalArgumentException("a failed check needs a reason: " + id);
    }
  }

  public static Check pass(String id) {
    return new Check(id, Outcome.PASS, null, null, null, null);
  }

  public static Check pass(String id, String detail) {
    return new Check(id, Outcome.PASS, null, null, null, detail);
  }

  public static Check fail(String id, Reason reason) {
    return new Check(id, Outcome.FAIL, reason, null, null, null);
  }

  public static Check fail(String id, Reason reason, String detail) {
    return new Check(id, Outcome.FAIL, reason, null, null, detail);
  }

  public static Check fail(String id, Reason reason, String expected, String actual) {
    return new Check(id, Outcome.FAIL, reason, expected, actual, null);
  }

  public static Check skip(String id, String detail) {
    return new Check(id, Outcome.SKIP, null, null, null, detail);
  }

  public static Check unknown(String id, Reason reason, String detail) {
    return new Check(id, Outcome.UNKNOWN, reason, null, null, detail);
  }

  public boolean failed() {
    return outcome == Outcome.FAIL;
  }

  /** This check as an element of the verdict document's {@code checks}. */
  public VerdictDocument.Check document() {
    return new VerdictDocument.Check(id, outcome.json(), reason == null ? null : reason.name(), expected, actual,
        detail);
  }
}
