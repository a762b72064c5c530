package dev.airlock.publish;

import dev.airlock.core.AirlockException;
import dev.airlock.crypto.Keys;
import dev.airlock.crypto.PrivateKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import org.bouncycastle.crypto.PBEParametersGenerator;

/**
 * Reads the private keys that sign TUF roles: the one place the publisher turns a role key file
 * into a {@link PrivateKey}. Decryption is the {@code crypto} stage's ({@link PrivateKeys}, which
 * also opens cosign's key files); what differs for role keys is said below.
 *
 * <p>Accepted: PEM {@code PRIVATE KEY} (PKCS#8, RFC 5208) and PEM {@code ENCRYPTED PRIVATE KEY}
 * (RFC 5958 EncryptedPrivateKeyInfo with PBES2, RFC 8018 section 6.2: PBKDF2 with HMAC-SHA-1/256/512
 * and AES-128/192/256-CBC, what {@code openssl genpkey -aes-256-cbc} and {@code openssl pkcs8 -topk8
 * -v2 aes-256-cbc} write). Unlike cosign keys, a role key may be unencrypted (kept offline or on a
 * token's export) and may use PBKDF2's old default PRF, HMAC-SHA-1 (OpenSSL 1.0); several
 * passwords are tried in turn (several key holders). Ed25519 and ECDSA P-256 keys sign TUF
 * metadata.
 */
public final class SigningKeys {
  private SigningKeys() {}

  /**
   * Loads one private key.
   *
   * @param passwords tried in order on an encrypted key (several key holders, several passwords)
   * @throws AirlockException USAGE when the file is unreadable, not a private key, or encrypted and
   *     no password opens it
   */
  public static PrivateKey load(Path file, List<char[]> passwords) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw AirlockException.usage(file + ": cannot read the key: " + e.getMessage());
    }
    try {
      if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
        if (passwords.isEmpty()) {
          throw AirlockException.usage(file + ": the key is encrypted; give --password-file or --password-env");
        }
        byte[] der = Keys.pemBody(text, "ENCRYPTED PRIVATE KEY");
        for (char[] pw : passwords) {
          byte[] plain = decrypt(der, pw, file);
          if (plain == null) {
            continue;
          }
          try {
            return Keys.parsePrivateKey(Keys.pem("PRIVATE KEY", plain).getBytes(StandardCharsets.US_ASCII));
          } catch (Keys.KeyException e) {
            // a wrong password can pass the padding check by chance; try the next one
          }
        }
        throw AirlockException.usage(file + ": no given password decrypts the key");
      }
      if (text.contains("-----BEGIN PRIVATE KEY-----")) {
        return Keys.parsePrivateKey(text.getBytes(StandardCharsets.US_ASCII));
      }
    } catch (Keys.KeyException e) {
      throw AirlockException.usage(file + ": not a usable private key: " + e.getMessage());
    }
    throw AirlockException.usage(file + ": not a PEM PRIVATE KEY or ENCRYPTED PRIVATE KEY (PKCS#8)");
  }

  /**
   * PBES2 decryption (RFC 8018 6.2.2) by the {@code crypto} stage's one implementation, which here
   * also accepts HMAC-SHA-1 (older role keys); null when the password is wrong.
   */
  private static byte[] decrypt(byte[] der, char[] password, Path file) {
    byte[] pw = PBEParametersGenerator.PKCS5PasswordToUTF8Bytes(password);
    try {
      return PrivateKeys.decryptPkcs8(der, pw, true);
    } catch (PrivateKeys.KeyFileException e) {
      if (e.problem() == PrivateKeys.Problem.WRONG_PASSWORD) {
        return null;
      }
      throw AirlockException.usage(file + ": " + e.getMessage());
    } finally {
      java.util.Arrays.fill(pw, (byte) 0);
    }
  }
}
