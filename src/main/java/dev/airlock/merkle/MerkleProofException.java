package dev.airlock.merkle;

import dev.airlock.core.Reason;

/**
 * An RFC 9162 inclusion or consistency proof did not verify, or is malformed; {@link #reason()}
 * says which. Callers translate it into their stage's refusal ({@code tlog.ProofException}, an
 * audit tamper report, a verify denial) so that the leaf package carries no stage's types.
 */
public final class MerkleProofException extends Exception {
  private static final long serialVersionUID = 1L;
  private final Reason reason;

  public MerkleProofException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
