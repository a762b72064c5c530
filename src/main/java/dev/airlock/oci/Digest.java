package dev.airlock.oci;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An OCI content digest {@code algorithm ":" encoded} (image-spec descriptor.md "Digests").
 * Only {@code sha256} (64 lower-case hex) and {@code sha512} (128) are accepted. Immutable.
 */
public final class Digest implements Comparable<Digest> {
  private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
  private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");

  private final String algorithm;
  private final String hex;

  private Digest(String algorithm, String hex) {
    this.algorithm = algorithm;
    this.hex = hex;
  }

  /** Parses {@code sha256:<64 hex>}; rejects upper case, other algorithms, other lengths. */
  public static Digest parse(String s) {
    Objects.requireNonNull(s, "digest");
    int colon = s.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("digest without algorithm: '" + s + "'");
    }
    return of(s.substring(0, colon), s.substring(colon + 1));
  }

  /** A digest from its algorithm name and lower-case hex. */
  public static Digest of(String algorithm, String hex) {
    Pattern p = switch (algorithm) {
      case "sha256" -> SHA256;
      case "sha512" -> SHA512;
      default -> throw new IllegalArgumentException("unsupported digest algorithm '" + algorithm + "'");
    };
    if (!p.matcher(hex).matches()) {
      throw new IllegalArgumentException("malformed " + algorithm + " digest '" + hex + "'");
    }
    return new Digest(algorithm, hex);
  }

  /** A sha256 digest from its 32 bytes. */
  public static Digest sha256(byte[] hash) {
    if (hash.length != 32) {
      throw new IllegalArgumentException("sha256 must be 32 bytes");
    }
    return new Digest("sha256", java.util.HexFormat.of().formatHex(hash));
  }

  public String algorithm() {
    return algorithm;
  }

  public String hex() {
    return hex;
  }

  /** The digest bytes. */
  public byte[] bytes() {
    return java.util.HexFormat.of().parseHex(hex);
  }

  /** The JCA name of the hash ("SHA-256", "SHA-512"). */
  public String jcaName() {
    return algorithm.toUpperCase(Locale.ROOT).replace("SHA", "SHA-");
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d && d.algorithm.equals(algorithm) && d.hex.equals(hex);
  }

  @Override
  public int hashCode() {
    return Objects.hash(algorithm, hex);
  }

  @Override
  public int compareTo(Digest o) {
    return toString().compareTo(o.toString());
  }
}
