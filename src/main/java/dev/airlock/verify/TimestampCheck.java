package dev.airlock.verify;

import dev.airlock.trust.CertificateAuthority;
import java.time.Instant;
import java.util.List;

/**
 * The bundle's RFC 3161 timestamps (checks {@code timestamp[i]}): each must be a TimeStampResp
 * from a timestamping authority of the trusted root over the signature bytes (RFC 3161 section
 * 2.4.2, message imprint). A verified genTime counts as a signing time when the bundle also has log
 * entries (sigstore-go: timestamps complement the log) or with use-signed-timestamps. One instance
 * per trust snapshot; thread-safe.
 */
final class TimestampCheck {
  private final List<CertificateAuthority> tsas;
  private final ChainCache cache;

  TimestampCheck(List<CertificateAuthority> tsas, ChainCache cache) {
    this.tsas = List.copyOf(tsas);
    this.cache = cache;
  }

  /** Adds each counted genTime to {@code times}; false when a timestamp failed. */
  boolean check(VerificationRun run, Bundle b, List<Instant> times) {
    VerifyOptions o = run.options;
    boolean countTimestamps = !b.tlogEntries().isEmpty() && !o.insecureIgnoreTlog() || o.useSignedTimestamps();
    for (int i = 0; i < b.timestamps().size(); i++) {
      byte[] ts = b.timestamps().get(i);
      Instant[] t = new Instant[1];
      if (!run.step("timestamp[" + i + "]", () -> {
        t[0] = Rfc3161.verify(ts, b.signature(), tsas, cache);
        return t[0].toString();
      })) {
        return false;
      }
      if (countTimestamps) {
        times.add(t[0]);
        if (run.timeSource == null) {
          run.timeSource = "rfc3161";
        }
      }
    }
    return true;
  }
}
