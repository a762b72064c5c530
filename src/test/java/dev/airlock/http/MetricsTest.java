package dev.airlock.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The hand-written Prometheus text format 0.0.4 (prometheus.io "Text-based format"). */
class MetricsTest {
  @Test
  void histogramBucketsAreCumulativeWithInfSumAndCount() {
    Metrics m = new Metrics();
    m.request("blobs", 200, 400_000L); // 0.4 ms
    m.request("blobs", 200, 3_000_000L); // 3 ms
    m.request("blobs", 206, 9_000_000_000L); // 9 s: only +Inf
    String t = m.render(Optional.empty(), true);
    assertTrue(t.contains("airlock_request_duration_seconds_bucket{endpoint=\"blobs\",le=\"0.0005\"} 1\n"), t);
    assertTrue(t.contains("airlock_request_duration_seconds_bucket{endpoint=\"blobs\",le=\"0.0025\"} 1\n"), t);
    assertTrue(t.contains("airlock_request_duration_seconds_bucket{endpoint=\"blobs\",le=\"0.005\"} 2\n"), t);
    assertTrue(t.contains("airlock_request_duration_seconds_bucket{endpoint=\"blobs\",le=\"5\"} 2\n"), t);
    assertTrue(t.contains("airlock_request_duration_seconds_bucket{endpoint=\"blobs\",le=\"+Inf\"} 3\n"), t);
    assertTrue(t.contains("airlock_request_duration_seconds_sum{endpoint=\"blobs\"} 9.0034\n"), t);
    assertTrue(t.contains("airlock_request_duration_seconds_count{endpoint=\"blobs\"} 3\n"), t);
    assertTrue(t.contains("airlock_requests_total{endpoint=\"blobs\",code=\"200\"} 2\n"), t);
    assertTrue(t.contains("airlock_requests_total{endpoint=\"blobs\",code=\"206\"} 1\n"), t);
    assertTrue(t.contains("airlock_ready 1\n"), t);
    assertFalse(t.contains("airlock_trust_expiry_timestamp_seconds"), "absent without installed trust");
  }

  @Test
  void labelValuesAreEscaped() {
    assertEquals("reason=\"a\\\\b\\\"c\\nd\"", Metrics.labels("reason", "a\\b\"c\nd"));
    Metrics m = new Metrics();
    m.decision("admission", "cannot_decide", "TUF_EXPIRED\n\"x\"");
    String t = m.render(Optional.of(Instant.ofEpochSecond(1_811_808_000L)), false);
    assertTrue(t.contains("airlock_decisions_total{endpoint=\"admission\",outcome=\"cannot_decide\","
        + "reason=\"TUF_EXPIRED\\n\\\"x\\\"\"} 1\n"), t);
    assertTrue(t.contains("airlock_trust_expiry_timestamp_seconds 1811808000\n"), t);
    assertTrue(t.contains("airlock_ready 0\n"), t);
    assertTrue(t.contains("airlock_bytes_served_total 0\n"), t);
  }
}
