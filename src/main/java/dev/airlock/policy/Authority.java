package dev.airlock.policy;

import dev.airlock.trust.ValidityWindow;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A named signer the policy trusts (DESIGN.md section 6 {@code authorities}): a keyless identity
 * (issuer + certificate identity), or a key delivered as a TUF target or a file, with an optional
 * validity window judged at the signature's verified time.
 */
public sealed interface Authority permits Authority.Keyless, Authority.Key {
  String name();

  /** Keyless: the certificate's OIDC issuer and identity must both match. */
  record Keyless(String name, IdentityMatcher issuer, IdentityMatcher identity) implements Authority {
    public Keyless {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(identity, "identity");
    }
  }

  /**
   * A key: exactly one of {@code tufTarget} (e.g. {@code keys/qa.pub}) or {@code file} (resolved
   * against the policy file's folder). {@code window} narrows the key's own TUF window.
   *
   * @param tlogRequired false when the policy says {@code tlog: false}: this authority signs offline
   *     and its signatures need no transparency-log entry (DESIGN.md section 4). Deciders pass it to
   *     {@code VerifyOptions.Builder#tlogNotRequiredUnsafe(name)}, so the verdict shows it. Default true.
   */
  record Key(String name, String tufTarget, Path file, ValidityWindow window, boolean tlogRequired)
      implements Authority {
    public Key {
      Objects.requireNonNull(name, "name");
      if ((tufTarget == null) == (file == null)) {
        throw new IllegalArgumentException("a key authority needs exactly one of tuf or file");
      }
      window = window == null ? ValidityWindow.ALWAYS : window;
    }

    /** A key authority that requires a transparency-log entry (the secure default). */
    public Key(String name, String tufTarget, Path file, ValidityWindow window) {
      this(name, tufTarget, file, window, true);
    }
  }
}
