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
import java.util.LinkedHashMap;
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
    return decide(policy, subject, items, ctx, null);
  }

  /**
   * Decides {@code subject}.
   *
   * @param flags the requirement cosign's flags add (DESIGN.md 4): besides the policy, at least one
   *     valid image signature must satisfy this authority; null when no flags were given
   */
  public static Verdict decide(Policy policy, Subject subject, List<SignedItem> items, Context ctx,
      Authority flags) {
    Verdict.Builder v = Verdict.builder()
        .subject(subject.requestedAs(), subject.digest().toString())
        .policy(policy.name(), policy.digest(), policy.mode().name().toLowerCase(Locale.ROOT))
        .trust(ctx.tufRootVersion(), ctx.trustSnapshot())
        .time(ctx.now(), ctx.timeSource())
        .validUntil(ctx.validUntil());
    ctx.checkpoints().forEach(v::checkpoint);
    List<Check> failures = new ArrayList<>();
    Evaluator eval = new Evaluator(policy, items);
    if (flags != null) {
      flagRequirement(v, failures, eval, flags);
    }

    Rule rule = policy.ruleFor(subject.digest(), subject.repositories()).orElse(null);
    if (rule == null) {
      Check c = switch (policy.noMatch()) {
        case ALLOW -> Check.pass("policy.rule", "no rule matches; noMatch: allow");
        case WARN, DENY -> Check.fail("policy.rule", Reason.NO_MATCHING_RULE, "a matching rule",
            "none for " + (subject.repositories().isEmpty() ? subject.digest().toString()
                : String.join(", ", subject.repositories())));
      };
      add(v, failures, c);
      return finish(v, policy, failures, policy.noMatch() == Policy.NoMatch.WARN && c.failed());
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

    threshold(v, failures, eval, rule);
    for (AttestationRequirement req : rule.attestations()) {
      attestation(v, failures, eval, req);
    }
    if (rule.vulnerabilities() != null) {
      vulnerabilities(v, failures, eval, rule.vulnerabilities(), ctx.now());
    }
    return finish(v, policy, failures, false);
  }

  /**
   * N-of-M over distinct authorities AND distinct signers (DESIGN.md 6a): one signature (one key,
   * or one certificate identity and issuer) satisfies at most one authority of the threshold, so
   * overlapping authorities (a regexp and an exact identity, a key listed twice) cannot turn one
   * signer into two. The count is a maximum matching between authorities and the signers that
   * validly signed for each.
   */
  private static void threshold(Verdict.Builder v, List<Check> failures, Evaluator eval, Rule rule) {
    if (eval.size() == 0) {
      add(v, failures, Check.fail("signatures.found", Reason.NO_SIGNATURES));
    }
    Map<String, Map<String, Evaluation>> validBySigner = new LinkedHashMap<>();
    Map<String, List<SignatureVerdict>> tried = new LinkedHashMap<>();
    for (String name : rule.signers()) {
      Map<String, Evaluation> signers = new LinkedHashMap<>();
      List<SignatureVerdict> bad = new ArrayList<>();
      for (int i = 0; i < eval.size(); i++) {
        Evaluation e = eval.get(i, name);
        if (e.predicateType() != null && !Evaluation.COSIGN_SIGN_V1.equals(e.predicateType())) {
          continue; // attestations never count towards the threshold
        }
        if (e.validSignature()) {
          signers.putIfAbsent(signerId(e.verdict()), e);
        } else {
          bad.add(e.verdict().withAuthority(name));
        }
      }
      validBySigner.put(name, signers);
      tried.put(name, bad);
    }
    Map<String, String> matched = Matching.maximum(rule.signers(), name -> validBySigner.get(name).keySet());
    int satisfied = matched.size();
    Set<Reason> underlying = new LinkedHashSet<>();
    for (String name : rule.signers()) {
      String signer = matched.get(name);
      if (signer != null) {
        v.signature(validBySigner.get(name).get(signer).verdict().withAuthority(name));
        v.check(Check.pass("authority." + name));
        continue;
      }
      if (!validBySigner.get(name).isEmpty()) {
        // valid signatures, but each signer already counts for another authority of this rule
        v.informational(new Check("authority." + name, dev.airlock.verify.Outcome.FAIL,
            Reason.AUTHORITY_NOT_SATISFIED, "a signer not counted for another authority",
            String.join(", ", validBySigner.get(name).keySet()), "the same signer cannot satisfy two authorities"));
        continue;
      }
      tried.get(name).forEach(v::signature);
      Set<String> why = new TreeSet<>();
      tried.get(name).forEach(t -> t.reasons().forEach(r -> {
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
    v.threshold(rule.threshold(), satisfied);
    if (satisfied >= rule.threshold()) {
      add(v, failures, Check.pass("signatures.threshold", satisfied + " of " + rule.threshold()
          + " (distinct authorities and signers)"));
    } else {
      underlying.forEach(v::reason); // why the missing authorities failed, as in DESIGN.md section 5
      add(v, failures, Check.fail("signatures.threshold", Reason.THRESHOLD_NOT_MET,
          String.valueOf(rule.threshold()), String.valueOf(satisfied)));
    }
  }

  /** The signer behind a valid signature: the key (SPKI digest) or the certificate identity and issuer. */
  static String signerId(SignatureVerdict s) {
    return s.kind() + " " + s.identity() + (s.issuer() == null ? "" : " " + s.issuer());
  }

  /** cosign's flags: one valid image signature must satisfy them, besides the policy. */
  private static void flagRequirement(Verdict.Builder v, List<Check> failures, Evaluator eval, Authority flags) {
    List<SignatureVerdict> bad = new ArrayList<>();
    for (int i = 0; i < eval.size(); i++) {
      Evaluation e = eval.get(i, flags);
      if (e.predicateType() != null && !Evaluation.COSIGN_SIGN_V1.equals(e.predicateType())) {
        continue;
      }
      if (e.validSignature()) {
        v.signature(e.verdict().withAuthority(flags.name()));
        add(v, failures, Check.pass("flags.signature", "a signature satisfies the command-line flags"));
        return;
      }
      bad.add(e.verdict().withAuthority(flags.name()));
    }
    bad.forEach(v::signature);
    Set<Reason> why = new LinkedHashSet<>();
    bad.forEach(b -> why.addAll(b.reasons()));
    why.remove(Reason.AUTHORITY_NOT_SATISFIED);
    Reason r = why.isEmpty() ? (eval.size() == 0 ? Reason.NO_SIGNATURES : Reason.KEY_MISMATCH) : why.iterator().next();
    add(v, failures, new Check("flags.signature", dev.airlock.verify.Outcome.FAIL, r,
        "a signature satisfying the command-line flags", "none",
        why.isEmpty() ? null : why.stream().map(Enum::name).reduce((a, b) -> a + "," + b).orElse(null)));
  }

  /** A valid attestation of one type with the authority it was attributed to and its recency. */
  private record Found(Evaluation evaluation, String signer, Instant time) {}

  /**
   * Every valid attestation of {@code type} signed by one of {@code from}; the newest decide
   * (DESIGN.md 6a): those whose time equals the newest time (an attestation without a readable
   * time counts as oldest; if none has one, all are newest).
   */
  private static List<Found> newest(Evaluator eval, List<String> from, String type,
      java.util.function.Function<Evaluation, Instant> timeOf) {
    List<Found> all = new ArrayList<>();
    Set<Integer> seen = new java.util.HashSet<>();
    for (String name : from) {
      for (int i = 0; i < eval.size(); i++) {
        Evaluation e = eval.get(i, name);
        if (e.validAttestation(type) && seen.add(i)) {
          all.add(new Found(e, name, timeOf.apply(e)));
        }
      }
    }
    Instant max = all.stream().map(Found::time).filter(java.util.Objects::nonNull).max(Instant::compareTo).orElse(null);
    return all.stream().filter(f -> max == null || max.equals(f.time())).toList();
  }

  /** When an attestation was made: the SBOM's creation time, else its verified signing time. */
  private static Instant attestationTime(Evaluation e) {
    Instant created = parseInstant(Predicates.sbomCreated(e.predicate()));
    return created != null ? created : e.verdict().signedAt();
  }

  private static Instant scanTime(Evaluation e) {
    return parseInstant(Predicates.scanFinishedOn(e.predicate()));
  }

  private static Instant parseInstant(String s) {
    try {
      return s == null ? null : Instant.parse(s);
    } catch (DateTimeParseException e) {
      try {
        return java.time.OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private static void attestation(Verdict.Builder v, List<Check> failures, Evaluator eval, AttestationRequirement req) {
    String id = "attestation." + req.type();
    List<Found> newest = newest(eval, req.from(), req.type(), PolicyEngine::attestationTime);
    if (newest.isEmpty()) {
      add(v, failures, Check.fail(id, Reason.ATTESTATION_MISSING,
          req.type() + " signed by one of " + req.from(), "none"));
      return;
    }
    Found first = newest.get(0);
    add(v, failures, Check.pass(id, "signed by " + first.signer()
        + (first.time() == null ? "" : ", the newest of " + first.time())));
    for (Found f : newest) {
      v.signature(f.evaluation().verdict().withAuthority(f.signer()));
      String suffix = newest.size() > 1 ? "[" + newest.indexOf(f) + "]" : "";
      JsonNode p = f.evaluation().predicate();
      for (Map.Entry<String, String> cond : req.require().entrySet()) {
        String actual = switch (cond.getKey()) {
          case "builderId" -> Predicates.slsaBuilderId(p);
          case "buildType" -> Predicates.slsaBuildType(p);
          default -> null;
        };
        String cid = id + "." + cond.getKey() + suffix;
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
          add(v, failures, Check.pass(id + ".licenses" + suffix));
        } else {
          add(v, failures, Check.fail(id + ".licenses" + suffix, Reason.SBOM_LICENSE_DENIED,
              "none of " + req.deniedLicenses(), String.join(", ", hit)));
        }
      }
    }
  }

  private static void vulnerabilities(Verdict.Builder v, List<Check> failures, Evaluator eval,
      VulnerabilityGate gate, Instant now) {
    List<Found> newest = newest(eval, gate.from(), VULN_PREDICATE, PolicyEngine::scanTime);
    if (newest.isEmpty()) {
      add(v, failures, Check.fail("vulnerabilities.attestation", Reason.VULNERABILITY_ATTESTATION_MISSING,
          VULN_PREDICATE + " signed by one of " + gate.from(), "none"));
      return;
    }
    add(v, failures, Check.pass("vulnerabilities.attestation", "signed by " + newest.get(0).signer()
        + (newest.get(0).time() == null ? "" : ", the newest scan finished " + newest.get(0).time())));
    for (Found f : newest) {
      v.signature(f.evaluation().verdict().withAuthority(f.signer()));
      String suffix = newest.size() > 1 ? "[" + newest.indexOf(f) + "]" : "";
      Map<String, Severity> findings = Predicates.trivyFindings(f.evaluation().predicate());
      Severity worst = Severity.UNKNOWN;
      Set<String> over = new TreeSet<>();
      for (Map.Entry<String, Severity> finding : findings.entrySet()) {
        if (finding.getValue().compareTo(gate.maxSeverity()) > 0 && !gate.allow().contains(finding.getKey())) {
          over.add(finding.getKey() + " " + finding.getValue());
          if (finding.getValue().compareTo(worst) > 0) {
            worst = finding.getValue();
          }
        }
      }
      if (over.isEmpty()) {
        add(v, failures, Check.pass("vulnerabilities.severity" + suffix,
            findings.size() + " findings, none above " + gate.maxSeverity() + " unless allowed"));
      } else {
        add(v, failures, new Check("vulnerabilities.severity" + suffix, dev.airlock.verify.Outcome.FAIL,
            Reason.VULNERABILITY_TOO_SEVERE, "at most " + gate.maxSeverity(), worst.name(),
            String.join("; ", over)));
      }
      if (gate.maxAgeDays() != null) {
        Instant at = f.time();
        if (at == null) {
          add(v, failures, Check.fail("vulnerabilities.age" + suffix, Reason.VULNERABILITY_SCAN_TOO_OLD,
              "metadata.scanFinishedOn within " + gate.maxAgeDays() + " days", "absent or unreadable"));
        } else if (Duration.between(at, now).compareTo(Duration.ofDays(gate.maxAgeDays())) > 0) {
          add(v, failures, Check.fail("vulnerabilities.age" + suffix, Reason.VULNERABILITY_SCAN_TOO_OLD,
              "scanned within " + gate.maxAgeDays() + " days of " + now, at.toString()));
        } else {
          add(v, failures, Check.pass("vulnerabilities.age" + suffix, "scanned " + at));
          // the decision holds only while the scan is young enough (DESIGN.md 6b validUntil)
          v.validUntil(at.plus(Duration.ofDays(gate.maxAgeDays())));
        }
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

    /** An authority outside the policy (cosign's flags), memoised under its own key. */
    Evaluation get(int i, Authority authority) {
      return cache.computeIfAbsent(i + "\u0001" + authority.name(), k -> items.get(i).evaluate(authority));
    }
  }
}
