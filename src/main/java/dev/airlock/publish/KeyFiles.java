package dev.airlock.publish;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import dev.airlock.crypto.KeyAlgorithm;
import dev.airlock.crypto.PrivateKeys;
import dev.airlock.crypto.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;

/**
 * The publisher's key files (DESIGN.md section 10, {@code airlock keygen}): {@code NAME.key}, the
 * encrypted private key (PKCS#8 PBES2, see {@link PrivateKeys#encryptPkcs8}), and {@code NAME.pub},
 * the PKIX public key PEM the hospital installs as a key authority. Existing files are never
 * overwritten. Opening accepts airlock's keys and cosign's {@code cosign.key}.
 */
public final class KeyFiles {
  private KeyFiles() {}

  /** What keygen wrote. */
  public record Generated(Path privateKey, Path publicKey, String algorithm, String fingerprint) {}

  /**
   * Generates a key pair and writes {@code prefix.key} (mode 0600 where the file system has POSIX
   * permissions) and {@code prefix.pub}.
   *
   * @param password UTF-8 bytes, not empty
   * @throws AirlockException USAGE if either file exists (nothing is written then) or the password
   *     is empty; CANNOT_DECIDE ({@link Reason#STATE_WRITE_FAILED}) if a file cannot be written
   */
  public static Generated generate(Path prefix, KeyAlgorithm algorithm, byte[] password) {
    if (password == null || password.length == 0) {
      throw AirlockException.usage("an empty password does not protect the key; choose a password");
    }
    Path key = sibling(prefix, ".key");
    Path pub = sibling(prefix, ".pub");
    for (Path p : new Path[] {key, pub}) {
      if (Files.exists(p)) {
        throw AirlockException.usage(p + " exists; refusing to overwrite it (move it away or choose another NAME)");
      }
    }
    KeyPair kp = algorithm.generate();
    SigningKey signing = PrivateKeys.of(kp);
    String privatePem = PrivateKeys.encryptPkcs8(kp.getPrivate(), password);
    boolean keyWritten = false;
    try {
      writeNew(key, privatePem, true);
      keyWritten = true;
      writeNew(pub, signing.publicKeyPem(), false);
    } catch (FileAlreadyExistsException e) {
      undo(keyWritten ? key : null);
      throw AirlockException.usage(e.getFile() + " exists; refusing to overwrite it");
    } catch (IOException e) {
      undo(keyWritten ? key : null);
      throw AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED, "cannot write the key pair: " + e.getMessage(), e);
    }
    return new Generated(key, pub, algorithm.cliName(), signing.fingerprint());
  }

  private static Path sibling(Path prefix, String suffix) {
    return prefix.resolveSibling(prefix.getFileName() + suffix);
  }

  private static void writeNew(Path p, String text, boolean secret) throws IOException {
    Path parent = p.toAbsolutePath().getParent();
    if (secret && parent != null && Files.getFileStore(parent).supportsFileAttributeView("posix")) {
      // created with mode 0600, so the encrypted key is never readable by others, not even briefly
      Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(p, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    } else {
      Files.writeString(p, text, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
    }
  }

  private static void undo(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // best effort: the caller reports the original failure
      }
    }
  }

  /**
   * Opens a private key file with a password.
   *
   * @throws AirlockException DENIED with {@link Reason#KEY_PASSWORD_INCORRECT} (exit 1) when the
   *     password does not open it, or {@link Reason#PRIVATE_KEY_UNUSABLE} when it is not a usable
   *     encrypted key; CANNOT_DECIDE when it cannot be read. Messages name the file.
   */
  public static SigningKey open(Path file, byte[] password) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(PrivateKeys.MAX_KEY_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw AirlockException.usage("key file " + file + " does not exist");
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.PRIVATE_KEY_UNUSABLE, "cannot read key file " + file + ": " + e.getMessage(), e);
    }
    try {
      return PrivateKeys.open(bytes, password);
    } catch (PrivateKeys.KeyFileException e) {
      if (e.problem() == PrivateKeys.Problem.WRONG_PASSWORD) {
        throw new AirlockException(AirlockException.Kind.DENIED, Reason.KEY_PASSWORD_INCORRECT,
            file + ": wrong password for this key (or the key file is damaged)", e);
      }
      throw new AirlockException(AirlockException.Kind.DENIED, Reason.PRIVATE_KEY_UNUSABLE, file + ": " + e.getMessage(), e);
    }
  }
}
