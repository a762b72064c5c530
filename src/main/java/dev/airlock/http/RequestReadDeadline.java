package dev.airlock.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Drops slowloris clients. Jetty's idle timeout closes a connection only when no byte arrives for
 * that long; a client that sends one header byte a second never trips it and holds the connection
 * open for as long as it likes. This listener closes a connection whose request line and headers
 * (or whose TLS handshake) are not complete {@code timeout} after they began.
 *
 * <p>It reads the state of Jetty's HTTP/1.1 parser ({@link HttpParser#inHeaderState()}) from a
 * scheduler tick, every quarter of the timeout; the parser's state is a single field, so a stale read
 * costs at most one tick. {@code HttpConnection} is in Jetty's {@code internal} package: pinned in
 * pom.xml, and {@code RequestLimitsTest} fails if an upgrade changes it.
 */
final class RequestReadDeadline implements Connection.Listener {
  private final Scheduler scheduler;
  private final long timeoutNanos;
  private final long tickNanos;

  RequestReadDeadline(Scheduler scheduler, Duration timeout) {
    this.scheduler = scheduler;
    this.timeoutNanos = timeout.toNanos();
    this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(50), timeoutNanos / 4);
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof HttpConnection http) {
      new Watch(http).schedule();
    } else if (connection instanceof SslConnection ssl) {
      Handshake h = new Handshake(ssl);
      ssl.addHandshakeListener(h);
      scheduler.schedule(h, timeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Ticks while the connection is open; closes it once one request header has taken too long. */
  private final class Watch implements Runnable {
    private final HttpConnection connection;
    private long headerSeenSince;
    private long messagesAtStart = -1;

    Watch(HttpConnection connection) {
      this.connection = connection;
    }

    void schedule() {
      scheduler.schedule(this, tickNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
      if (!connection.getEndPoint().isOpen()) {
        return;
      }
      HttpParser parser = connection.getParser();
      boolean readingHeader = !parser.isStart() && parser.inHeaderState();
      long now = System.nanoTime();
      long messages = connection.getMessagesIn();
      if (!readingHeader) {
        headerSeenSince = 0;
      } else if (headerSeenSince == 0 || messages != messagesAtStart) {
        // a header began since the last tick: the client gets at least the timeout, at most one tick more
        headerSeenSince = now;
        messagesAtStart = messages;
      } else if (now - headerSeenSince >= timeoutNanos) {
        connection.getEndPoint().close(new TimeoutException("request header not complete in time"));
        return;
      }
      schedule();
    }
  }

  /** Closes a TLS connection whose handshake has not finished by the deadline. */
  private static final class Handshake implements Runnable, SslHandshakeListener {
    private final SslConnection connection;
    private volatile boolean done;

    Handshake(SslConnection connection) {
      this.connection = connection;
    }

    @Override
    public void handshakeSucceeded(Event event) {
      done = true;
    }

    @Override
    public void handshakeFailed(Event event, Throwable failure) {
      done = true;
    }

    @Override
    public void run() {
      if (!done && connection.getEndPoint().isOpen()) {
        connection.getEndPoint().close(new TimeoutException("TLS handshake not complete in time"));
      }
    }
  }
}
