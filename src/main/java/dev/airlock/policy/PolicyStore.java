package dev.airlock.policy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The installed policy (DESIGN.md 6a "Which policy"): the last one set by {@code init --policy},
 * {@code policy set} or a TUF target {@code policy/airlock.yaml}. Every install is a row of
 * {@code policy_install}; the newest row is the installed policy.
 */
public final class PolicyStore {
  /** The TUF target that carries the appliance policy. */
  public static final String TUF_TARGET = "policy/airlock.yaml";

  private PolicyStore() {}

  /**
   * One installed policy.
   *
   * @param source {@code init}, {@code policy set} or {@code tuf}
   * @param baseDir folder relative key files resolve against, or null
   */
  public record Installed(long id, String name, String digest, byte[] bytes, Instant installedAt,
      String source, Path baseDir) {
    public Installed {
      bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    /** Parses the stored bytes (validated when installed, so errors here mean a corrupt state). */
    public Policy policy() {
      return PolicyParser.parse(bytes, source + " policy '" + name + "'", baseDir, digest);
    }
  }

}
