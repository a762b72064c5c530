package dev.airlock.lab;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Writes cosign's encrypted private key format (test lab; the encrypting side airlock itself never
 * needs): PEM {@code ENCRYPTED SIGSTORE PRIVATE KEY} whose body is the JSON of
 * go-securesystemslib's encrypted.Encrypt -- scrypt KDF, NaCl secretbox (XSalsa20-Poly1305 with
 * the 16-byte Poly1305 tag before the ciphertext) over PKCS#8 DER.
 */
public final class CosignKeys {
  private CosignKeys() {}

  /** The cosign key file for {@code pkcs8} under {@code password}, scrypt cost {@code n} (cosign: 65536). */
  public static String encrypt(byte[] pkcs8, String password, int n, SecureRandom random) {
    byte[] salt = new byte[32];
    byte[] nonce = new byte[24];
    random.nextBytes(salt);
    random.nextBytes(nonce);
    byte[] key = SCrypt.generate(password.getBytes(StandardCharsets.UTF_8), salt, n, 8, 1, 32);
    byte[] box = seal(key, nonce, pkcs8);
    Base64.Encoder b64 = Base64.getEncoder();
    String json = "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":" + n + ",\"r\":8,\"p\":1},\"salt\":\""
        + b64.encodeToString(salt) + "\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\""
        + b64.encodeToString(nonce) + "\"},\"ciphertext\":\"" + b64.encodeToString(box) + "\"}";
    return LabCrypto.pem("ENCRYPTED SIGSTORE PRIVATE KEY", json.getBytes(StandardCharsets.UTF_8));
  }

  /** crypto_secretbox: tag(16) || XSalsa20(message) with the keystream after its first 32 bytes. */
  static byte[] seal(byte[] key, byte[] nonce, byte[] message) {
    XSalsa20Engine x = new XSalsa20Engine();
    x.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
    byte[] stream0 = new byte[32];
    x.processBytes(new byte[32], 0, 32, stream0, 0);
    byte[] out = new byte[16 + message.length];
    x.processBytes(message, 0, message.length, out, 16);
    Poly1305 mac = new Poly1305();
    mac.init(new KeyParameter(stream0));
    mac.update(out, 16, message.length);
    mac.doFinal(out, 0);
    return out;
  }
}
