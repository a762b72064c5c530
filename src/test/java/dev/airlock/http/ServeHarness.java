package dev.airlock.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.appliance.ServeBackend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A started {@link ServeServer} on 127.0.0.1 (a free port) with an HTTP client for it: the tests'
 * only way in is a real socket (the test JVM's network namespace has loopback and nothing else:
 * scripts/test-jvm).
 */
final class ServeHarness implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final ServeServer server;
  final HttpClient http;
  final URI base;
  final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

  private ServeHarness(ServeBackend backend, ServeOptions options, HttpClient http) throws ServeSetupException {
    ServeServer s = ServeServer.start(backend, options, new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    server = s;
    this.http = http;
    base = URI.create(s.scheme() + "://127.0.0.1:" + s.port());
  }

  static ServeHarness plain(ServeBackend backend) throws ServeSetupException {
    return plain(backend, ServeOptions.DEFAULT_LIMITS);
  }

  static ServeHarness plain(ServeBackend backend, ServeOptions.Limits limits) throws ServeSetupException {
    return new ServeHarness(backend, ServeOptions.insecureHttp("127.0.0.1", 0, false).withLimits(limits),
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  }

  static ServeHarness with(ServeBackend backend, ServeOptions options, HttpClient client) throws ServeSetupException {
    return new ServeHarness(backend, options, client);
  }

  /** What the server wrote to its stderr so far. */
  String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<byte[]> get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  HttpResponse<byte[]> head(String path, String... headers) {
    return send("HEAD", path, null, headers);
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  static JsonNode json(HttpResponse<byte[]> r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON (" + r.statusCode() + "): " + text(r), e);
    }
  }

  /** The first OCI error code of an error body. */
  static String errorCode(HttpResponse<byte[]> r) {
    return json(r).path("errors").path(0).path("code").asText();
  }

  /**
   * Sends {@code request} verbatim over a new socket and returns everything the server sends until
   * it closes the connection (the request should say {@code Connection: close}).
   */
  String raw(String request) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends {@code prefix} at once, then one byte of {@code trickle} a second, until the server closes
   * the connection or {@code trickle} runs out.
   *
   * @return seconds from the first byte until the server closed the connection, or -1 if it did not
   */
  long secondsUntilDropped(byte[] prefix, byte[] trickle) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      long start = System.nanoTime();
      out.write(prefix);
      out.flush();
      for (byte b : trickle) {
        try {
          out.write(b);
          out.flush();
          if (in.read() == -1) {
            return Duration.ofNanos(System.nanoTime() - start).toSeconds();
          }
        } catch (java.net.SocketTimeoutException e) {
          // nothing from the server yet: keep trickling
        } catch (IOException e) {
          return Duration.ofNanos(System.nanoTime() - start).toSeconds();
        }
      }
      return -1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A raw GET with {@code Connection: close}. */
  String rawGet(String path) {
    return raw("GET " + path + " HTTP/1.1\r\nHost: airlock.test\r\nConnection: close\r\n\r\n");
  }

  static int rawStatus(String response) {
    return Integer.parseInt(response.substring(9, 12));
  }

  static String rawBody(String response) {
    int i = response.indexOf("\r\n\r\n");
    return i < 0 ? "" : response.substring(i + 4);
  }

  @Override
  public void close() {
    server.close();
  }
}
