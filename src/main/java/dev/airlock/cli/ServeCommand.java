package dev.airlock.cli;

import dev.airlock.appliance.Serving;
import dev.airlock.core.AirlockException;
import dev.airlock.http.ServeOptions;
import dev.airlock.http.ServeServer;
import dev.airlock.http.ServeSetupException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve the hospital network: a read-only OCI registry of the images admitted now, a "
        + "Kubernetes admission endpoint (POST /admission) and a verify API (GET /api/v1/verify?image=REF). "
        + "Every answer is decided now under the installed trust and policy; CLI commands keep working "
        + "beside it and take effect for the next request. Runs until stopped (SIGTERM, Ctrl-C)."})
final class ServeCommand extends BaseCommand {
  @Option(names = "--listen", paramLabel = "HOST:PORT", required = true,
      description = "Address to listen on, e.g. 10.0.5.20:5443, [::1]:5443 or 127.0.0.1:0 (a free port).")
  String listen;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Server certificate chain (PEM), leaf first.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Server private key (PEM, unencrypted PKCS#8).")
  Path tlsKey;

  @Option(names = "--client-ca", paramLabel = "PEM",
      description = "Require client certificates issued by these CA certificates (PEM).")
  Path clientCa;

  @Option(names = "--insecure-http",
      description = "Plain HTTP instead of TLS; only on a loopback address unless --force-insecure-http-on-network.")
  boolean insecureHttp;

  @Option(names = "--force-insecure-http-on-network",
      description = "Allow --insecure-http on a non-loopback address (traffic and admission answers unprotected).")
  boolean forceOnNetwork;

  @Override
  protected ExitCode execute() throws Exception {
    ServeOptions options = options();
    Serving backend = Serving.open(home(), auditContext());
    ServeServer server;
    try {
      server = ServeServer.start(backend, options, System.err);
    } catch (ServeSetupException e) {
      backend.close();
      throw AirlockException.usage(e.getMessage());
    }
    // SIGTERM/SIGINT stop the server in order (requests finish, serve.stop is audited) before the
    // JVM's shutdown hooks run: H2 closes the database in a hook of its own (DB_CLOSE_ON_EXIT,
    // H2's default), and hooks run in no set order. The hook stays as a
    // fallback for other exits; stopping twice is a no-op.
    java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    Runnable stop = () -> {
      if (stopping.compareAndSet(false, true)) {
        try {
          server.close();
          backend.close();
        } finally {
          stopped.countDown();
        }
      } else {
        try {
          stopped.await(60, java.util.concurrent.TimeUnit.SECONDS); // the other caller is stopping it
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    for (String signal : java.util.List.of("TERM", "INT")) {
      sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
        stop.run();
        System.exit(0);
      });
    }
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "airlock-serve-stop"));
    String address = server.scheme() + "://" + hostForUrl(options.host()) + ":" + server.port();
    backend.started(address, options.tls() != null, options.tls() != null && options.tls().clientCa() != null);
    note("airlock serve: listening on " + address + " (home " + home().root() + ")");
    server.join();
    stop.run(); // returns once the stop (perhaps begun by a signal) has finished
    return ExitCode.OK;
  }

  private ServeOptions options() {
    ServeOptions.Listen l;
    try {
      l = ServeOptions.Listen.parse(listen);
    } catch (IllegalArgumentException e) {
      throw AirlockException.usage(e.getMessage());
    }
    String host = l.host();
    int port = l.port();
    if (insecureHttp) {
      if (tlsCert != null || tlsKey != null || clientCa != null) {
        throw AirlockException.usage("--insecure-http cannot be combined with --tls-cert, --tls-key or --client-ca");
      }
      return ServeOptions.insecureHttp(host, port, forceOnNetwork);
    }
    if (forceOnNetwork) {
      throw AirlockException.usage("--force-insecure-http-on-network only applies with --insecure-http");
    }
    if (tlsCert == null || tlsKey == null) {
      throw AirlockException.usage("serve needs --tls-cert PEM and --tls-key PEM (or --insecure-http on a "
          + "loopback address, for tests)");
    }
    return ServeOptions.tls(host, port, tlsCert, tlsKey, clientCa);
  }

  private static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
