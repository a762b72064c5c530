package dev.airlock.publish;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.PBEParametersGenerator;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.paddings.PaddedBufferedBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Reads the private keys that sign TUF roles. The one place the publisher turns a key file into a
 * {@link PrivateKey}: {@link #load} is meant to be swapped for the {@code crypto} stage's reader
 * once that reads cosign's encrypted key format too.
 *
 * <p>Accepted: PEM {@code PRIVATE KEY} (PKCS#8, RFC 5208) and PEM {@code ENCRYPTED PRIVATE KEY}
 * (RFC 5958 EncryptedPrivateKeyInfo with PBES2, RFC 8018 section 6.2: PBKDF2 with HMAC-SHA-1/256/512
 * and AES-128/192/256-CBC, what {@code openssl genpkey -aes-256-cbc} and {@code openssl pkcs8 -topk8
 * -v2 aes-256-cbc} write). Ed25519 and ECDSA P-256 keys sign TUF metadata.
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

  /** PBES2 decryption (RFC 8018 6.2.2); null when the padding shows the password is wrong. */
  private static byte[] decrypt(byte[] der, char[] password, Path file) {
    EncryptedPrivateKeyInfo info;
    PBES2Parameters pbes2;
    PBKDF2Params kdf;
    try {
      info = EncryptedPrivateKeyInfo.getInstance(der);
      if (!PKCSObjectIdentifiers.id_PBES2.equals(info.getEncryptionAlgorithm().getAlgorithm())) {
        throw AirlockException.usage(file + ": encrypted with " + info.getEncryptionAlgorithm().getAlgorithm()
            + "; only PBES2 (PBKDF2 + AES-CBC) is read");
      }
      pbes2 = PBES2Parameters.getInstance(info.getEncryptionAlgorithm().getParameters());
      if (!PKCSObjectIdentifiers.id_PBKDF2.equals(pbes2.getKeyDerivationFunc().getAlgorithm())) {
        throw AirlockException.usage(file + ": key derivation " + pbes2.getKeyDerivationFunc().getAlgorithm()
            + " is not PBKDF2");
      }
      kdf = PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters());
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
      throw AirlockException.usage(file + ": malformed EncryptedPrivateKeyInfo: " + e.getMessage());
    }
    ASN1ObjectIdentifier enc = pbes2.getEncryptionScheme().getAlgorithm();
    int keyBytes;
    if (enc.equals(NISTObjectIdentifiers.id_aes128_CBC)) {
      keyBytes = 16;
    } else if (enc.equals(NISTObjectIdentifiers.id_aes192_CBC)) {
      keyBytes = 24;
    } else if (enc.equals(NISTObjectIdentifiers.id_aes256_CBC)) {
      keyBytes = 32;
    } else {
      throw AirlockException.usage(file + ": cipher " + enc + " is not AES-CBC");
    }
    ASN1ObjectIdentifier prf = kdf.getPrf().getAlgorithm();
    Digest digest;
    if (prf.equals(PKCSObjectIdentifiers.id_hmacWithSHA256)) {
      digest = new SHA256Digest();
    } else if (prf.equals(PKCSObjectIdentifiers.id_hmacWithSHA1)) {
      digest = new SHA1Digest();
    } else if (prf.equals(PKCSObjectIdentifiers.id_hmacWithSHA512)) {
      digest = new SHA512Digest();
    } else {
      throw AirlockException.usage(file + ": PBKDF2 PRF " + prf + " is not HMAC-SHA-1/256/512");
    }
    if (kdf.getIterationCount().intValue() > 10_000_000) {
      throw AirlockException.usage(file + ": PBKDF2 iteration count is absurd");
    }
    PKCS5S2ParametersGenerator gen = new PKCS5S2ParametersGenerator(digest);
    gen.init(PBEParametersGenerator.PKCS5PasswordToUTF8Bytes(password), kdf.getSalt(),
        kdf.getIterationCount().intValue());
    KeyParameter key = (KeyParameter) gen.generateDerivedParameters(keyBytes * 8);
    byte[] iv = ASN1OctetString.getInstance(pbes2.getEncryptionScheme().getParameters()).getOctets();
    PaddedBufferedBlockCipher cipher = new PaddedBufferedBlockCipher(CBCBlockCipher.newInstance(AESEngine.newInstance()));
    cipher.init(false, new ParametersWithIV(key, iv));
    byte[] ct = info.getEncryptedData();
    byte[] out = new byte[cipher.getOutputSize(ct.length)];
    try {
      int n = cipher.processBytes(ct, 0, ct.length, out, 0);
      n += cipher.doFinal(out, n);
      return java.util.Arrays.copyOf(out, n);
    } catch (InvalidCipherTextException e) {
      return null;
    }
  }
}
