package dev.airlock.tlog;

import dev.airlock.core.Reason;
import java.util.Optional;

/**
 * A checkpoint import was refused; nothing of the call may be stored. When the refusal is a fork,
 * {@link #fork()} carries the evidence, which the caller records with
 * {@link CheckpointStore#raiseAlarm} in a transaction of its own (the refused import's transaction
 * rolls back, the alarm must not).
 */
public final class CheckpointRefusedException extends Exception {
  private static final long serialVersionUID = 1L;
  private final Reason reason;
  private final String file;
  private final transient CheckpointStore.Fork fork;

  public CheckpointRefusedException(Reason reason, String file, String message, CheckpointStore.Fork fork) {
    super(file + ": " + message);
    this.reason = reason;
    this.file = file;
    this.fork = fork;
  }

  public Reason reason() {
    return reason;
  }

  /** The file that was refused. */
  public String file() {
    return file;
  }

  public Optional<CheckpointStore.Fork> fork() {
    return Optional.ofNullable(fork);
  }
}
