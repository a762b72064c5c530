package dev.airlock.http;

import static dev.airlock.http.FakeServeBackend.ADMITTED;
import static dev.airlock.http.ServeHarness.rawBody;
import static dev.airlock.http.ServeHarness.rawStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener's limits (header size, slowloris, graceful stop) and the plain-HTTP rule. Also fails
 * if a Jetty upgrade changes what {@link RequestReadDeadline} relies on.
 */
class RequestLimitsTest {
  @TempDir
  Path dir;

  @Test
  void a64KibHeaderIs431() throws Exception {
    try (ServeHarness serve = ServeHarness.plain(new FakeServeBackend(dir))) {
      String r = serve.raw("GET /v2/ HTTP/1.1\r\nHost: airlock.test\r\nX-Padding: " + "a".repeat(64 * 1024)
          + "\r\nConnection: close\r\n\r\n");
      assertEquals(431, rawStatus(r), r.substring(0, Math.min(200, r.length())));
      assertTrue(rawBody(r).contains("\"REQUEST_HEADER_TOO_LARGE\""), r);
      // a header just under the limit is served
      HttpResponse<byte[]> ok = serve.get("/v2/", "X-Padding", "a".repeat(12 * 1024));
      assertEquals(200, ok.statusCode());
    }
  }

  static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
  /** The idle timeout (60 s) never fires on a byte a second: only the request-read deadline can. */
  static final ServeOptions.Limits SLOW_LIMITS = ServeOptions.DEFAULT_LIMITS.withRequestReadTimeout(READ_TIMEOUT)
      .withIdleTimeout(Duration.ofSeconds(60));

  static void assertDroppedInTime(long seconds) {
    assertTrue(seconds >= 0, "the slow client was never disconnected");
    assertTrue(seconds >= READ_TIMEOUT.toSeconds() - 1 && seconds <= READ_TIMEOUT.toSeconds() + 3,
        "disconnected after " + seconds + " s, timeout " + READ_TIMEOUT);
  }

  @Test
  void aSlowlorisClientIsDisconnectedWithinTheRequestReadTimeout() throws Exception {
    try (ServeHarness serve = ServeHarness.plain(new FakeServeBackend(dir), SLOW_LIMITS)) {
      byte[] header = ("GET /v2/ HTTP/1.1\r\nHost: airlock.test\r\nX-Slow: " + "a".repeat(100))
          .getBytes(StandardCharsets.US_ASCII);
      assertDroppedInTime(serve.secondsUntilDropped(new byte[0], header));
      // and the server still answers others
      assertEquals(200, serve.get("/healthz").statusCode());
    }
  }

  @Test
  void aSlowAdmissionBodyIsDisconnectedWithinTheRequestReadTimeout() throws Exception {
    FakeServeBackend backend = new FakeServeBackend(dir);
    try (ServeHarness serve = ServeHarness.plain(backend, SLOW_LIMITS)) {
      byte[] headers = ("POST /admission HTTP/1.1\r\nHost: airlock.test\r\nContent-Type: application/json\r\n"
          + "Content-Length: 1000\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] body = " ".repeat(1000).getBytes(StandardCharsets.US_ASCII);
      assertDroppedInTime(serve.secondsUntilDropped(headers, body));
      assertTrue(backend.calls("admission").isEmpty());
      assertTrue(serve.err().isEmpty(), "a dropped slow client is no internal error: " + serve.err());
    }
  }

  @Test
  void closeLetsARequestInFlightFinish() throws Exception {
    FakeServeBackend backend = new FakeServeBackend(dir);
    backend.manifestDelayMillis = 1500;
    ServeHarness serve = ServeHarness.plain(backend);
    try {
      CompletableFuture<HttpResponse<byte[]>> slow =
          CompletableFuture.supplyAsync(() -> serve.get("/v2/" + ADMITTED + "/manifests/v1"));
      for (int i = 0; i < 100 && backend.calls("manifest").isEmpty(); i++) {
        Thread.sleep(20);
      }
      serve.server.close();
      assertEquals(200, slow.get().statusCode());
    } finally {
      serve.close();
    }
  }

  @Test
  void aPortInUseIsASetupErrorNamingTheAddress() throws Exception {
    FakeServeBackend backend = new FakeServeBackend(dir);
    try (ServeHarness first = ServeHarness.plain(backend)) {
      int port = first.server.port();
      PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
      ServeSetupException e = assertThrows(ServeSetupException.class,
          () -> ServeServer.start(backend, ServeOptions.insecureHttp("127.0.0.1", port, false), err));
      assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + port), e.getMessage());
      assertEquals(200, first.get("/healthz").statusCode());
    }
  }

  @Test
  void plainHttpIsRefusedOnANetworkAddressUnlessForced() throws Exception {
    FakeServeBackend backend = new FakeServeBackend(dir);
    PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    for (String host : new String[] {"192.0.2.10", "0.0.0.0", "", "::"}) {
      ServeSetupException e = assertThrows(ServeSetupException.class,
          () -> new ServeServer(backend, ServeOptions.insecureHttp(host, 0, false), err), host);
      assertTrue(e.getMessage().contains("--force-insecure-http-on-network"), e.getMessage());
    }
    // forced: allowed (checked without binding a network interface in a test)
    ServeServer.requirePlainHttpAllowed(ServeOptions.insecureHttp("192.0.2.10", 0, true));
    // loopback: allowed
    ServeServer.requirePlainHttpAllowed(ServeOptions.insecureHttp("127.0.0.1", 0, false));
    ServeServer.requirePlainHttpAllowed(ServeOptions.insecureHttp("::1", 0, false));
    // neither TLS nor --insecure-http: refused
    ServeSetupException none = assertThrows(ServeSetupException.class, () -> new ServeServer(backend,
        new ServeOptions("127.0.0.1", 0, null, false, false, ServeOptions.DEFAULT_LIMITS), err));
    assertTrue(none.getMessage().contains("--tls-cert"), none.getMessage());
  }
}
