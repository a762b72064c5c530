package dev.airlock.appliance;

import dev.airlock.core.AirlockException;
import dev.airlock.policy.Authority;
import dev.airlock.policy.IdentityMatcher;
import dev.airlock.trust.ValidityWindow;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * cosign's verification flags (DESIGN.md 4). With an installed policy they are an additional
 * requirement: one valid image signature must satisfy them besides the policy. The relaxing flags
 * ({@code --insecure-ignore-tlog}, {@code --insecure-ignore-sct}, {@code --use-signed-timestamps}) apply only to that flag-derived
 * requirement, never to the policy's authorities.
 */
public record CosignFlags(Path key, String identity, String identityRegexp, String issuer, String issuerRegexp,
    boolean insecureIgnoreTlog, boolean useSignedTimestamps, boolean insecureIgnoreSct,
    Map<String, String> certificateExtensions) {
  public static final CosignFlags NONE = new CosignFlags(null, null, null, null, null, false, false, false);

  /**
   * cosign's {@code --certificate-github-workflow-*} flags and the Fulcio certificate extensions
   * they name (sigstore/cosign pkg/cosign/certextensions.go; Fulcio docs/oid-info.md): the flag's
   * value must equal the extension's raw value, as cosign's {@code validateCertExtensions} in
   * pkg/cosign/verify.go compares {@code CheckOpts.CertGithubWorkflow*}. Ordered as cosign checks them.
   */
  public static final Map<String, String> GITHUB_WORKFLOW_FLAGS = githubWorkflowFlags();

  private static Map<String, String> githubWorkflowFlags() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("--certificate-github-workflow-trigger", "1.3.6.1.4.1.57264.1.2");
    m.put("--certificate-github-workflow-sha", "1.3.6.1.4.1.57264.1.3");
    m.put("--certificate-github-workflow-name", "1.3.6.1.4.1.57264.1.4");
    m.put("--certificate-github-workflow-repository", "1.3.6.1.4.1.57264.1.5");
    m.put("--certificate-github-workflow-ref", "1.3.6.1.4.1.57264.1.6");
    return Collections.unmodifiableMap(m);
  }

  public CosignFlags {
    // by OID, in OID order: the description hashed into a flags-only policy digest is stable
    certificateExtensions = certificateExtensions == null ? Map.of()
        : Collections.unmodifiableMap(new TreeMap<>(certificateExtensions));
  }

  /** Without certificate-extension requirements (the callers that predate them). */
  public CosignFlags(Path key, String identity, String identityRegexp, String issuer, String issuerRegexp,
      boolean insecureIgnoreTlog, boolean useSignedTimestamps, boolean insecureIgnoreSct) {
    this(key, identity, identityRegexp, issuer, issuerRegexp, insecureIgnoreTlog, useSignedTimestamps,
        insecureIgnoreSct, Map.of());
  }

  /** Without {@code --insecure-ignore-sct} (the callers that predate it). */
  public CosignFlags(Path key, String identity, String identityRegexp, String issuer, String issuerRegexp,
      boolean insecureIgnoreTlog, boolean useSignedTimestamps) {
    this(key, identity, identityRegexp, issuer, issuerRegexp, insecureIgnoreTlog, useSignedTimestamps, false);
  }
  /** The name of the flag-derived authority in verdicts. */
  public static final String AUTHORITY = "cosign-flags";

  /**
   * True when a requirement was given (a key, an identity or a certificate extension); relaxing
   * flags alone require nothing.
   */
  public boolean requires() {
    return key != null || !certificateExtensions.isEmpty() || identity != null || identityRegexp != null || issuer != null || issuerRegexp != null;
  }

  /** The flag-derived authority, or null without a requirement; usage errors name the flag. */
  public Authority authority() {
    if (!requires()) {
      return null;
    }
    if (!certificateExtensions.isEmpty()) {
      // cosign checks these extensions on a Fulcio certificate only; with a key there is none, and
      // a requirement that cannot apply must not be silently dropped
      if (key != null) {
        throw AirlockException.usage("--certificate-github-workflow-* apply to certificates (keyless signatures)"
            + " and cannot be combined with --key");
      }
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
        + " useSignedTimestamps=" + useSignedTimestamps + (insecureIgnoreSct ? " insecureIgnoreSct=true" : "")
        + (certificateExtensions.isEmpty() ? "" : " certificateExtensions=" + certificateExtensions);
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
