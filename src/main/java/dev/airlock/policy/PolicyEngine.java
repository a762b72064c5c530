package dev.airlock.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.Reason;
import dev.airlock.policy.Rule.AttestationRequirement;
import dev.airlock.policy.Rule.Severity;
import dev.airlock.policy.Rule.VulnerabilityGate;
import dev.airlock.policy.SignedItem.Evaluation;
import dev.airlock.verify.Check;
import dev.airlock.verify.SignatureVerdict;
import dev.airlock.verify.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides one image under a policy (DESIGN.md sections 6 and 6a): rule selection, mutable tags,
 * N-of-M distinct authorities, required attestations and their conditions, the vulnerability gate,
 * and the mode. A pure function of (policy, subject, signed material, context); every condition is
 * a check in the returned verdict, passed or failed.
 */
public final class PolicyEngine {
  /** The cosign vulnerability attestation predicate type. */
  public static final String VULN_PREDICATE = "https://cosign.sigstore.dev/attestation/vuln/v1";

  private PolicyEngine() {}

  public static Verdict decide(Policy policy, Subject subject, List<SignedItem> items, Context ctx) {
    Verdict.Builder v = Verdict.builder()
        .subject(subject.requestedAs(), subject.digest().toString())
        .policy(policy.name(), policy.digest(), policy.mode().name().toLowerCase(Locale.ROOT))
        .trust(ctx.tufRootVersion(), ctx.trustSnapshot())
        .time(ctx.now(), ctx.timeSource());
    ctx.checkpoints().forEach(v::checkpoint);
    List<Check> failures = new ArrayList<>();
    Evaluator eval = new Evaluator(policy, items);

    Rule rule = policy.ruleFor(subject.digest(), subject.repositories()).orElse(null);
    if (rule == null) {
      Check c = switch (policy.noMatch()) {
        case ALLOW -> Check.pass("policy.rule", "no rule matches; noMatch: allow");
        case WARN, DENY -> Check.fail("policy.rule", Reason.NO_MATCHING_RULE, "a matching rule",
            "none for " + String.join(", ", subject.repositories()));
      };
      add(v, failures, c);
      return finish(v, policy, failures, policy.noMatch() == Policy.NoMatch.WARN);
    }
    add(v, failures, Check.pass("policy.rule", "match: " + rule.match().text()));

    if (policy.rejectMutableTags()) {
      if (subject.mutableTagOnly()) {
        add(v, failures, Check.fail("policy.mutableTag", Reason.MUTABLE_TAG,
            "a digest or an immutable tag", subject.requestedAs()));
      } else if (subject.requestedAs() != null) {
        add(v, failures, Check.pass("policy.mutableTag"));
      }
    }

    // N-of-M distinct authorities, each with at least one valid signature on the digest.
    int satisfied = 0;
    if (items.isEmpty()) {
      add(v, failures, Check.fail("signatures.found", Reason.NO_SIGNATURES));
    }
    Set<Reason> underlying = new LinkedHashSet<>();
    for (String name : rule.signers()) {
      Evaluation ok = null;
      List<SignatureVerdict> tried = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        Evaluation e = eval.get(i, name);
        if (e.predicateType() != null && !Evaluation.COSIGN_SIGN_V1.equals(e.predicateType())) {
          continue; // attestations never count towards the threshold
        }
        if (e.validSignature()) {
          ok = e;
          break;
        }
        tried.add(e.verdict().withAuthority(name));
      }
      if (ok != null) {
        satisfied++;
        v.signature(ok.verdict().withAuthority(name));
        v.check(Check.pass("authority." + name));
      } else {
        tried.forEach(v::signature);
        Set<String> why = new TreeSet<>();
        tried.forEach(t -> t.reasons().forEach(r -> {
          if (r != Reason.AUTHORITY_NOT_SATISFIED) { // a signature of the other kind says nothing
            why.add(r.name());
            underlying.add(r);
          }
        }));
        // one unsatisfied authority is not a denial by itself: the threshold decides
        v.informational(new Check("authority." + name, dev.airlock.verify.Outcome.FAIL,
            Reason.AUTHORITY_NOT_SATISFIED, null, null,
            why.isEmpty() ? "no signature of this authority's kind" : String.join(",", why)));
      }
    }
    v.threshold(rule.threshold(), satisfied);
    if (satisfied >= rule.threshold()) {
      add(v, failures, Check.pass("signatures.threshold", satisfied + " of " + rule.threshold()));
    } else {
      underlying.forEach(v::reason); // why the missing authorities failed, as in DESIGN.md section 5
      add(v, failures, Check.fail("signatures.threshold", Reason.THRESHOLD_NOT_MET,
          String.valueOf(rule.threshold()), String.valueOf(satisfied)));
    }

