package dev.airlock.trust;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The immutable trust material verifiers receive as an argument (STYLE.md rule 9): the installed
 * trusted roots, key authorities and policy targets of one TUF install. Old snapshots are kept so
 * that historical verdicts can be explained.
 *
 * @param id digest of the snapshot's contents ({@code sha256:...})
 * @param tufRootVersion version of the TUF root the snapshot was installed under (0 if none)
 * @param installedAt trusted time of the install
 * @param roots every installed {@code trusted_root.json}
 * @param keys key authorities by TUF target path ({@code keys/qa.pub})
 * @param policies policy targets by path ({@code policy/airlock.yaml}) to their bytes
 */
public record TrustSnapshot(
    String id,
    int tufRootVersion,
    Instant installedAt,
    List<TrustedRoot> roots,
    Map<String, KeyAuthority> keys,
    Map<String, byte[]> policies) {

  public TrustSnapshot {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(installedAt, "installedAt");
    roots = List.copyOf(roots);
    keys = Map.copyOf(keys);
    Map<String, byte[]> copy = new java.util.TreeMap<>();
    policies.forEach((k, v) -> copy.put(k, v.clone()));
    policies = java.util.Collections.unmodifiableMap(copy);
  }

  /** A snapshot from trusted-root files alone (verify-bundle --trusted-root; tests). */
  public static TrustSnapshot ofRoots(String id, Instant at, List<TrustedRoot> roots) {
    return new TrustSnapshot(id, 0, at, roots, Map.of(), Map.of());
  }

  @Override
  public Map<String, byte[]> policies() {
    Map<String, byte[]> copy = new java.util.TreeMap<>();
    policies.forEach((k, v) -> copy.put(k, v.clone()));
    return copy;
  }
}
