package dev.airlock.store;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;

/** A blob that does not match its descriptor (digest, size) or is missing: the image is refused. */
public final class BlobException extends AirlockException {
  private static final long serialVersionUID = 1L;

  BlobException(Reason reason, String message) {
    super(Kind.DENIED, reason, message);
  }
}
