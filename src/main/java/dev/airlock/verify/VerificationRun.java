package dev.airlock.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.Reason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The mutable state of one verification; turned into an immutable result at the end. Each check
 * class appends its checks here in pipeline order through {@link #step}, which turns a
 * {@link Denial} into a failed check with its reason code and a library {@link RuntimeException}
 * into {@link Reason#INTERNAL_ERROR} (STYLE.md rule 4: never a pass).
 */
final class VerificationRun {
  final VerifyOptions options;
  final List<Check> checks = new ArrayList<>();
  String kind = "unknown";
  String identity;
  String issuer;
  Instant signedAt;
  String timeSource;
  String predicateType;
  JsonNode predicate;
  Map<String, String> extensions = Map.of();
  final List<BundleVerification.TreeHead> treeHeads = new ArrayList<>();

  VerificationRun(VerifyOptions options) {
    this.options = options;
  }

  interface Step {
    String run() throws Denial;
  }

  boolean step(String id, Step s) {
    try {
      checks.add(Check.pass(id, s.run()));
      return true;
    } catch (Denial d) {
      checks.add(d.toCheck(id));
      return false;
    } catch (RuntimeException e) {
      checks.add(Check.fail(id, Reason.INTERNAL_ERROR, "unexpected error: " + e));
      return false;
    }
  }

  void pass(String id, String detail) {
    checks.add(Check.pass(id, detail));
  }

  void fail(String id, Denial d) {
    checks.add(d.toCheck(id));
  }

  BundleVerification result() {
    List<Check> all = new ArrayList<>(checks);
    if (options.useSignedTimestamps()) {
      all.add(Check.pass("option.use-signed-timestamps", "RFC 3161 timestamps count as verified time"));
    }
    for (String r : options.relaxations()) {
      all.add(Check.skip("option." + r, "unsafe option in effect: " + r));
    }
    SignatureVerdict sv = new SignatureVerdict(null, kind, identity, issuer,
        signedAt, timeSource, all);
    return new BundleVerification(sv, predicateType, predicate, extensions, treeHeads);
  }
}
