package dev.airlock.verify;

import dev.airlock.core.Reason;

/**
 * A check failed: carries the reason code and expected/actual values. Internal to the pipeline;
 * every one becomes a failed {@link Check} in the verdict, never an exception to the caller.
 */
final class Denial extends Exception {
  private static final long serialVersionUID = 1L;
  final Reason reason;
  final String expected;
  final String actual;

  Denial(Reason reason, String message) {
    this(reason, message, null, null);
  }

  Denial(Reason reason, String message, String expected, String actual) {
    super(message, null, false, false);
    this.reason = reason;
    this.expected = expected;
    this.actual = actual;
  }

  Check toCheck(String id) {
    return new Check(id, Outcome.FAIL, reason, expected, actual, getMessage());
  }
}
