package dev.airlock.policy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import dev.airlock.policy.PolicyStore.*;

/**
 * The installed policy (DESIGN.md 6a "Which policy"): the last one set by {@code init --policy},
 * {@code policy set} or a TUF target {@code policy/airlock.yaml}. Every install is a row of
 * {@code policy_install}; the newest row is the installed policy.
 */
public interface PolicyRepository {
  /** The installed policy: the newest install. */
  Optional<Installed> current();

  /** Records a validated policy as the installed one. */
  Installed install(Policy policy, byte[] bytes, String source, Path baseDir, Instant at);

  /** The digest of the newest install from {@code source} ({@code tuf}, ...), if any. */
  Optional<String> latestDigest(String source);
}
