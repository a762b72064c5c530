package dev.airlock.policy;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How a certificate identity or issuer must look (STYLE.md rule 8, DESIGN.md section 7: exact
 * unless a regexp is asked for, and a regexp always matches the whole string).
 *
 * <p>Three forms: {@code exact}, {@code regexp} (anchored: {@link java.util.regex.Matcher#matches()}),
 * and the mercure-style e-mail domain wildcard {@code *@hospital.example}, which matches only
 * addresses whose domain is exactly {@code hospital.example} (not a subdomain, not a look-alike).
 */
public final class IdentityMatcher {
  /** The three ways of saying what an identity must be. */
  public enum Kind { EXACT, REGEXP, EMAIL_DOMAIN }

  private static final Pattern LOCAL_PART = Pattern.compile("[^@\\s]+");

  private final Kind kind;
  private final String text;
  private final Pattern pattern;

  private IdentityMatcher(Kind kind, String text, Pattern pattern) {
    this.kind = kind;
    this.text = text;
    this.pattern = pattern;
  }

  public static IdentityMatcher exact(String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("an exact identity must not be empty");
    }
    return new IdentityMatcher(Kind.EXACT, value, null);
  }

  /** A regexp that must match the whole string. */
  public static IdentityMatcher regexp(String re) {
    if (re == null || re.isEmpty()) {
      throw new IllegalArgumentException("a regexp must not be empty");
    }
    try {
      return new IdentityMatcher(Kind.REGEXP, re, Pattern.compile(re));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("invalid regexp '" + re + "': " + e.getDescription());
    }
  }

  /**
   * {@code *@domain}: an e-mail address in exactly that domain. Anything else starting with
   * {@code *} is refused rather than guessed at.
   */
  public static IdentityMatcher emailDomain(String wildcard) {
    if (wildcard == null || !wildcard.startsWith("*@") || wildcard.length() < 4
        || wildcard.indexOf('@', 2) >= 0 || wildcard.indexOf('*', 1) >= 0
        || wildcard.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("an e-mail wildcard must look like '*@example.org', got '" + wildcard + "'");
    }
    return new IdentityMatcher(Kind.EMAIL_DOMAIN, wildcard.substring(2), null);
  }

  /** Exact, unless the value is an e-mail domain wildcard {@code *@domain}. */
  public static IdentityMatcher exactOrEmailDomain(String value) {
    return value != null && value.startsWith("*") ? emailDomain(value) : exact(value);
  }

  public boolean matches(String candidate) {
    if (candidate == null) {
      return false;
    }
    return switch (kind) {
      case EXACT -> text.equals(candidate);
      case REGEXP -> pattern.matcher(candidate).matches();
      case EMAIL_DOMAIN -> {
        int at = candidate.lastIndexOf('@');
        yield at > 0
            && candidate.indexOf('@') == at
            && LOCAL_PART.matcher(candidate.substring(0, at)).matches()
            && candidate.substring(at + 1).equalsIgnoreCase(text);
      }
    };
  }

  public Kind kind() {
    return kind;
  }

  /** The exact value, the regexp, or the domain. */
  public String text() {
    return text;
  }

  /** The form a policy file would use: value, or {@code *@domain}. */
  public String display() {
    return switch (kind) {
      case EXACT -> text;
      case REGEXP -> "~" + text;
      case EMAIL_DOMAIN -> "*@" + text;
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdentityMatcher m && m.kind == kind && m.text.equals(text);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, text);
  }

  @Override
  public String toString() {
    return kind + "(" + text + ")";
  }
}
