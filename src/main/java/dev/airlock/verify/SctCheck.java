package dev.airlock.verify;

import dev.airlock.trust.TransparencyLog;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The leaf's embedded signed certificate timestamps (RFC 6962 section 3.3) must verify under a CT
 * log of the trusted root (check {@code certificate.sct}); skipped, and shown, only when the options
 * say without-sct.
 */
final class SctCheck {
  private final List<TransparencyLog> ctlogs;

  SctCheck(List<TransparencyLog> ctlogs) {
    this.ctlogs = List.copyOf(ctlogs);
  }

  /** Returns false when the check failed (the failure is in {@code run}). */
  boolean check(VerificationRun run, X509Certificate leaf, X509Certificate issuer) {
    if (run.options.requireSct()) {
      return run.step("certificate.sct", () -> Sct.verify(leaf, issuer, ctlogs) + " verified");
    }
    run.checks.add(Check.skip("certificate.sct", "without-sct"));
    return true;
  }
}
