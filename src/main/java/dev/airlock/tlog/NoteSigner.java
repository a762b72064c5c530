package dev.airlock.tlog;

import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.crypto.Signatures;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Base64;

/**
 * Writes signed notes: used by the test lab's log and by the audit log's own checkpoints. The
 * signature line uses the key's SPKI hint for ECDSA/RSA and the C2SP 0x01 hint for Ed25519.
 */
public final class NoteSigner {
  private NoteSigner() {}

  /** One signature line {@code — name base64(hint || sig)\n} over {@code body}. */
  public static String signatureLine(String name, LogKey key, PrivateKey privateKey, String body) {
    byte[] hint = dev.airlock.crypto.Keys.isEd25519(key.key())
        ? key.c2spKeyHint(name, LogKey.TYPE_ED25519)
        : key.spkiKeyHint();
    byte[] sig;
    try {
      sig = Signatures.sign(privateKey, CheckpointVerifier.algorithmOf(key), body.getBytes(StandardCharsets.UTF_8));
    } catch (InvalidSignatureException e) {
      throw new IllegalArgumentException("cannot sign with " + key + ": " + e.getMessage(), e);
    }
    byte[] raw = new byte[4 + sig.length];
    System.arraycopy(hint, 0, raw, 0, 4);
    System.arraycopy(sig, 0, raw, 4, sig.length);
    return SignedNote.SIGNATURE_PREFIX + name + " " + Base64.getEncoder().encodeToString(raw) + "\n";
  }

  /** A complete note: body, blank line, the given signature lines. */
  public static byte[] note(String body, String... signatureLines) {
    StringBuilder b = new StringBuilder(body).append('\n');
    for (String l : signatureLines) {
      b.append(l);
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }
}
