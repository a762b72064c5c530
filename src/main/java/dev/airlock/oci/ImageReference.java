package dev.airlock.oci;

import dev.airlock.core.Reason;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image reference {@code [domain/]path[:tag][@digest]}, normalised as docker does
 * (distribution/reference v0.6 normalize.go ParseNormalizedNamed): a name without a domain gets
 * {@code docker.io}, a one-component docker.io name gets {@code library/}; {@code index.docker.io}
 * becomes {@code docker.io}. Unlike docker's TagNameOnly, no {@code latest} is added: "no tag"
 * stays distinguishable so that {@code rejectMutableTags} can deny it (DESIGN.md 6a).
 */
public final class ImageReference {
  // distribution/reference regexp.go (v0.6.0)
  private static final Pattern DOMAIN_COMPONENT =
      Pattern.compile("(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])");
  private static final Pattern DOMAIN = Pattern.compile(
      "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
  private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final int MAX_NAME = 255;

  private final String domain;
  private final String path;
  private final String tag;
  private final Digest digest;

  private ImageReference(String domain, String path, String tag, Digest digest) {
    this.domain = domain;
    this.path = path;
    this.tag = tag;
    this.digest = digest;
  }

  /**
   * Parses and normalises a reference.
   *
   * @throws OciException {@link Reason#REFERENCE_INVALID} with the offending text
   */
  public static ImageReference parse(String s) {
    Objects.requireNonNull(s, "reference");
    if (s.isEmpty() || s.length() > 512) {
      throw invalid(s, "empty or too long");
    }
    String rest = s;
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      try {
        digest = Digest.parse(rest.substring(at + 1));
      } catch (IllegalArgumentException e) {
        throw invalid(s, e.getMessage());
      }
      rest = rest.substring(0, at);
    }
    String tag = null;
    int slash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > slash) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw invalid(s, "bad tag '" + tag + "'");
      }
    }
    String domain;
    String path;
    int first = rest.indexOf('/');
    String head = first < 0 ? "" : rest.substring(0, first);
    if (first >= 0 && (head.contains(".") || head.contains(":") || head.equals("localhost")
        || !head.equals(head.toLowerCase(java.util.Locale.ROOT)))) {
      domain = head;
      path = rest.substring(first + 1);
      if (!DOMAIN.matcher(domain).matches()) {
        throw invalid(s, "bad domain '" + domain + "'");
      }
    } else {
      domain = "docker.io";
      path = rest;
    }
    if (domain.equals("index.docker.io")) {
      domain = "docker.io";
    }
    if (domain.equals("docker.io") && !path.contains("/")) {
      path = "library/" + path;
    }
    for (String c : path.split("/", -1)) {
      if (!PATH_COMPONENT.matcher(c).matches()) {
        throw invalid(s, "bad repository path component '" + c + "'");
      }
    }
    if (domain.length() + 1 + path.length() > MAX_NAME) {
      throw invalid(s, "repository name longer than " + MAX_NAME);
    }
    return new ImageReference(domain, path, tag, digest);
  }

  /** Whether {@code s} parses as a reference. */
  public static boolean isValid(String s) {
    try {
      parse(s);
      return true;
    } catch (OciException e) {
      return false;
    }
  }

  private static OciException invalid(String s, String why) {
    return new OciException(Reason.REFERENCE_INVALID, "invalid image reference '" + s + "': " + why);
  }

  public String domain() {
    return domain;
  }

  public String path() {
    return path;
  }

  /** {@code domain/path}: the normalised repository, what policy globs match. */
  public String repository() {
    return domain + "/" + path;
  }

  public Optional<String> tag() {
    return Optional.ofNullable(tag);
  }

  public Optional<Digest> digest() {
    return Optional.ofNullable(digest);
  }

  /** A copy with this tag (and no digest). */
  public ImageReference withTag(String newTag) {
    if (!TAG.matcher(newTag).matches()) {
      throw invalid(repository() + ":" + newTag, "bad tag '" + newTag + "'");
    }
    return new ImageReference(domain, path, newTag, null);
  }

  /** A copy pinned to a digest (tag kept). */
  public ImageReference withDigest(Digest d) {
    return new ImageReference(domain, path, tag, Objects.requireNonNull(d));
  }

  /** A tag of {@code latest}, or no tag and no digest: the reference can move (DESIGN.md 6a). */
  public boolean isMutable() {
    return digest == null && (tag == null || tag.equals("latest"));
  }

  /** The normalised full string, e.g. {@code docker.io/library/ubuntu:22.04}. */
  @Override
  public String toString() {
    return repository() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageReference r && r.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }
}
