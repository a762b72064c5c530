package dev.airlock.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-2 digests. The only place {@link MessageDigest} instances are created (STYLE.md rule 5). */
public final class Hashing {
  private static final HexFormat HEX = HexFormat.of();

  private Hashing() {}

  /** A fresh SHA-256 digest, for streaming. */
  public static MessageDigest sha256() {
    return get("SHA-256");
  }

  public static MessageDigest sha384() {
    return get("SHA-384");
  }

  public static MessageDigest sha512() {
    return get("SHA-512");
  }

  /** A digest by JCA name; only SHA-256, SHA-384 and SHA-512 are allowed. */
  public static MessageDigest get(String jcaName) {
    switch (jcaName) {
      case "SHA-256", "SHA-384", "SHA-512" -> {
        try {
          return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException("JDK lacks " + jcaName, e);
        }
      }
      default -> throw new IllegalArgumentException("digest not allowed: " + jcaName);
    }
  }

  public static byte[] sha256(byte[] data) {
    return sha256().digest(data);
  }

  public static byte[] sha256(byte[]... parts) {
    MessageDigest md = sha256();
    for (byte[] p : parts) {
      md.update(p);
    }
    return md.digest();
  }

  public static String sha256Hex(byte[] data) {
    return HEX.formatHex(sha256(data));
  }

  /** Hashes a whole stream (caller bounds its length). */
  public static byte[] sha256(InputStream in) throws IOException {
    MessageDigest md = sha256();
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = in.read(buf)) > 0) {
      md.update(buf, 0, n);
    }
    return md.digest();
  }

  public static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /** Lower-case hex to bytes; throws IllegalArgumentException on bad input. */
  public static byte[] unhex(String hex) {
    return HEX.parseHex(hex);
  }
}
