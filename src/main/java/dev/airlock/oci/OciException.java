package dev.airlock.oci;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;

/** A malformed OCI document or layout; {@link Reason} says which rule failed. Exit 1 (refused). */
public final class OciException extends AirlockException {
  private static final long serialVersionUID = 1L;

  public OciException(Reason reason, String message) {
    super(Kind.DENIED, reason, message);
  }
}
