package dev.airlock.appliance;

import dev.airlock.core.AirlockException;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.oci.Digest;
import dev.airlock.oci.ImageReference;
import dev.airlock.oci.OciException;
import dev.airlock.policy.Authority;
import dev.airlock.policy.Context;
import dev.airlock.policy.ImageMatch;
import dev.airlock.policy.Policy;
import dev.airlock.policy.PolicyEngine;
import dev.airlock.policy.Rule;
import dev.airlock.policy.SignedItem;
import dev.airlock.policy.Subject;
import dev.airlock.store.BlobStore;
import dev.airlock.store.DecisionStore;
import dev.airlock.store.StoredImage;
import dev.airlock.tlog.CheckpointStore;
import dev.airlock.trust.KeyAuthority;
import dev.airlock.verify.Check;
import dev.airlock.verify.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one decision function (DESIGN.md 6b). {@code import}, {@code verify}, {@code images},
 * {@code export} and (later) {@code serve} decide an image only through {@link #decide}: the
 * reference as asked, under the installed trust (checked for expiry) and the installed policy (or a
 * what-if policy that stores nothing), at the trusted now, with cosign's flags as an additional
 * requirement.
 *
 * <p>Each (digest, reference) pair is decided under the rule for that reference's repository only,
 * never under a rule matched by another name the same digest is stored under. A bare digest is
 * admitted only if a digest pin admits it, or else every stored reference of that digest is admitted
 * under its own rule (the strictest wins).
 *
 * <p>Stored decisions are a cache keyed by (digest, reference, policy digest, trust id, log state)
 * and bounded by {@code validUntil}; they are written only for the installed policy without flags.
 */
public final class Decisions {
  private Decisions() {}

  /**
   * What the caller asks.
   *
   * @param reference {@code repo:tag}, {@code repo@sha256:...} or a bare {@code sha256:...}
   * @param flags cosign's flags ({@link CosignFlags#NONE} for none)
   * @param whatIf a policy to evaluate instead of the installed one (stores nothing), or null
   */
  public record Request(String reference, CosignFlags flags, PolicyChoice whatIf) {
    public Request {
      flags = flags == null ? CosignFlags.NONE : flags;
    }

    public static Request of(String reference) {
      return new Request(reference, CosignFlags.NONE, null);
    }

    /** Whether the decision may be stored and reused: the installed policy, no flags. */
    boolean cacheable() {
      return whatIf == null && !flags.requires() && !flags.insecureIgnoreTlog() && !flags.useSignedTimestamps();
    }
  }

  /**
   * A decision.
   *
   * @param verdict the verdict document
   * @param image the stored image, or null when nothing is stored under the reference
   * @param policy the policy it was decided under (null for an image not stored)
   * @param releasable {@code export} and {@code serve} may release the image under this reference:
   *     admitted under enforce semantics, or with warnings when the installed policy's own mode is
   *     {@code warn}/{@code audit} (never for a what-if or a flags-only decision)
   * @param cached the verdict came from a still-valid stored decision
   * @param evaluated the signature material this decision evaluated, each item with the evaluations
   *     it made (null for a stored or not-stored decision): what the command prints besides the
   *     verdict is taken from these ({@link VerifiedMaterial}), not verified a second time
   * @param printed what a stored decision printed besides its verdict when it was made (null when
   *     decided now, or not recorded)
   */
  public record Decision(Verdict verdict, StoredImage image, PolicyChoice policy, boolean releasable,
      boolean cached, Evaluated evaluated, List<VerifiedMaterial.Printed> printed) {
    Decision(Verdict verdict, StoredImage image, PolicyChoice policy, boolean releasable, boolean cached) {
      this(verdict, image, policy, releasable, cached, null, null);
    }

    public boolean admitted() {
      return verdict.admitted();
    }

    public boolean stored() {
      return image != null;
    }
  }

  /**
   * The items a decision evaluated and the authority made from cosign's flags they were made for
   * (null without flags): an item evaluates the relaxations of the flags only for that instance.
   */
  public record Evaluated(List<SignedItem> items, Authority flagAuthority) {}

  /**
   * Decides {@code request} now. Never admits what is not stored.
   *
   * @throws AirlockException CANNOT_DECIDE for no or expired trust (TRUST_NOT_INSTALLED,
   *     TUF_EXPIRED) and no policy without flags (POLICY_NOT_INSTALLED); USAGE for a malformed
   *     reference or contradictory flags
   */
  public static Decision decide(Transaction tx, Request request, dev.airlock.core.TrustedTime time, BlobStore blobs) {
    return decide(tx, request, time, blobs, true);
  }

  /**
   * {@link #decide}, optionally without writing the decision cache: {@code serve} decides in
   * read-only transactions that run beside each other and keeps its own cache of decisions, bounded
   * by the same key and {@code validUntil} (DESIGN.md 6b).
   */
  static Decision decide(Transaction tx, Request request, dev.airlock.core.TrustedTime time, BlobStore blobs,
      boolean storeDecision) {
    Authority flagAuthority = request.flags().authority(); // usage errors before anything else
    Asked asked = Asked.parse(request.reference());
    Optional<StoredImage> stored = asked.find(tx);
    if (stored.isEmpty()) {
      return new Decision(notStored(request.reference(), asked.notStoredDetail(), time), null, null, false, false);
    }
    StoredImage image = stored.get();
    TrustState.InForce inForce = TrustState.inForce(tx, time.now()); // the content only if decided now
    PolicyChoice policy = request.whatIf() != null ? request.whatIf() : PolicyChoice.installed(tx);
    boolean installed = request.whatIf() == null;
    if (policy == null) {
      if (flagAuthority == null) {
        throw AirlockException.cannotDecide(Reason.POLICY_NOT_INSTALLED,
            "no policy is installed; run 'airlock policy set FILE', or pass cosign's flags (--key, "
                + "--certificate-identity ...) or --policy FILE");
      }
      policy = flagsOnly(request.flags());
      installed = false;
    }
    String tlogState = tlogState(tx);
    String key = asked.cacheKey(image);
    String policyId = installed ? policy.cacheId() : null; // key files read now (DESIGN.md 6b)
    if (request.cacheable() && installed) {
      Optional<DecisionStore.Entry> hit = tx.decisions().get(image.digest().toString(), key);
      if (hit.isPresent() && hit.get().currentFor(policyId, inForce.cacheId(), tlogState, time.now())) {
        Verdict v = Verdict.fromJson(Json.parse(hit.get().verdictJson().getBytes(StandardCharsets.UTF_8), "stored verdict"));
        return new Decision(v, image, policy, hit.get().releasable(), true, null,
            VerifiedMaterial.Printed.read(hit.get().printed()));
      }
    }
    TrustState trust = inForce.load(tx);
    List<SignedItem> items = SignedMaterial.items(tx, image, trust.snapshot(), blobs, policy.policy(), request.flags(),
        flagAuthority, time.now());
    Verdict v = evaluate(tx, asked, image, trust, policy.policy(), items, flagAuthority, time);
    boolean releasable = installed && releasable(v, policy.policy());
    if (storeDecision && request.cacheable() && installed) {
      tx.decisions().put(new DecisionStore.Entry(image.digest().toString(), key, policyId,
          trust.cacheId(), tlogState, v.decision().json(), releasable, v.reasons().stream().map(Enum::name).toList(),
          dev.airlock.core.json.Documents.write(v.document()), time.now(), v.validUntil(),
          VerifiedMaterial.printed(image, v, policy.policy(), items)));
    }
    return new Decision(v, image, policy, releasable, false, new Evaluated(items, flagAuthority), null);
  }

  /**
   * The decision stored for {@code reference} of {@code image} if it is still current, without
   * deciding ({@code images}: a stale decision is shown as stale, never as admit).
   */
  public static Optional<DecisionStore.Entry> current(Transaction tx, StoredImage image, String reference,
      Instant now) {
    PolicyChoice policy = PolicyChoice.installed(tx);
    Optional<dev.airlock.trust.InstalledSnapshot> info = tx.trust().currentInfo();
    if (policy == null || info.isEmpty()) {
      return Optional.empty();
    }
    TrustState.InForce trust;
    try {
      trust = TrustState.inForce(tx, now);
    } catch (AirlockException e) {
      return Optional.empty(); // expired trust: nothing is current
    }
    Optional<DecisionStore.Entry> e = tx.decisions().get(image.digest().toString(), reference);
    String tlog = tlogState(tx);
    String policyId = policy.cacheId();
    return e.filter(x -> x.currentFor(policyId, trust.cacheId(), tlog, now));
  }

  /** Release semantics (DESIGN.md 6b): enforce-admitted, or the installed policy itself warns. */
  static boolean releasable(Verdict v, Policy policy) {
    return v.admitted() && (v.warnings().isEmpty() || policy.mode() != Policy.Mode.ENFORCE);
  }

  /** Decides the stored image for the reference as asked. */
  private static Verdict evaluate(Transaction tx, Asked asked, StoredImage image, TrustState trust, Policy policy,
      List<SignedItem> items, Authority flagAuthority, dev.airlock.core.TrustedTime time) {
    Context ctx = context(tx, trust, policy, time);
    if (asked.repository() != null) {
      return PolicyEngine.decide(policy, asked.subject(image.digest()), items, ctx, flagAuthority);
    }
    // a bare digest: a digest pin decides; else every stored name under its own rule, strictest wins
    Digest d = image.digest();
    boolean pinned = policy.rules().stream().anyMatch(r -> r.match().isDigestPin() && r.match().matches(d, List.of()));
    Set<String> repos = new LinkedHashSet<>();
    for (String r : image.references()) {
      try {
        repos.add(ImageReference.parse(r).repository());
      } catch (RuntimeException e) {
        // a stored reference was normalised at import; an unparsable one names nothing
      }
    }
    if (pinned || repos.isEmpty()) {
      return PolicyEngine.decide(policy, new Subject(d, List.of(), asked.text(), null, true), items, ctx, flagAuthority);
    }
    Verdict chosen = null;
    for (String repo : repos) {
      Verdict v = PolicyEngine.decide(policy, new Subject(d, List.of(repo), asked.text(), null, true), items, ctx,
          flagAuthority);
      if (!v.admitted()) {
        return v; // the strictest wins
      }
      if (chosen == null || !v.warnings().isEmpty() && chosen.warnings().isEmpty()) {
        chosen = v;
      }
    }
    return chosen;
  }

  /**
   * The decision context: trusted now, trust identity, latest checkpoints, and how long a decision
   * made now may be reused: the installed TUF roles' expiry and the end of every key window the
   * policy could rely on (the policy engine narrows it by the scan age).
   */
  static Context context(Transaction tx, TrustState trust, Policy policy, dev.airlock.core.TrustedTime time) {
    Map<String, Long> cps = new TreeMap<>();
    for (CheckpointStore.StoredCheckpoint c : tx.checkpoints().list()) {
      cps.merge(c.origin(), c.size(), Math::max);
    }
    Instant until = trust.expires();
    for (Authority a : policy.authorities().values()) {
      if (a instanceof Authority.Key k) {
        Instant end = null;
        try {
          KeyAuthority ka = SignedMaterial.keyAuthority(k, trust.snapshot());
          end = ka.window().end();
        } catch (AirlockException e) {
          end = null; // an unusable key fails its checks; it bounds nothing
        }
        if (end != null && end.isAfter(time.now()) && (until == null || end.isBefore(until))) {
          until = end;
        }
      }
    }
    return new Context(time.now(), time.clockBehind() ? "verified-high-water-mark" : "system",
        trust.snapshot().tufRootVersion() == 0 ? null : trust.snapshot().tufRootVersion(), trust.snapshot().id(), cps,
        until);
  }

  /**
   * The transparency-log state a decision depends on: the stored checkpoints and the open alarms.
   * A new checkpoint or an alarm makes every stored decision stale.
   */
  static String tlogState(Transaction tx) {
    StringBuilder b = new StringBuilder();
    for (CheckpointStore.StoredCheckpoint c : tx.checkpoints().list()) {
      b.append("cp ").append(c.origin()).append(' ').append(c.size()).append('\n');
    }
    for (CheckpointStore.Alarm a : tx.checkpoints().openAlarms()) {
      b.append("alarm ").append(a.id()).append('\n');
    }
    return "sha256:" + Hashing.sha256Hex(b.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The policy of an appliance with no installed policy: cosign's flags alone, as cosign applies them. */
  static PolicyChoice flagsOnly(CosignFlags flags) {
    Authority a = flags.authority();
    Rule rule = new Rule(ImageMatch.parse("**"), 1, List.of(CosignFlags.AUTHORITY), List.of(), null);
    Policy p = new Policy(CosignFlags.AUTHORITY, PolicyChoice.digest(flags.describe().getBytes(StandardCharsets.UTF_8)),
        Policy.Mode.ENFORCE, false, Policy.NoMatch.DENY, Map.of(CosignFlags.AUTHORITY, a), List.of(rule), false, 0);
    return new PolicyChoice(p, "command-line flags (no policy is installed)");
  }

  private static Verdict notStored(String reference, String detail, dev.airlock.core.TrustedTime time) {
    return Verdict.builder().subject(reference, null).decision(Verdict.Decision.DENY)
        .time(time.now(), time.clockBehind() ? "verified-high-water-mark" : "system")
        .check(Check.fail("image.stored", Reason.IMAGE_NOT_STORED, "an imported image", detail))
        .build();
  }

  /** The reference as asked, parsed once. */
  record Asked(String text, ImageReference reference, Digest bareDigest) {
    static Asked parse(String text) {
      String s = text == null ? "" : text.trim();
      try {
        if (s.startsWith("sha256:")) {
          return new Asked(s, null, Digest.parse(s));
        }
        return new Asked(s, ImageReference.parse(s), null);
      } catch (OciException e) {
        throw AirlockException.usage("'" + text + "' is not an image reference or digest: " + e.getMessage());
      } catch (IllegalArgumentException e) {
        throw AirlockException.usage("'" + text + "' is not an image reference or digest: " + e.getMessage());
      }
    }

    /** The repository the reference names, or null for a bare digest. */
    String repository() {
      return reference == null ? null : reference.repository();
    }

    /**
     * The stored image the reference names: a tag through the store's tag table, {@code repo@digest}
     * only if the digest is stored under that repository, a bare digest by digest.
     */
    Optional<StoredImage> find(Transaction tx) {
      if (bareDigest != null) {
        return tx.images().find(bareDigest.toString());
      }
      if (reference.digest().isPresent()) {
        Optional<StoredImage> s = tx.images().find(reference.digest().get().toString());
        return s.filter(img -> img.references().stream().anyMatch(r -> repositoryOf(r).equals(reference.repository())));
      }
      return tx.images().find(reference.tag().isPresent() ? reference.toString() : reference.withTag("latest").toString());
    }

    String notStoredDetail() {
      if (reference != null && reference.digest().isPresent()) {
        return text + " (not stored under " + reference.repository() + ")";
      }
      return text;
    }

    /** The policy subject: the digest, this reference's repository only, and how it was asked. */
    Subject subject(Digest digest) {
      return new Subject(digest, List.of(reference.repository()), text, reference.tag().orElse(null),
          reference.digest().isPresent());
    }

    /** The cache key for this reference: normalised, so {@code repo} and {@code docker.io/library/repo} agree. */
    String cacheKey(StoredImage image) {
      if (bareDigest != null) {
        return bareDigest.toString();
      }
      return reference.toString();
    }

    private static String repositoryOf(String ref) {
      try {
        return ImageReference.parse(ref).repository();
      } catch (RuntimeException e) {
        return "";
      }
    }
  }

  /** Names of a verdict's reason codes. */
  public static List<String> reasonNames(Verdict v) {
    List<String> out = new ArrayList<>();
    v.reasons().forEach(r -> out.add(r.name()));
    return out;
  }
}
