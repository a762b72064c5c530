package dev.airlock.tlog;

import java.util.List;
import java.util.Objects;

/**
 * A checkpoint whose note verified under a log key.
 *
 * @param checkpoint the parsed note body
 * @param signer the log key that verified, named as its signature line names it
 * @param witnesses the distinct witness keys whose cosignatures verified (named by their lines)
 */
public record VerifiedCheckpoint(Checkpoint checkpoint, LogKey signer, List<LogKey> witnesses) {
  public VerifiedCheckpoint {
    Objects.requireNonNull(checkpoint, "checkpoint");
    Objects.requireNonNull(signer, "signer");
    witnesses = List.copyOf(witnesses);
  }
}
