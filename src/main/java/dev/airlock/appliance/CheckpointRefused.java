package dev.airlock.appliance;

import dev.airlock.tlog.CheckpointRefusedException;

/** Carries a checked checkpoint refusal out of a transaction's work, so that the transaction rolls back. */
final class CheckpointRefused extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final transient CheckpointRefusedException refusal;

  CheckpointRefused(CheckpointRefusedException e) {
    super(e.getMessage(), e);
    this.refusal = e;
  }
}
