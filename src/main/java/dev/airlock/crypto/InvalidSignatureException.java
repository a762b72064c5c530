package dev.airlock.crypto;

/**
 * A signature did not verify, or its encoding, key or algorithm was unacceptable. STYLE.md rule 4:
 * verification returns normally or throws this; provider runtime exceptions are mapped here too.
 */
public final class InvalidSignatureException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What exactly went wrong, for reason codes. */
  public enum Problem {
    /** The signature bytes are not a valid encoding. */
    MALFORMED,
    /** Well-formed but does not verify. */
    MISMATCH,
    /** Key type/size or algorithm is not on the allow-list, or does not fit the key. */
    UNSUPPORTED
  }

  private final Problem problem;

  public InvalidSignatureException(Problem problem, String message) {
    super(message);
    this.problem = problem;
  }

  public InvalidSignatureException(Problem problem, String message, Throwable cause) {
    super(message, cause);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
