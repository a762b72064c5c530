package dev.airlock.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import dev.airlock.core.TrustedTime;
import dev.airlock.db.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code serve}'s audit events with group commit: request threads hand their event to one writer
 * thread, which appends every event waiting at that moment in one transaction (one hash-chain
 * extension, one commit) and then releases the requests.
 *
 * <p>An answer is sent only after its event is durable: {@link #record} returns when the
 * transaction holding the event has committed, and throws (the edge answers 503) when it could not.
 * So a client never holds an image whose release is not in the log, even if the process dies the
 * next instant, which is DESIGN.md 7's rule for commands ("in the audit log before the command
 * reports success") applied to each request. Group commit keeps that affordable: at 16 concurrent
 * pulls a commit carries up to 16 events, so the cost per event is a fraction of one commit.
 */
final class ServeAudit implements AutoCloseable {
  /** At most this many events per transaction (bounds the transaction and the memory). */
  private static final int BATCH = 512;
  /** Requests wait at most this long for their event to be committed. */
  private static final long COMMIT_WAIT_SECONDS = 30;

  private record Pending(ServeBackend.Client client, String action, String subject, String outcome,
      List<String> reasons, JsonNode detail, CompletableFuture<Void> done) {}

  /** The signed audit checkpoint follows serve's events at most this often. */
  private static final long CHECKPOINT_EVERY_NANOS = 1_000_000_000L;

  private final Database db;
  private final AuditContext process;
  private long lastCheckpoint = System.nanoTime();
  private boolean checkpointDue;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(16_384);
  private final Thread writer;
  private volatile boolean closed;

  ServeAudit(Database db, AuditContext process) {
    this.db = db;
    this.process = process;
    this.writer = new Thread(this::run, "airlock-serve-audit");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Appends one event and waits until it is committed.
   *
   * @throws AirlockException CANNOT_DECIDE (AUDIT_WRITE_FAILED-like: {@link Reason#STATE_WRITE_FAILED})
   *     when the event could not be made durable; the request must then fail
   */
  void record(ServeBackend.Client client, String action, String subject, String outcome, List<String> reasons,
      JsonNode detail) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Pending p = new Pending(client, action, subject, outcome, List.copyOf(reasons), detail, done);
    try {
      if (closed || !queue.offer(p, COMMIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw failed("the audit log is not accepting events (server stopping or overloaded)", null);
      }
      done.get(COMMIT_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failed("interrupted while waiting for the audit log", e);
    } catch (ExecutionException e) {
      throw failed("the audit event could not be written: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw failed("the audit event was not committed within " + COMMIT_WAIT_SECONDS + " s", e);
    }
  }

  private static AirlockException failed(String message, Throwable cause) {
    return AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED, message, cause);
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(BATCH);
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
        refreshCheckpoint(first == null);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        write(batch);
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<Pending> batch) {
    try {
      db.auditTransaction(tx -> {
        TrustedTime time = tx.trustedNow(process.systemClock());
        List<dev.airlock.audit.AuditEvent> events = new ArrayList<>(batch.size());
        for (Pending p : batch) {
          events.add(who(p.client()).event(time, p.action(), p.subject(), p.outcome(), p.reasons(), p.detail()));
        }
        return tx.audit().appendAll(events);
      });
      checkpointDue = true;
      batch.forEach(p -> p.done().complete(null));
    } catch (RuntimeException e) {
      batch.forEach(p -> p.done().completeExceptionally(e));
    }
  }

  /**
   * Signs a fresh audit checkpoint into the home ({@code audit.AuditCheckpoint}, as every CLI
   * commit does) once a second while events arrive, and when they stop: the checkpoint lags the
   * log by at most a second instead of costing a signature per commit.
   */
  private void refreshCheckpoint(boolean idle) {
    if (!checkpointDue || !idle && System.nanoTime() - lastCheckpoint < CHECKPOINT_EVERY_NANOS) {
      return;
    }
    try {
      db.auditTransaction(tx -> {
        dev.airlock.audit.AuditCheckpoint.refresh(db.home(), tx.audit());
        return null;
      });
    } catch (RuntimeException e) {
      // the events are committed; the next refresh (or the next CLI commit) signs them
    }
    checkpointDue = false;
    lastCheckpoint = System.nanoTime();
  }

  /** The client is the actor of a request's event; the process's account and host stay. */
  private AuditContext who(ServeBackend.Client c) {
    String operator = c.certificateSubject() != null ? c.certificateSubject() : "client " + c.address();
    return new AuditContext(operator, process.account(), process.sudoUser(), process.host(),
        "serve", null, process.systemClock());
  }

  @Override
  public void close() {
    closed = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(COMMIT_WAIT_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    refreshCheckpoint(true);
  }
}
