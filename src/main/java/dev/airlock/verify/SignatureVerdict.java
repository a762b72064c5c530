package dev.airlock.verify;

import dev.airlock.core.Reason;
import dev.airlock.core.json.VerdictDocument;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks run on one signature or attestation (an element of the verdict's {@code signatures}).
 * Valid exactly when no check failed. Immutable.
 *
 * @param authority the policy authority this signature was attributed to, or null
 * @param kind {@code keyless} or {@code key}
 * @param identity certificate SAN (keyless) or key fingerprint (key), or null
 * @param issuer OIDC issuer (keyless), or null
 * @param signedAt verified signing time, or null if none was verified
 * @param timeSource {@code rekor-set}, {@code rfc3161} or null
 */
public record SignatureVerdict(
    String authority,
    String kind,
    String identity,
    String issuer,
    Instant signedAt,
    String timeSource,
    List<Check> checks) {

  public SignatureVerdict {
    checks = List.copyOf(checks);
  }

  public boolean valid() {
    return checks.stream().noneMatch(Check::failed);
  }

  /** Reason codes of the failed checks, in order, without duplicates. */
  public List<Reason> reasons() {
    Set<Reason> out = new LinkedHashSet<>();
    for (Check c : checks) {
      if (c.failed()) {
        out.add(c.reason());
      }
    }
    return new ArrayList<>(out);
  }

  public SignatureVerdict withAuthority(String name) {
    return new SignatureVerdict(name, kind, identity, issuer, signedAt, timeSource, checks);
  }

  public SignatureVerdict withCheck(Check extra) {
    List<Check> all = new ArrayList<>(checks);
    all.add(extra);
    return new SignatureVerdict(authority, kind, identity, issuer, signedAt, timeSource, all);
  }

  /** This signature's element of the verdict document's {@code signatures}. */
  public VerdictDocument.Signature document() {
    return new VerdictDocument.Signature(authority, kind, identity, issuer,
        signedAt == null ? null : signedAt.toString(), timeSource, checks.stream().map(Check::document).toList());
  }
}
