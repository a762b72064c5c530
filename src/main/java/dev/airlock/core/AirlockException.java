package dev.airlock.core;

import java.util.Objects;

/**
 * An operation could not complete. The {@link Kind} says which exit code the CLI maps it to
 * (DESIGN.md section 4); the {@link Reason} says why, for verdicts, audit events and docs.
 *
 * <p>STYLE.md rule 7: exceptions mean "cannot decide" or "refused", never "invalid signature" for a
 * single signature; a failed signature check is a failed {@code Check} in a verdict.
 */
public class AirlockException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** How the failure maps onto the command contract's exit codes. */
  public enum Kind {
    /** Something failed verification or is hostile: exit 1. */
    DENIED,
    /** Bad command line or arguments: exit 2. */
    USAGE,
    /** Unreadable input, no or expired trust, busy database: exit 3. */
    CANNOT_DECIDE,
    /** The audit record could not be written; the action was not taken: exit 4. */
    AUDIT_FAILED,
    /** A bug: exit 70. */
    INTERNAL
  }

  private final Kind kind;
  private final Reason reason;

  public AirlockException(Kind kind, Reason reason, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind);
    this.reason = Objects.requireNonNull(reason);
  }

  public AirlockException(Kind kind, Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind);
    this.reason = Objects.requireNonNull(reason);
  }

  public static AirlockException denied(Reason reason, String message) {
    return new AirlockException(Kind.DENIED, reason, message);
  }

  public static AirlockException cannotDecide(Reason reason, String message) {
    return new AirlockException(Kind.CANNOT_DECIDE, reason, message);
  }

  public static AirlockException cannotDecide(Reason reason, String message, Throwable cause) {
    return new AirlockException(Kind.CANNOT_DECIDE, reason, message, cause);
  }

  public static AirlockException usage(String message) {
    return new AirlockException(Kind.USAGE, Reason.INTERNAL_ERROR, message);
  }

  public Kind kind() {
    return kind;
  }

  public Reason reason() {
    return reason;
  }
}
