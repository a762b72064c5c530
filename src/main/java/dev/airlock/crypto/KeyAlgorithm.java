package dev.airlock.crypto;

import java.security.KeyPair;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The key types {@code airlock keygen} makes: a subset of the verification allow-list
 * ({@link SignatureAlgorithm}), named as on the command line. ECDSA P-256 is the default, as for
 * {@code cosign generate-key-pair}; RSA starts at 3072 bits (NIST SP 800-57 Part 1 Rev. 5, table 2:
 * 128-bit security), although 2048-bit keys still verify.
 */
public enum KeyAlgorithm {
  ECDSA_P256("ecdsa-p256"),
  ECDSA_P384("ecdsa-p384"),
  ED25519("ed25519"),
  RSA_3072("rsa-3072"),
  RSA_4096("rsa-4096");

  private final String cliName;

  KeyAlgorithm(String cliName) {
    this.cliName = cliName;
  }

  /** The command-line name, e.g. {@code ecdsa-p256}. */
  public String cliName() {
    return cliName;
  }

  /** Parses a command-line name (case-insensitive). */
  public static KeyAlgorithm parse(String name) {
    for (KeyAlgorithm a : values()) {
      if (a.cliName.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown key algorithm '" + name + "'; allowed: " + names());
  }

  /** All command-line names, comma-separated. */
  public static String names() {
    return Arrays.stream(values()).map(KeyAlgorithm::cliName).collect(Collectors.joining(", "));
  }

  /** A fresh key pair from the JDK's default SecureRandom. */
  public KeyPair generate() {
    return switch (this) {
      case ECDSA_P256 -> Keys.generateEc("secp256r1");
      case ECDSA_P384 -> Keys.generateEc("secp384r1");
      case ED25519 -> Keys.generateEd25519();
      case RSA_3072 -> Keys.generateRsa(3072);
      case RSA_4096 -> Keys.generateRsa(4096);
    };
  }
}