    for (AttestationRequirement req : rule.attestations()) {
      attestation(v, failures, eval, req);
    }
    if (rule.vulnerabilities() != null) {
      vulnerabilities(v, failures, eval, rule.vulnerabilities(), ctx.now());
    }
    return finish(v, policy, failures, false);
  }

  private static void attestation(Verdict.Builder v, List<Check> failures, Evaluator eval, AttestationRequirement req) {
    String id = "attestation." + req.type();
    Evaluation found = null;
    String signer = null;
    for (String name : req.from()) {
      for (int i = 0; i < eval.size() && found == null; i++) {
        Evaluation e = eval.get(i, name);
        if (e.validAttestation(req.type())) {
          found = e;
          signer = name;
        }
      }
      if (found != null) {
        break;
      }
    }
    if (found == null) {
      add(v, failures, Check.fail(id, Reason.ATTESTATION_MISSING,
          req.type() + " signed by one of " + req.from(), "none"));
      return;
    }
    v.signature(found.verdict().withAuthority(signer));
    add(v, failures, Check.pass(id, "signed by " + signer));
    JsonNode p = found.predicate();
    for (Map.Entry<String, String> cond : req.require().entrySet()) {
      String actual = switch (cond.getKey()) {
        case "builderId" -> Predicates.slsaBuilderId(p);
        case "buildType" -> Predicates.slsaBuildType(p);
        default -> null;
      };
      String cid = id + "." + cond.getKey();
      if (cond.getValue().equals(actual)) {
        add(v, failures, Check.pass(cid));
      } else {
        add(v, failures, Check.fail(cid, Reason.ATTESTATION_REQUIREMENT_FAILED, cond.getValue(),
            actual == null ? "absent" : actual));
      }
    }
    if (!req.deniedLicenses().isEmpty()) {
      Set<String> licences = Predicates.sbomLicences(p);
      Set<String> hit = new TreeSet<>();
      for (String denied : req.deniedLicenses()) {
        for (String l : licences) {
          if (l.equalsIgnoreCase(denied)) {
            hit.add(l);
          }
        }
      }
      if (hit.isEmpty()) {
        add(v, failures, Check.pass(id + ".licenses"));
      } else {
        add(v, failures, Check.fail(id + ".licenses", Reason.SBOM_LICENSE_DENIED,
            "none of " + req.deniedLicenses(), String.join(", ", hit)));
      }
    }
  }

  private static void vulnerabilities(Verdict.Builder v, List<Check> failures, Evaluator eval,
      VulnerabilityGate gate, Instant now) {
    Evaluation found = null;
    String signer = null;
    for (String name : gate.from()) {
      for (int i = 0; i < eval.size() && found == null; i++) {
        Evaluation e = eval.get(i, name);
        if (e.validAttestation(VULN_PREDICATE)) {
          found = e;
          signer = name;
        }
      }
      if (found != null) {
        break;
      }
    }
    if (found == null) {
      add(v, failures, Check.fail("vulnerabilities.attestation", Reason.VULNERABILITY_ATTESTATION_MISSING,
          VULN_PREDICATE + " signed by one of " + gate.from(), "none"));
      return;
    }
    v.signature(found.verdict().withAuthority(signer));
    add(v, failures, Check.pass("vulnerabilities.attestation", "signed by " + signer));
    JsonNode p = found.predicate();
    Map<String, Severity> findings = Predicates.trivyFindings(p);
    Severity worst = Severity.UNKNOWN;
    Set<String> over = new TreeSet<>();
    for (Map.Entry<String, Severity> f : findings.entrySet()) {
      if (f.getValue().compareTo(gate.maxSeverity()) > 0 && !gate.allow().contains(f.getKey())) {
        over.add(f.getKey() + " " + f.getValue());
        if (f.getValue().compareTo(worst) > 0) {
          worst = f.getValue();
        }
      }
    }
    if (over.isEmpty()) {
      add(v, failures, Check.pass("vulnerabilities.severity",
          findings.size() + " findings, none above " + gate.maxSeverity() + " unless allowed"));
    } else {
      add(v, failures, new Check("vulnerabilities.severity", dev.airlock.verify.Outcome.FAIL,
          Reason.VULNERABILITY_TOO_SEVERE, "at most " + gate.maxSeverity(), worst.name(),
          String.join("; ", over)));
    }
    if (gate.maxAgeDays() != null) {
      String finished = Predicates.scanFinishedOn(p);
      Instant at = null;
      try {
        at = finished == null ? null : Instant.parse(finished);
      } catch (DateTimeParseException e) {
        at = null;
      }
      if (at == null) {
        add(v, failures, Check.fail("vulnerabilities.age", Reason.VULNERABILITY_SCAN_TOO_OLD,
            "metadata.scanFinishedOn within " + gate.maxAgeDays() + " days", "absent or unreadable"));
      } else if (Duration.between(at, now).compareTo(Duration.ofDays(gate.maxAgeDays())) > 0) {
        add(v, failures, Check.fail("vulnerabilities.age", Reason.VULNERABILITY_SCAN_TOO_OLD,
            "scanned within " + gate.maxAgeDays() + " days of " + now, at.toString()));
      } else {
        add(v, failures, Check.pass("vulnerabilities.age", "scanned " + at));
      }
    }
  }

  private static void add(Verdict.Builder v, List<Check> failures, Check c) {
    v.check(c);
    if (c.failed()) {
      failures.add(c);
    }
  }

  private static Verdict finish(Verdict.Builder v, Policy policy, List<Check> failures, boolean forceWarn) {
    if (failures.isEmpty()) {
      return v.decision(Verdict.Decision.ADMIT).build();
    }
    Set<Reason> reasons = new LinkedHashSet<>();
    failures.forEach(f -> reasons.add(f.reason()));
    if (forceWarn || policy.mode() == Policy.Mode.WARN) {
      reasons.forEach(r -> v.warning(r.name()));
      return v.decision(Verdict.Decision.ADMIT).build();
    }
    if (policy.mode() == Policy.Mode.AUDIT) {
      reasons.forEach(r -> v.warning("audit mode: " + r.name()));
      return v.decision(Verdict.Decision.ADMIT).build();
    }
    return v.decision(Verdict.Decision.DENY).build();
  }

  /** Memoises item x authority evaluations: each pair is verified at most once per decision. */
  private static final class Evaluator {
    private final Policy policy;
    private final List<SignedItem> items;
    private final Map<String, Evaluation> cache = new HashMap<>();

    Evaluator(Policy policy, List<SignedItem> items) {
      this.policy = policy;
      this.items = items;
    }

    int size() {
      return items.size();
    }

    Evaluation get(int i, String authority) {
      return cache.computeIfAbsent(i + "\u0000" + authority,
          k -> items.get(i).evaluate(policy.authorities().get(authority)));
    }
  }
}
