package dev.airlock.policy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
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
   * The key files {@code policy} reads ({@code key: {file: ...}} authorities, resolved against its
   * folder when it was parsed), sorted, each once.
   */
  public static List<String> keyFiles(Policy policy) {
    java.util.TreeSet<String> files = new java.util.TreeSet<>();
    for (Authority a : policy.authorities().values()) {
      if (a instanceof Authority.Key k && k.file() != null) {
        files.add(k.file().toString());
      }
    }
    return List.copyOf(files);
  }

  /** A parse of installed bytes: {@link Policy} is immutable and a function of these inputs. */
  private record Parsed(byte[] bytes, String what, Path baseDir, String digest, Policy policy) {}

  /**
   * The installed policy this process parsed last, given back for the same bytes, label, base
   * folder and digest: an import reads the installed policy in its dry run and again in its
   * decision (issue 17: the second YAML parse was 3% of a cold re-import, sampled).
   */
  private static volatile Parsed lastParsed;

  /**
   * One installed policy.
   *
   * @param source {@code init}, {@code policy set} or {@code tuf}
   * @param baseDir folder relative key files resolve against, or null
   * @param keyFiles the key files it reads ({@link #keyFiles(Policy)}), recorded at install; null
   *     for a row installed before they were recorded (parse the policy to know them)
   */
  public record Installed(long id, String name, String digest, byte[] bytes, Instant installedAt,
      String source, Path baseDir, List<String> keyFiles) {
    public Installed {
      bytes = bytes.clone();
      keyFiles = keyFiles == null ? null : List.copyOf(keyFiles);
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    /** Parses the stored bytes (validated when installed, so errors here mean a corrupt state). */
    public Policy policy() {
      Parsed last = lastParsed;
      String what = source + " policy '" + name + "'";
      if (last != null && last.what().equals(what) && java.util.Objects.equals(last.baseDir(), baseDir)
          && last.digest().equals(digest) && java.util.Arrays.equals(last.bytes(), bytes)) {
        return last.policy();
      }
      Policy p = PolicyParser.parse(bytes, what, baseDir, digest);
      lastParsed = new Parsed(bytes.clone(), what, baseDir, digest, p);
      return p;
    }
  }

}
