package dev.airlock.media;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;

/**
 * A medium refused (hostile structure, over a limit: exit 1) or unreadable (I/O error, truncated:
 * exit 3). The message names the medium and the entry.
 */
public final class MediumException extends AirlockException {
  private static final long serialVersionUID = 1L;

  MediumException(Reason reason, String message) {
    super(kindOf(reason), reason, message);
  }

  MediumException(Reason reason, String message, Throwable cause) {
    super(kindOf(reason), reason, message, cause);
  }

  /** DESIGN.md 6a "Exit codes of a refused medium": unreadable or truncated is 3, hostile is 1. */
  static Kind kindOf(Reason reason) {
    return reason == Reason.MEDIUM_TRUNCATED || reason == Reason.MEDIUM_UNREADABLE
        ? Kind.CANNOT_DECIDE : Kind.DENIED;
  }
}
