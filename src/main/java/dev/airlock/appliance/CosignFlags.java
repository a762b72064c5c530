package dev.airlock.appliance;

import dev.airlock.core.AirlockException;
import dev.airlock.policy.Authority;
import dev.airlock.policy.IdentityMatcher;
import dev.airlock.trust.ValidityWindow;
import java.nio.file.Path;

/**
 * cosign's verification flags (DESIGN.md 4). With an installed policy they are an additional
 * requirement: one valid image signature must satisfy them besides the policy. The relaxing flags
 * ({@code --insecure-ignore-tlog}, {@code --insecure-ignore-sct}, {@code --use-signed-timestamps}) apply only to that flag-derived
 * requirement, never to the policy's authorities.
 */
public record CosignFlags(Path key, String identity, String identityRegexp, String issuer, String issuerRegexp,
    boolean insecureIgnoreTlog, boolean useSignedTimestamps, boolean insecureIgnoreSct) {
  public static final CosignFlags NONE = new CosignFlags(null, null, null, null, null, false, false, false);

  /** Without {@code --insecure-ignore-sct} (the callers that predate it). */
  public CosignFlags(Path key, String identity, String identityRegexp, String issuer, String issuerRegexp,
      boolean insecureIgnoreTlog, boolean useSignedTimestamps) {
    this(key, identity, identityRegexp, issuer, issuerRegexp, insecureIgnoreTlog, useSignedTimestamps, false);
  }
  /** The name of the flag-derived authority in verdicts. */
  public static final String AUTHORITY = "cosign-flags";

  /** True when a requirement was given (a key or an identity); relaxing flags alone require nothing. */
  public boolean requires() {
    return key != null || identity != null || identityRegexp != null || issuer != null || issuerRegexp != null;
  }

  /** The flag-derived authority, or null without a requirement; usage errors name the flag. */
  public Authority authority() {
    if (!requires()) {
      return null;
    }
    if (key != null) {
      if (identity != null || identityRegexp != null || issuer != null || issuerRegexp != null) {
        throw AirlockException.usage("--key and --certificate-identity/--certificate-oidc-issuer exclude each other");
      }
      return new Authority.Key(AUTHORITY, null, key.toAbsolutePath().normalize(), ValidityWindow.ALWAYS);
    }
    IdentityMatcher id = one(identity, identityRegexp, "--certificate-identity");
    IdentityMatcher iss = one(issuer, issuerRegexp, "--certificate-oidc-issuer");
    return new Authority.Keyless(AUTHORITY, iss, id);
  }

  /** A stable description, hashed into the digest of the flags-only policy. */
  String describe() {
    return "cosign flags: key=" + key + " identity=" + identity + " identityRegexp=" + identityRegexp
        + " issuer=" + issuer + " issuerRegexp=" + issuerRegexp + " insecureIgnoreTlog=" + insecureIgnoreTlog
        + " useSignedTimestamps=" + useSignedTimestamps + (insecureIgnoreSct ? " insecureIgnoreSct=true" : "");
  }

  private static IdentityMatcher one(String exact, String regexp, String flag) {
    if ((exact == null) == (regexp == null)) {
      throw AirlockException.usage("keyless verification needs exactly one of " + flag + " or " + flag + "-regexp"
          + " (and both an identity and an issuer), as cosign does");
    }
    try {
      return exact != null ? IdentityMatcher.exact(exact) : IdentityMatcher.regexp(regexp);
    } catch (IllegalArgumentException e) {
      throw AirlockException.usage(flag + ": " + e.getMessage());
    }
  }
}
