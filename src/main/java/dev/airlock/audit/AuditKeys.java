package dev.airlock.audit;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * The appliance's Ed25519 audit signing key: {@code keys/audit.key} (PKCS#8 PEM, owner-only 0600),
 * {@code keys/audit.pub} and the home-level {@code audit.pub} (SubjectPublicKeyInfo PEM) that
 * auditors take away to verify exports.
 */
public final class AuditKeys {
  private AuditKeys() {}

  public static Path privateKeyFile(Home home) {
    return home.keys().resolve("audit.key");
  }

  public static Path publicKeyFile(Home home) {
    return home.root().resolve("audit.pub");
  }

  /** Creates a new key pair in {@code home} (which must not have one) and returns it. */
  public static KeyPair generate(Home home) throws IOException {
    KeyPair kp = Keys.generateEd25519();
    Files.createDirectories(home.keys());
    Path priv = privateKeyFile(home);
    byte[] pem = Keys.toPem(kp.getPrivate()).getBytes(StandardCharsets.US_ASCII);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      // created 0600 from the start: the private key is never readable by others, not even briefly
      Files.createFile(priv, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(priv, pem, StandardOpenOption.TRUNCATE_EXISTING);
    } else {
      Files.write(priv, pem, StandardOpenOption.CREATE_NEW);
    }
    byte[] pub = Keys.toPem(kp.getPublic()).getBytes(StandardCharsets.US_ASCII);
    Files.write(home.keys().resolve("audit.pub"), pub, StandardOpenOption.CREATE_NEW);
    Files.write(publicKeyFile(home), pub, StandardOpenOption.CREATE_NEW);
    return kp;
  }

  public static PrivateKey loadPrivate(Home home) {
    Path p = privateKeyFile(home);
    try {
      return Keys.parsePrivateKey(readBounded(p, 64 * Limits.KIB));
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED, p + ": cannot read the audit key: " + e.getMessage(), e);
    } catch (Keys.KeyException e) {
      throw AirlockException.cannotDecide(Reason.KEY_MALFORMED, p + ": " + e.getMessage(), e);
    }
  }

  /** Reads an audit public key (PEM SubjectPublicKeyInfo, Ed25519). */
  public static PublicKey loadPublic(Path p) {
    byte[] b;
    try {
      b = readBounded(p, 64 * Limits.KIB);
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.MEDIUM_UNREADABLE, p + ": cannot read the key: " + e.getMessage(), e);
    }
    try {
      PublicKey k = Keys.parsePublicKey(b);
      if (!Keys.isEd25519(k)) {
        throw AirlockException.denied(Reason.KEY_ALGORITHM_UNSUPPORTED, p + ": the audit key must be Ed25519, got " + k.getAlgorithm());
      }
      return k;
    } catch (Keys.KeyException e) {
      throw AirlockException.denied(Reason.KEY_MALFORMED, p + ": not a PEM public key: " + e.getMessage());
    }
  }

  /** Reads at most {@code max} bytes; a longer file is an error, never silently cut. */
  static byte[] readBounded(Path p, long max) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      byte[] b = in.readNBytes((int) max + 1);
      if (b.length > max) {
        throw new IOException("larger than " + max + " bytes");
      }
      return b;
    }
  }
}
