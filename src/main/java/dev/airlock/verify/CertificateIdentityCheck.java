package dev.airlock.verify;

import dev.airlock.core.Reason;
import java.security.cert.X509Certificate;

/**
 * Who signed: the Fulcio leaf's SANs must match the identity policy and its OIDC-issuer extension
 * the issuer policy, anchored (STYLE.md rule 8; checks {@code certificate.identity},
 * {@code certificate.issuer}), like sigstore-go pkg/verify/certificate_identity.go. Records the
 * matched identity, the issuer and the Fulcio extensions in the run.
 */
final class CertificateIdentityCheck {
  private CertificateIdentityCheck() {}

  static void check(VerificationRun run, X509Certificate leaf) {
    VerifyOptions o = run.options;
    FulcioCertificate[] fc = new FulcioCertificate[1];
    if (!run.step("certificate.identity", () -> {
      fc[0] = FulcioCertificate.of(leaf);
      run.extensions = fc[0].extensions();
      run.issuer = fc[0].issuer();
      run.identity = fc[0].sans().isEmpty() ? null : fc[0].sans().get(0).value();
      if (o.withoutIdentity() && o.identity() == null && o.identityRegexp() == null && o.identityEmailDomain() == null) {
        return "not checked (without-identity)";
      }
      for (FulcioCertificate.San san : fc[0].sans()) {
        if (o.identityMatches(san)) {
          run.identity = san.value();
          return san.toString();
        }
      }
      throw new Denial(Reason.IDENTITY_MISMATCH, "certificate identity does not match", o.identityDescription(),
          fc[0].sans().stream().map(FulcioCertificate.San::toString).collect(java.util.stream.Collectors.joining(",")));
    })) {
      return;
    }
    run.step("certificate.issuer", () -> {
      String iss = fc[0].issuer();
      if (o.withoutIdentity() && o.issuer() == null && o.issuerRegexp() == null) {
        return "not checked (without-identity)";
      }
      boolean ok = iss != null
          && (o.issuer() != null ? o.issuer().equals(iss) : o.issuerRegexp().matcher(iss).matches());
      if (!ok) {
        throw new Denial(Reason.ISSUER_MISMATCH, "certificate OIDC issuer does not match",
            o.issuer() != null ? o.issuer() : o.issuerRegexp().pattern(), iss);
      }
      return iss;
    });
  }
}
