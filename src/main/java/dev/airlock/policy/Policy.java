package dev.airlock.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed, validated policy (DESIGN.md section 6). Immutable; built only by {@link PolicyParser}.
 *
 * @param digest sha256 of the exact policy file bytes, recorded in every verdict
 * @param requireCheckpointConsistency deny when a signature's checkpoint cannot be linked to the
 *     stored checkpoints (tlog.checkpoint.consistent = unknown)
 * @param witnesses how many witness cosignatures a signature's checkpoint must carry
 */
public record Policy(
    String name,
    String digest,
    Mode mode,
    boolean rejectMutableTags,
    NoMatch noMatch,
    Map<String, Authority> authorities,
    List<Rule> rules,
    boolean requireCheckpointConsistency,
    int witnesses) {

  /** How a failed rule is enforced. */
  public enum Mode {
    /** A denial exits 1. */
    ENFORCE,
    /** The image is admitted with the failures as warnings. */
    WARN,
    /** The decision is recorded; the image is admitted. */
    AUDIT
  }

  /** What happens to an image no rule matches. */
  public enum NoMatch { DENY, WARN, ALLOW }

  public Policy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(noMatch, "noMatch");
    authorities = Map.copyOf(authorities);
    rules = List.copyOf(rules);
  }

  /**
   * The rule that applies (DESIGN.md 6a): a digest pin first, else the glob with the longest literal
   * text before its first wildcard; ties go to the rule written first.
   */
  public Optional<Rule> ruleFor(dev.airlock.oci.Digest digest, java.util.Collection<String> repositories) {
    Rule best = null;
    for (Rule r : rules) {
      if (r.match().matches(digest, repositories)
          && (best == null || r.match().specificity() > best.match().specificity())) {
        best = r;
      }
    }
    return Optional.ofNullable(best);
  }
}
