package dev.airlock.audit;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;

/**
 * The audit log (or an export of it) failed verification. {@link #seq()} names the first event
 * found bad (0 when the problem is not tied to one event, e.g. a bad checkpoint signature).
 */
public final class AuditTamperedException extends AirlockException {
  private static final long serialVersionUID = 1L;
  private final long seq;

  public AuditTamperedException(Reason reason, long seq, String message) {
    super(Kind.DENIED, reason, message);
    this.seq = seq;
  }

  public long seq() {
    return seq;
  }
}
