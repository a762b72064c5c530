package dev.airlock.http;

import dev.airlock.appliance.ServeBackend;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@code airlock serve}'s listener (DESIGN.md section 9): the OCI Distribution Spec v1.1 pull side,
 * the Kubernetes admission webhook, verify, health, readiness and metrics, every answer from one
 * {@link ServeBackend}. docs/serve.md lists the endpoints, status codes, limits and metrics.
 *
 * <p>How the CLI starts it (flags of DESIGN.md section 9):
 * <pre>{@code
 * ServeOptions.Listen at = ServeOptions.Listen.parse(listen);             // --listen HOST:PORT
 * ServeOptions o = insecureHttp                                           // --insecure-http
 *     ? ServeOptions.insecureHttp(at.host(), at.port(), forceOnNetwork)   // --force-insecure-http-on-network
 *     : ServeOptions.tls(at.host(), at.port(), cert, key, clientCaOrNull); // --tls-cert --tls-key [--client-ca]
 * // ServeSetupException: refused or unreadable options, a message for the operator (usage, exit 2)
 * try (ServeServer s = ServeServer.start(backend, o, err)) {
 *   s.join();                                                             // until close(), e.g. a shutdown hook
 * }
 * }</pre>
 *
 * <p>Plain HTTP is refused unless asked for by name, and then only on a loopback address unless
 * the network is forced too: client certificates and the integrity of what is pulled rest on TLS.
 * {@link #close()} stops accepting, lets requests in flight finish for the options' stop timeout and
 * then closes the remaining connections.
 */
public final class ServeServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  private final ServeOptions options;

  /** Builds the server without listening; {@link #start()} binds. */
  public ServeServer(ServeBackend backend, ServeOptions options, PrintStream err) throws ServeSetupException {
    Objects.requireNonNull(backend, "backend");
    this.options = Objects.requireNonNull(options, "options");
    Objects.requireNonNull(err, "err");
    ServeOptions.Limits limits = options.limits();
    SslContextFactory.Server tls = null;
    if (options.tls() != null) {
      if (options.insecureHttp()) {
        throw new ServeSetupException("--insecure-http and --tls-cert/--tls-key exclude each other");
      }
      tls = TlsFiles.contextFactory(options.tls());
    } else {
      requirePlainHttpAllowed(options);
    }

    QueuedThreadPool threads = new QueuedThreadPool(limits.maxThreads(), Math.min(8, limits.maxThreads()), 60_000,
        new BlockingArrayQueue<>(limits.maxQueuedRequests()));
    threads.setName("airlock-serve");
    server = new Server(threads);

    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(limits.maxRequestHeaderBytes());
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // the routes parse the raw path themselves and refuse any '%', ".." or empty component in a
    // repository name (RegistryPath), so Jetty passes ambiguous paths on instead of refusing them
    // with a generic 400: the client then learns NAME_INVALID, as the distribution spec says
    http.setUriCompliance(UriCompliance.UNSAFE);
    if (tls != null) {
      // no SNI requirement or SNI/Host check: hospital clients often address the appliance by IP
      http.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
      connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()),
          new HttpConnectionFactory(http));
    } else {
      connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    }
    connector.setHost(options.host().isEmpty() ? null : options.host());
    connector.setPort(options.port());
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    connector.addBean(new RequestReadDeadline(server.getScheduler(), limits.requestReadTimeout()));
    server.addConnector(connector);

    server.setHandler(new GracefulHandler(new ServeHandler(backend, new Metrics(), limits, err)));
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopTimeout(limits.stopTimeout().toMillis());
  }

  /** Builds and starts a server: the one call the CLI makes. */
  public static ServeServer start(ServeBackend backend, ServeOptions options, PrintStream err)
      throws ServeSetupException {
    ServeServer s = new ServeServer(backend, options, err);
    s.start();
    return s;
  }

  /** Binds and starts answering. */
  public void start() throws ServeSetupException {
    try {
      server.start();
    } catch (IOException e) {
      stopQuietly();
      throw new ServeSetupException("cannot listen on " + display() + ": " + e.getMessage(), e);
    } catch (Exception e) {
      stopQuietly();
      throw new ServeSetupException("cannot start serving on " + display() + ": " + e.getMessage(), e);
    }
  }

  /** The bound port (the chosen one when the options asked for port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** {@code https} or {@code http}. */
  public String scheme() {
    return options.tls() == null ? "http" : "https";
  }

  /** Blocks until the server has stopped. */
  public void join() throws InterruptedException {
    server.join();
  }

  /** Graceful stop: refuse new connections, finish requests in flight (up to the stop timeout). */
  @Override
  public void close() {
    stopQuietly();
  }

  private void stopQuietly() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping is best effort: the connections close with the process
    }
  }

  private String display() {
    return (options.host().isEmpty() ? "*" : options.host()) + ":" + options.port();
  }

  /**
   * Plain HTTP only when asked for by name ({@code --insecure-http}), and on a non-loopback address
   * only when that is forced too ({@code --force-insecure-http-on-network}).
   */
  static void requirePlainHttpAllowed(ServeOptions o) throws ServeSetupException {
    if (!o.insecureHttp()) {
      throw new ServeSetupException("serve needs --tls-cert and --tls-key; plain HTTP only with --insecure-http "
          + "(on a loopback address)");
    }
    if (o.forceInsecureHttpOnNetwork()) {
      return;
    }
    if (!isLoopback(o.host())) {
      throw new ServeSetupException("refusing plain HTTP on " + (o.host().isEmpty() ? "every interface" : o.host())
          + ": --insecure-http listens on a loopback address only (127.0.0.1, ::1); use --tls-cert/--tls-key, or "
          + "add --force-insecure-http-on-network if this network is trusted to carry unauthenticated, "
          + "unencrypted pulls and admission reviews");
    }
  }

  static boolean isLoopback(String host) throws ServeSetupException {
    if (host.isEmpty()) {
      return false;
    }
    try {
      InetAddress[] all = InetAddress.getAllByName(host);
      for (InetAddress a : all) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return all.length > 0;
    } catch (UnknownHostException | SecurityException e) {
      throw new ServeSetupException("cannot resolve the listen address " + host + ": " + e.getMessage(), e);
    }
  }
}
