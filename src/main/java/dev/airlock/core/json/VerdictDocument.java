package dev.airlock.core.json;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The verdict document {@code application/vnd.airlock.verdict.v1+json} (DESIGN.md section 5) as
 * written: {@code verify --json}, the verify API of {@code serve}, stored decisions, the verdicts
 * inside import reports and audit details. Fields appear in the order of the components; an
 * optional object or value that is null is absent, never {@code null}, except where a component
 * says otherwise. {@code dev.airlock.verify.Verdict#document()} translates a verdict into this.
 *
 * @param subject always written
 * @param decision {@code admit} or {@code deny}
 * @param policy absent when null
 * @param trust always written
 * @param time always written
 * @param signatures always written, possibly empty
 * @param checks subject-level checks; absent when empty
 * @param threshold absent when null
 * @param reasons always written, possibly empty
 * @param warnings absent when empty
 * @param bundle {@code verify-bundle}: the bundle file; absent when null
 * @param predicateType {@code verify-bundle}: the attestation's predicate type; absent when null
 * @param whatIf the what-if policy's origin ({@code --policy FILE}); absent when null
 * @param flags the cosign flags that were required too; absent when null
 * @param cached {@code true} when a still-valid stored decision answered; absent when false
 */
public record VerdictDocument(
    Subject subject,
    String decision,
    Policy policy,
    Trust trust,
    Time time,
    List<Signature> signatures,
    List<Check> checks,
    Threshold threshold,
    List<String> reasons,
    List<String> warnings,
    String bundle,
    String predicateType,
    String whatIf,
    String flags,
    boolean cached) implements Document {
  public static final String MEDIA_TYPE = "application/vnd.airlock.verdict.v1+json";

  public VerdictDocument {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(time, "time");
    signatures = List.copyOf(signatures);
    checks = List.copyOf(checks);
    reasons = List.copyOf(reasons);
    warnings = List.copyOf(warnings);
  }

  /** A verdict without the per-command fields (bundle, predicate type, what-if, flags, cached). */
  public VerdictDocument(Subject subject, String decision, Policy policy, Trust trust, Time time,
      List<Signature> signatures, List<Check> checks, Threshold threshold, List<String> reasons,
      List<String> warnings) {
    this(subject, decision, policy, trust, time, signatures, checks, threshold, reasons, warnings,
        null, null, null, null, false);
  }

  /** {@code verify-bundle}'s fields: the bundle file and, for an attestation, its predicate type. */
  public VerdictDocument withBundle(String bundleFile, String predicate) {
    return new VerdictDocument(subject, decision, policy, trust, time, signatures, checks, threshold, reasons,
        warnings, bundleFile, predicate, whatIf, flags, cached);
  }

  /** Marks a what-if decision ({@code --policy FILE}) with the policy's origin. */
  public VerdictDocument withWhatIf(String origin) {
    return new VerdictDocument(subject, decision, policy, trust, time, signatures, checks, threshold, reasons,
        warnings, bundle, predicateType, origin, flags, cached);
  }

  /** Records the cosign flags that were required besides the installed policy. */
  public VerdictDocument withFlags(String described) {
    return new VerdictDocument(subject, decision, policy, trust, time, signatures, checks, threshold, reasons,
        warnings, bundle, predicateType, whatIf, described, cached);
  }

  /** Marks a decision answered from a still-valid stored decision. */
  public VerdictDocument withCached(boolean fromCache) {
    return new VerdictDocument(subject, decision, policy, trust, time, signatures, checks, threshold, reasons,
        warnings, bundle, predicateType, whatIf, flags, fromCache);
  }

  /** {@code subject}: both fields absent when null. */
  public record Subject(String reference, String digest) {}

  /** {@code policy}: each field absent when null. */
  public record Policy(String name, String digest, String mode) {}

  /**
   * {@code trust}: {@code tufRootVersion} and {@code trustedRoot} absent when null;
   * {@code checkpoints} always written, ordered by origin.
   */
  public record Trust(Integer tufRootVersion, String trustedRoot, Map<String, Long> checkpoints) {
    public Trust {
      checkpoints = Collections.unmodifiableSortedMap(new TreeMap<>(checkpoints));
    }
  }

  /** {@code time}: {@code now} and {@code source} always written, {@code validUntil} absent when null. */
  public record Time(String now, String source, String validUntil) {
    public Time {
      Objects.requireNonNull(now, "now");
      Objects.requireNonNull(source, "source");
    }
  }

  /**
   * One element of {@code signatures}: {@code kind} and {@code checks} always written ({@code kind}
   * null as JSON null), the others absent when null.
   */
  public record Signature(String authority, String kind, String identity, String issuer, String signedAt,
      String timeSource, List<Check> checks) {
    public Signature {
      checks = List.copyOf(checks);
    }
  }

  /** One check: {@code id} and {@code outcome} always written, the others absent when null. */
  public record Check(String id, String outcome, String reason, String expected, String actual, String detail) {
    public Check {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /** {@code threshold}: how many authorities were required and how many were satisfied. */
  public record Threshold(int required, int satisfied) {}
}
