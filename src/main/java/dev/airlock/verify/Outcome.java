package dev.airlock.verify;

import java.util.Locale;

/** The outcome of one check in a verdict. */
public enum Outcome {
  PASS,
  FAIL,
  /** The check could not be decided from the available data (e.g. checkpoint consistency). */
  UNKNOWN,
  /** The check was not run, by an explicit and recorded unsafe option or because it does not apply. */
  SKIP;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }
}
