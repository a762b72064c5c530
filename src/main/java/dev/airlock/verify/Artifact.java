package dev.airlock.verify;

import dev.airlock.crypto.Hashing;
import dev.airlock.oci.Digest;
import java.util.Locale;

/**
 * What a signature must be over: the artifact's bytes, or only its digest (then message
 * signatures are verified prehashed). Immutable; the bytes are copied.
 */
public final class Artifact {
  private final byte[] bytes;
  private final String algorithm;
  private final byte[] digest;

  private Artifact(byte[] bytes, String algorithm, byte[] digest) {
    this.bytes = bytes;
    this.algorithm = algorithm;
    this.digest = digest;
  }

  public static Artifact ofBytes(byte[] bytes) {
    byte[] copy = bytes.clone();
    return new Artifact(copy, "sha256", Hashing.sha256(copy));
  }

  public static Artifact ofDigest(Digest d) {
    return ofDigest(d.algorithm(), d.bytes());
  }

  /** A digest by algorithm name {@code sha256}, {@code sha384} or {@code sha512}. */
  public static Artifact ofDigest(String algorithm, byte[] digest) {
    String a = algorithm.toLowerCase(Locale.ROOT);
    int len = switch (a) {
      case "sha256" -> 32;
      case "sha384" -> 48;
      case "sha512" -> 64;
      default -> throw new IllegalArgumentException("unsupported digest algorithm " + algorithm);
    };
    if (digest.length != len) {
      throw new IllegalArgumentException(algorithm + " digest must be " + len + " bytes");
    }
    return new Artifact(null, a, digest.clone());
  }

  public boolean hasBytes() {
    return bytes != null;
  }

  byte[] bytesUnsafe() {
    return bytes;
  }

  /** The primary digest ({@code sha256} for bytes). */
  public String algorithm() {
    return algorithm;
  }

  public byte[] digest() {
    return digest.clone();
  }

  /** The artifact digest under {@code alg}, or null if it cannot be known (digest-only input). */
  byte[] digest(String alg) {
    if (alg.equals(algorithm)) {
      return digest;
    }
    if (bytes == null) {
      return null;
    }
    return Hashing.get(jca(alg)).digest(bytes);
  }

  static String jca(String alg) {
    return switch (alg) {
      case "sha256" -> "SHA-256";
      case "sha384" -> "SHA-384";
      case "sha512" -> "SHA-512";
      default -> throw new IllegalArgumentException(alg);
    };
  }

  /** {@code sha256:<hex>} of the primary digest. */
  @Override
  public String toString() {
    return algorithm + ":" + Hashing.hex(digest);
  }
}
