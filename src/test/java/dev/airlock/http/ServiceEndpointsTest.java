package dev.airlock.http;

import static dev.airlock.http.FakeServeBackend.ADMITTED;
import static dev.airlock.http.ServeHarness.errorCode;
import static dev.airlock.http.ServeHarness.json;
import static dev.airlock.http.ServeHarness.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.appliance.ServeBackend;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/v1/verify}, {@code /healthz}, {@code /readyz} and {@code /metrics} (DESIGN.md section 9). */
class ServiceEndpointsTest {
  @TempDir
  static Path dir;
  static FakeServeBackend backend;
  static ServeHarness serve;

  @BeforeAll
  static void start() throws Exception {
    backend = new FakeServeBackend(dir);
    serve = ServeHarness.plain(backend);
  }

  @AfterAll
  static void stop() {
    serve.close();
  }

  @AfterEach
  void ready() {
    backend.readiness = new ServeBackend.Readiness(true, null, Optional.of(Instant.parse("2027-06-01T00:00:00Z")));
  }

  @Test
  void verifyAnswersTheVerdictWithTheBackendsStatus() {
    HttpResponse<byte[]> r = serve.get("/api/v1/verify?image=" + ADMITTED + ":v1");
    assertEquals(200, r.statusCode());
    assertEquals("application/vnd.airlock.verdict.v1+json", r.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("admit", json(r).path("decision").asText());
    assertTrue(backend.calls.contains("verify(" + ADMITTED + ":v1)"));

    r = serve.get("/api/v1/verify?image=" + FakeServeBackend.DENIED + ":v1");
    assertEquals(403, r.statusCode());
    assertEquals("THRESHOLD_NOT_MET", json(r).path("reasons").path(0).asText());

    r = serve.get("/api/v1/verify?image=" + FakeServeBackend.UNDECIDABLE + ":v1");
    assertEquals(503, r.statusCode());
    assertEquals("TUF_EXPIRED", json(r).path("reason").asText());

    r = serve.get("/api/v1/verify?image=Bad%20Ref");
    assertEquals(400, r.statusCode());
    assertTrue(backend.calls.contains("verify(Bad Ref)"), "the query is decoded before the backend sees it");
  }

  @Test
  void verifyWithoutImageIs400() {
    for (String q : new String[] {"", "?image=", "?img=x"}) {
      HttpResponse<byte[]> r = serve.get("/api/v1/verify" + q);
      assertEquals(400, r.statusCode(), q);
      assertEquals("BAD_REQUEST", errorCode(r));
    }
    assertEquals(405, serve.send("POST", "/api/v1/verify?image=x", new byte[0]).statusCode());
  }

  @Test
  void verifyFailureIs500WithoutDetails() {
    HttpResponse<byte[]> r = serve.get("/api/v1/verify?image=" + FakeServeBackend.BROKEN + ":v1");
    assertEquals(500, r.statusCode());
    assertFalse(text(r).contains("SQLException"), text(r));
    assertTrue(serve.err().contains("SQLException"), "logged once on stderr");
  }

  @Test
  void healthzIsAlwaysOk() {
    backend.readiness = new ServeBackend.Readiness(false, "POLICY_NOT_INSTALLED: no policy is installed", Optional.empty());
    HttpResponse<byte[]> r = serve.get("/healthz");
    assertEquals(200, r.statusCode());
    assertEquals("ok\n", text(r));
  }

  @Test
  void readyzFollowsTheBackend() {
    HttpResponse<byte[]> r = serve.get("/readyz");
    assertEquals(200, r.statusCode());
    backend.readiness = new ServeBackend.Readiness(false, "TUF_EXPIRED: the installed timestamp expired",
        Optional.of(Instant.parse("2026-01-01T00:00:00Z")));
    r = serve.get("/readyz");
    assertEquals(503, r.statusCode());
    assertEquals("TUF_EXPIRED: the installed timestamp expired\n", text(r));
  }

  @Test
  void metricsAreThePrometheusTextFormat() throws Exception {
    serve.get("/v2/" + ADMITTED + "/manifests/v1");
    serve.get("/v2/" + FakeServeBackend.DENIED + "/manifests/v1");
    serve.get("/v2/" + FakeServeBackend.UNDECIDABLE + "/manifests/v1");
    serve.get("/v2/" + ADMITTED + "/blobs/" + backend.layerDigest);
    serve.get("/api/v1/verify?image=" + FakeServeBackend.DENIED + ":v1");
    String m = "";
    for (int i = 0; i < 50 && !m.contains("airlock_bytes_served_total " + backend.layer.length); i++) {
      // the blob's bytes are counted when Jetty reports the copy done, just after the client has them
      Thread.sleep(20);
      m = text(serve.get("/metrics"));
    }
    HttpResponse<byte[]> r = serve.get("/metrics");
    assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
    m = text(r);
    assertTrue(m.contains("# TYPE airlock_requests_total counter\n"), m);
    assertTrue(m.contains("airlock_requests_total{endpoint=\"manifests\",code=\"200\"} "), m);
    assertTrue(m.contains("airlock_requests_total{endpoint=\"manifests\",code=\"403\"} "), m);
    assertTrue(m.contains("# TYPE airlock_request_duration_seconds histogram\n"), m);
    assertTrue(m.contains("airlock_request_duration_seconds_bucket{endpoint=\"manifests\",le=\"0.0005\"} "), m);
    assertTrue(m.contains("airlock_request_duration_seconds_bucket{endpoint=\"manifests\",le=\"5\"} "), m);
    assertTrue(m.contains("airlock_request_duration_seconds_bucket{endpoint=\"manifests\",le=\"+Inf\"} "), m);
    assertTrue(m.contains("airlock_request_duration_seconds_count{endpoint=\"manifests\"} "), m);
    assertTrue(m.contains("airlock_decisions_total{endpoint=\"manifests\",outcome=\"admit\",reason=\"none\"} "), m);
    assertTrue(m.contains("airlock_decisions_total{endpoint=\"manifests\",outcome=\"deny\",reason=\"THRESHOLD_NOT_MET\"} "),
        m);
    assertTrue(m.contains("airlock_decisions_total{endpoint=\"manifests\",outcome=\"cannot_decide\",reason=\"TUF_EXPIRED\"} "),
        m);
    assertTrue(m.contains("airlock_decisions_total{endpoint=\"verify\",outcome=\"deny\",reason=\"NO_SIGNATURES\"} "),
        m);
    assertTrue(m.contains("airlock_bytes_served_total " + backend.layer.length + "\n"), m);
    assertTrue(m.contains("airlock_trust_expiry_timestamp_seconds "
        + Instant.parse("2027-06-01T00:00:00Z").getEpochSecond() + "\n"), m);
    // every sample line is name{labels} value, and the buckets are cumulative
    for (String line : m.split("\n")) {
      assertTrue(line.startsWith("# ") || line.matches("airlock_[a-z_]+(\\{[^}]*\\})? [0-9.e+-]+"), line);
    }
    Matcher b = Pattern.compile("airlock_request_duration_seconds_bucket\\{endpoint=\"manifests\",le=\"[^\"]+\"\\} (\\d+)")
        .matcher(m);
    long previous = 0;
    while (b.find()) {
      long v = Long.parseLong(b.group(1));
      assertTrue(v >= previous, m);
      previous = v;
    }
    assertTrue(previous >= 3, m);
  }
}
