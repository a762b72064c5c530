package dev.airlock.trust.tuf;

import dev.airlock.core.Reason;
import java.io.IOException;

/**
 * A refusal raised inside the sigstore-java updater's call-backs (our {@code Fetcher}): carries the
 * reason code through sigstore-java, which only propagates {@link IOException}s.
 */
final class TufFailure extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient Reason reason;

  TufFailure(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  Reason reason() {
    return reason;
  }
}
