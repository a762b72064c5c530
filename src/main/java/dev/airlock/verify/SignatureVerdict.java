package dev.airlock.verify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.Reason;
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

  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    if (authority != null) {
      n.put("authority", authority);
    }
    n.put("kind", kind);
    if (identity != null) {
      n.put("identity", identity);
    }
    if (issuer != null) {
      n.put("issuer", issuer);
    }
    if (signedAt != null) {
      n.put("signedAt", signedAt.toString());
    }
    if (timeSource != null) {
      n.put("timeSource", timeSource);
    }
    ArrayNode arr = n.putArray("checks");
    checks.forEach(c -> arr.add(c.toJson()));
    return n;
  }
}
