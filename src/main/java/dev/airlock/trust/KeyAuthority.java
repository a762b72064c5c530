package dev.airlock.trust;

import java.security.PublicKey;
import java.util.Objects;

/**
 * A signer key delivered as a TUF target ({@code keys/<name>.pub}) or named by a policy file, with
 * its validity window (TUF target {@code custom.validFrom/validUntil}).
 *
 * @param name the TUF target path (e.g. {@code keys/qa.pub}) or file path
 */
public record KeyAuthority(String name, PublicKey key, ValidityWindow window) {
  public KeyAuthority {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(window, "window");
  }
}
