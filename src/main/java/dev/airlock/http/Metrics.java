package dev.airlock.http;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of {@code GET /metrics}, written by hand in the Prometheus text exposition format
 * 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats, "Text-based format"). Lock-free:
 * every count is a {@link LongAdder}; a label set's counter is created once and then only added to.
 */
final class Metrics {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** Histogram bucket upper bounds in seconds: 0.5 ms to 5 s. */
  static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> decisions = new ConcurrentHashMap<>();
  private final Map<String, Histogram> durations = new ConcurrentHashMap<>();
  private final LongAdder bytesServed = new LongAdder();

  private static final class Histogram {
    final LongAdder[] counts = new LongAdder[BUCKETS.length];
    final LongAdder count = new LongAdder();
    /** Sum in nanoseconds, so that it stays a lock-free integer add. */
    final LongAdder sumNanos = new LongAdder();

    Histogram() {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(long nanos) {
      double seconds = nanos / 1e9;
      for (int i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]) {
          counts[i].increment();
          break;
        }
      }
      count.increment();
      sumNanos.add(nanos);
    }
  }

  /** One finished request. */
  void request(String endpoint, int status, long nanos) {
    requests.computeIfAbsent(labels("endpoint", endpoint, "code", Integer.toString(status)), k -> new LongAdder())
        .increment();
    durations.computeIfAbsent(labels("endpoint", endpoint), k -> new Histogram()).observe(nanos);
  }

  /**
   * One decision read from an answer.
   *
   * @param outcome {@code admit}, {@code deny}, {@code unknown}, {@code invalid} or {@code cannot_decide}
   * @param reason a reason code, an OCI error code, or {@code none}
   */
  void decision(String endpoint, String outcome, String reason) {
    decisions.computeIfAbsent(labels("endpoint", endpoint, "outcome", outcome, "reason", reason),
        k -> new LongAdder()).increment();
  }

  void bytesServed(long n) {
    bytesServed.add(n);
  }

  /** The exposition, with the trust expiry read from readiness at scrape time. */
  String render(Optional<Instant> trustExpires, boolean ready) {
    StringBuilder out = new StringBuilder(4096);
    out.append("# HELP airlock_requests_total HTTP requests answered, by endpoint and status code.\n");
    out.append("# TYPE airlock_requests_total counter\n");
    for (Map.Entry<String, LongAdder> e : new TreeMap<>(requests).entrySet()) {
      out.append("airlock_requests_total{").append(e.getKey()).append("} ").append(e.getValue().sum()).append('\n');
    }
    out.append("# HELP airlock_request_duration_seconds Time from request to the last response byte, by endpoint.\n");
    out.append("# TYPE airlock_request_duration_seconds histogram\n");
    for (Map.Entry<String, Histogram> e : new TreeMap<>(durations).entrySet()) {
      Histogram h = e.getValue();
      long cumulative = 0;
      for (int i = 0; i < BUCKETS.length; i++) {
        cumulative += h.counts[i].sum();
        out.append("airlock_request_duration_seconds_bucket{").append(e.getKey()).append(",le=\"")
            .append(number(BUCKETS[i])).append("\"} ").append(cumulative).append('\n');
      }
      // +Inf is the total count (read once: the buckets above may lag a concurrent observe by one)
      long count = Math.max(cumulative, h.count.sum());
      out.append("airlock_request_duration_seconds_bucket{").append(e.getKey()).append(",le=\"+Inf\"} ")
          .append(count).append('\n');
      out.append("airlock_request_duration_seconds_sum{").append(e.getKey()).append("} ")
          .append(number(h.sumNanos.sum() / 1e9)).append('\n');
      out.append("airlock_request_duration_seconds_count{").append(e.getKey()).append("} ").append(count).append('\n');
    }
    out.append("# HELP airlock_decisions_total Decisions in answers, by endpoint, outcome and reason code.\n");
    out.append("# TYPE airlock_decisions_total counter\n");
    for (Map.Entry<String, LongAdder> e : new TreeMap<>(decisions).entrySet()) {
      out.append("airlock_decisions_total{").append(e.getKey()).append("} ").append(e.getValue().sum()).append('\n');
    }
    out.append("# HELP airlock_bytes_served_total Blob bytes sent to registry clients.\n");
    out.append("# TYPE airlock_bytes_served_total counter\n");
    out.append("airlock_bytes_served_total ").append(bytesServed.sum()).append('\n');
    out.append("# HELP airlock_ready 1 when the appliance can decide (readyz answers 200), else 0.\n");
    out.append("# TYPE airlock_ready gauge\n");
    out.append("airlock_ready ").append(ready ? 1 : 0).append('\n');
    if (trustExpires.isPresent()) {
      out.append("# HELP airlock_trust_expiry_timestamp_seconds Earliest expiry of the installed TUF roles.\n");
      out.append("# TYPE airlock_trust_expiry_timestamp_seconds gauge\n");
      out.append("airlock_trust_expiry_timestamp_seconds ").append(trustExpires.get().getEpochSecond()).append('\n');
    }
    return out.toString();
  }

  /** {@code k1="v1",k2="v2"} with the format's escapes (backslash, double quote, line feed). */
  static String labels(String... kv) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < kv.length; i += 2) {
      if (i > 0) {
        b.append(',');
      }
      b.append(kv[i]).append("=\"");
      String v = kv[i + 1] == null ? "" : kv[i + 1];
      for (int j = 0; j < v.length(); j++) {
        char c = v.charAt(j);
        switch (c) {
          case '\\' -> b.append("\\\\");
          case '"' -> b.append("\\\"");
          case '\n' -> b.append("\\n");
          default -> b.append(c);
        }
      }
      b.append('"');
    }
    return b.toString();
  }

  private static String number(double d) {
    String s = String.format(Locale.ROOT, "%.6f", d);
    // trailing zeros carry nothing: 0.000500 -> 0.0005, 1.000000 -> 1
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
