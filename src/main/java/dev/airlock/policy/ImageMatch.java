package dev.airlock.policy;

import dev.airlock.oci.Digest;
import java.util.Collection;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A rule's {@code match} (DESIGN.md 6a "Matching"): a glob over the normalised repository (no
 * tag, no digest) where {@code *} stays within one path segment and {@code **} crosses segments;
 * or a digest pin {@code sha256:...} / {@code repo@sha256:...}.
 *
 * <p>Specificity: a digest pin beats every glob; among globs, the longest literal text before the
 * first wildcard wins.
 */
public final class ImageMatch {
  private final String text;
  private final Digest pinned;
  private final String pinnedRepository;
  private final Pattern glob;
  private final int literalPrefix;

  private ImageMatch(String text, Digest pinned, String pinnedRepository, Pattern glob, int literalPrefix) {
    this.text = text;
    this.pinned = pinned;
    this.pinnedRepository = pinnedRepository;
    this.glob = glob;
    this.literalPrefix = literalPrefix;
  }

  /** Parses a {@code match} value; IllegalArgumentException says what is wrong. */
  public static ImageMatch parse(String text) {
    Objects.requireNonNull(text, "match");
    if (text.isBlank()) {
      throw new IllegalArgumentException("match must not be empty");
    }
    int at = text.indexOf('@');
    if (text.startsWith("sha256:") || text.startsWith("sha512:")) {
      return new ImageMatch(text, Digest.parse(text), null, null, Integer.MAX_VALUE);
    }
    if (at >= 0) {
      String repo = text.substring(0, at);
      if (repo.isEmpty() || repo.contains("*")) {
        throw new IllegalArgumentException("a digest pin needs a literal repository: '" + text + "'");
      }
      return new ImageMatch(text, Digest.parse(text.substring(at + 1)), repo, null, Integer.MAX_VALUE);
    }
    if (text.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isUpperCase(c))) {
      throw new IllegalArgumentException("a repository glob has no spaces or upper case: '" + text + "'");
    }
    if (text.contains(":") && !text.substring(0, text.indexOf('/') < 0 ? text.length() : text.indexOf('/')).contains(":")) {
      throw new IllegalArgumentException("match is over repositories without a tag: '" + text + "'");
    }
    if (text.contains("***")) {
      throw new IllegalArgumentException("'***' is not a valid wildcard: '" + text + "'");
    }
    StringBuilder re = new StringBuilder();
    int literal = -1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*') {
        if (literal < 0) {
          literal = i;
        }
        if (i + 1 < text.length() && text.charAt(i + 1) == '*') {
          re.append(".*");
          i++;
        } else {
          re.append("[^/]*");
        }
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new ImageMatch(text, null, null, Pattern.compile(re.toString()),
        literal < 0 ? text.length() : literal);
  }

  /** True when this rule applies to an image with this digest stored under these repositories. */
  public boolean matches(Digest digest, Collection<String> repositories) {
    if (pinned != null) {
      return pinned.equals(digest) && (pinnedRepository == null || repositories.contains(pinnedRepository));
    }
    for (String r : repositories) {
      if (glob.matcher(r).matches()) {
        return true;
      }
    }
    return false;
  }

  public boolean isDigestPin() {
    return pinned != null;
  }

  /** Larger is more specific. */
  public int specificity() {
    return literalPrefix;
  }

  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
