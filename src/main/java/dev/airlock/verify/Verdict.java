package dev.airlock.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.Reason;
import dev.airlock.core.json.Documents;
import dev.airlock.core.json.VerdictDocument;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The verdict document {@code application/vnd.airlock.verdict.v1+json} (DESIGN.md section 5): one
 * decision with every check that led to it, passed and failed, the trust snapshot and the time
 * used. Built with {@link #builder()}; immutable once built.
 */
public final class Verdict {
  public static final String MEDIA_TYPE = VerdictDocument.MEDIA_TYPE;

  /** The decision. {@code ADMIT} with warnings is how {@code warn} mode admits a failing image. */
  public enum Decision {
    ADMIT,
    DENY;

    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final String reference;
  private final String digest;
  private final Decision decision;
  private final String policyName;
  private final String policyDigest;
  private final String policyMode;
  private final Integer tufRootVersion;
  private final String trustedRoot;
  private final Map<String, Long> checkpoints;
  private final Instant now;
  private final String timeSource;
  private final Instant validUntil;
  private final List<SignatureVerdict> signatures;
  private final List<Check> checks;
  private final Integer thresholdRequired;
  private final Integer thresholdSatisfied;
  private final List<Reason> reasons;
  private final List<String> warnings;

  private Verdict(Builder b) {
    this.reference = b.reference;
    this.digest = b.digest;
    this.decision = Objects.requireNonNull(b.decision, "decision");
    this.policyName = b.policyName;
    this.policyDigest = b.policyDigest;
    this.policyMode = b.policyMode;
    this.tufRootVersion = b.tufRootVersion;
    this.trustedRoot = b.trustedRoot;
    this.checkpoints = Map.copyOf(b.checkpoints);
    this.now = Objects.requireNonNull(b.now, "now");
    this.timeSource = b.timeSource;
    this.validUntil = b.validUntil;
    this.signatures = List.copyOf(b.signatures);
    this.checks = List.copyOf(b.checks);
    this.thresholdRequired = b.thresholdRequired;
    this.thresholdSatisfied = b.thresholdSatisfied;
    this.reasons = List.copyOf(new LinkedHashSet<>(b.reasons));
    this.warnings = List.copyOf(b.warnings);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Decision decision() {
    return decision;
  }

  public boolean admitted() {
    return decision == Decision.ADMIT;
  }

  public String reference() {
    return reference;
  }

  public String digest() {
    return digest;
  }

  public List<SignatureVerdict> signatures() {
    return signatures;
  }

  /** Checks that belong to the whole subject rather than one signature (policy, attestations). */
  public List<Check> checks() {
    return checks;
  }

  public List<Reason> reasons() {
    return reasons;
  }

  public List<String> warnings() {
    return warnings;
  }

  public Instant now() {
    return now;
  }

  public String policyName() {
    return policyName;
  }

  public String policyDigest() {
    return policyDigest;
  }

  /**
   * Until when this decision may be reused (DESIGN.md 6b): the earliest of the key windows' ends,
   * the installed TUF roles' expiry and the vulnerability scan's age limit it relied on; null when
   * nothing bounds it.
   */
  public Instant validUntil() {
    return validUntil;
  }

  /**
   * This verdict as the verdict document's template (DESIGN.md section 5), which {@link
   * dev.airlock.core.json.Documents} writes; like jib-core {@code ImageToJsonTranslator}.
   */
  public VerdictDocument document() {
    return new VerdictDocument(
        new VerdictDocument.Subject(reference, digest),
        decision.json(),
        policyName != null || policyDigest != null
            ? new VerdictDocument.Policy(policyName, policyDigest, policyMode) : null,
        new VerdictDocument.Trust(tufRootVersion, trustedRoot, checkpoints),
        new VerdictDocument.Time(now.toString(), timeSource == null ? "system" : timeSource,
            validUntil == null ? null : validUntil.toString()),
        signatures.stream().map(SignatureVerdict::document).toList(),
        checks.stream().map(Check::document).toList(),
        thresholdRequired == null ? null
            : new VerdictDocument.Threshold(thresholdRequired, thresholdSatisfied == null ? 0 : thresholdSatisfied),
        reasons.stream().map(Reason::name).toList(),
        warnings);
  }

  /**
   * The document as a tree, for tests and diagnostics that inspect it; main code writes {@link
   * #document()} and reads this verdict's accessors, never its own JSON.
   */
  public JsonNode toJson() {
    return Documents.tree(document());
  }

  /**
   * Reads a verdict document this class wrote (a stored decision). Not for documents from media:
   * unknown fields are kept out, malformed ones throw {@link IllegalArgumentException}.
   */
  public static Verdict fromJson(JsonNode n) {
    if (!MEDIA_TYPE.equals(n.path("mediaType").asText())) {
      throw new IllegalArgumentException("not a verdict document: " + n.path("mediaType").asText());
    }
    Builder b = builder();
    JsonNode subject = n.path("subject");
    b.subject(text(subject, "reference"), text(subject, "digest"));
    b.decision(Decision.valueOf(n.path("decision").asText().toUpperCase(Locale.ROOT)));
    JsonNode p = n.path("policy");
    if (p.isObject()) {
      b.policy(text(p, "name"), text(p, "digest"), text(p, "mode"));
    }
    JsonNode trust = n.path("trust");
    b.trust(trust.has("tufRootVersion") ? trust.get("tufRootVersion").asInt() : null, text(trust, "trustedRoot"));
    trust.path("checkpoints").fields().forEachRemaining(e -> b.checkpoint(e.getKey(), e.getValue().asLong()));
    JsonNode time = n.path("time");
    b.time(Instant.parse(time.path("now").asText()), text(time, "source"));
    if (time.has("validUntil")) {
      b.validUntil(Instant.parse(time.get("validUntil").asText()));
    }
    for (JsonNode s : n.path("signatures")) {
      List<Check> checks = new ArrayList<>();
      s.path("checks").forEach(c -> checks.add(check(c)));
      b.signature(new SignatureVerdict(text(s, "authority"), text(s, "kind"), text(s, "identity"), text(s, "issuer"),
          s.has("signedAt") ? Instant.parse(s.get("signedAt").asText()) : null, text(s, "timeSource"), checks));
    }
    n.path("checks").forEach(c -> b.informational(check(c)));
    JsonNode t = n.path("threshold");
    if (t.isObject()) {
      b.threshold(t.path("required").asInt(), t.path("satisfied").asInt());
    }
    n.path("reasons").forEach(r -> b.reason(Reason.valueOf(r.asText())));
    n.path("warnings").forEach(w -> b.warning(w.asText()));
    return b.build();
  }

  private static Check check(JsonNode c) {
    return new Check(c.path("id").asText(), Outcome.valueOf(c.path("outcome").asText().toUpperCase(Locale.ROOT)),
        c.has("reason") ? Reason.valueOf(c.get("reason").asText()) : null, text(c, "expected"), text(c, "actual"),
        text(c, "detail"));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** Builder; {@code decision} and {@code now} are required. */
  public static final class Builder {
    private String reference;
    private String digest;
    private Decision decision;
    private String policyName;
    private String policyDigest;
    private String policyMode;
    private Integer tufRootVersion;
    private String trustedRoot;
    private final Map<String, Long> checkpoints = new LinkedHashMap<>();
    private Instant now;
    private String timeSource;
    private Instant validUntil;
    private final List<SignatureVerdict> signatures = new ArrayList<>();
    private final List<Check> checks = new ArrayList<>();
    private Integer thresholdRequired;
    private Integer thresholdSatisfied;
    private final Set<Reason> reasons = new LinkedHashSet<>();
    private final List<String> warnings = new ArrayList<>();

    private Builder() {}

    public Builder subject(String reference, String digest) {
      this.reference = reference;
      this.digest = digest;
      return this;
    }

    public Builder decision(Decision d) {
      this.decision = d;
      return this;
    }

    public Builder policy(String name, String digest, String mode) {
      this.policyName = name;
      this.policyDigest = digest;
      this.policyMode = mode;
      return this;
    }

    public Builder trust(Integer tufRootVersion, String trustedRoot) {
      this.tufRootVersion = tufRootVersion;
      this.trustedRoot = trustedRoot;
      return this;
    }

    public Builder checkpoint(String origin, long size) {
      checkpoints.put(origin, size);
      return this;
    }

    public Builder time(Instant now, String source) {
      this.now = now;
      this.timeSource = source;
      return this;
    }

    /** Narrows {@link Verdict#validUntil()} to {@code t} if it is earlier (null is ignored). */
    public Builder validUntil(Instant t) {
      if (t != null && (validUntil == null || t.isBefore(validUntil))) {
        validUntil = t;
      }
      return this;
    }

    public Builder signature(SignatureVerdict s) {
      signatures.add(s);
      return this;
    }

    public Builder check(Check c) {
      checks.add(c);
      if (c.failed()) {
        reasons.add(c.reason());
      }
      return this;
    }

    /**
     * Adds a check that is reported but does not by itself decide: e.g. one authority of an N-of-M
     * rule that was not satisfied while the threshold still was. Its reason is not added to
     * {@code reasons}.
     */
    public Builder informational(Check c) {
      checks.add(c);
      return this;
    }

    public Builder threshold(int required, int satisfied) {
      this.thresholdRequired = required;
      this.thresholdSatisfied = satisfied;
      return this;
    }

    public Builder reason(Reason r) {
      reasons.add(r);
      return this;
    }

    public Builder warning(String w) {
      warnings.add(w);
      return this;
    }

    public Verdict build() {
      return new Verdict(this);
    }
  }
}
