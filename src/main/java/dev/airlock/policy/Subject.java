package dev.airlock.policy;

import dev.airlock.oci.Digest;
import java.util.List;
import java.util.Objects;

/**
 * The image being decided: its digest, the repositories it is stored under, and how the caller
 * referred to it.
 *
 * @param requestedAs the reference the caller gave ({@code repo:tag}, {@code repo@sha256:...},
 *     {@code sha256:...}), or null when deciding at import
 * @param tag the tag of {@code requestedAs}, or null if it had none
 * @param byDigest true when the caller named the digest (then mutable tags do not matter)
 */
public record Subject(Digest digest, List<String> repositories, String requestedAs, String tag, boolean byDigest) {
  public Subject {
    Objects.requireNonNull(digest, "digest");
    repositories = List.copyOf(repositories);
  }

  /** True when the reference names only a mutable tag: {@code latest} or no tag at all. */
  public boolean mutableTagOnly() {
    return !byDigest && requestedAs != null && (tag == null || "latest".equals(tag));
  }
}
