package dev.airlock.tlog;

import dev.airlock.core.Reason;

/** A Merkle proof or signed note did not verify; {@link #reason()} says which check failed. */
public final class ProofException extends Exception {
  private static final long serialVersionUID = 1L;
  private final Reason reason;

  public ProofException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
