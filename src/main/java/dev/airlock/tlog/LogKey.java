package dev.airlock.tlog;

import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * A key that may sign checkpoints: a transparency log's key or a witness's key.
 *
 * <p>A signature line names its key by (name, 4-byte key hint). Two hint forms identify a key
 * (DESIGN.md 6a "Details of matching and verdicts"; C2SP signed-note.md, pinned 2024-10):
 * <ul>
 *   <li>{@code SHA-256(DER SubjectPublicKeyInfo)[:4]}: Rekor v1 and the C2SP 0x02 ECDSA rule; the
 *       name is not part of the hint;
 *   <li>for Ed25519 keys, {@code SHA-256(name || 0x0A || 0x01 || raw32)[:4]} (C2SP 0x01), and for
 *       witnesses also the 0x04 timestamped cosignature form (C2SP tlog-cosignature.md).
 * </ul>
 *
 * @param name the key name as signature lines must spell it, or null when it is not known (keys
 *     from a {@code trusted_root.json}, which does not carry it): then the hint alone decides, and
 *     for log keys the name is taken from the checkpoint's origin (see {@link CheckpointVerifier})
 * @param key the public key (Ed25519, ECDSA or RSA from the crypto allow-list)
 */
public record LogKey(String name, PublicKey key) {
  /** C2SP signed-note key types. */
  static final byte TYPE_ED25519 = 0x01;
  static final byte TYPE_COSIGNATURE = 0x04;

  public LogKey {
    Objects.requireNonNull(key, "key");
    if (name != null && (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == '+'))) {
      throw new IllegalArgumentException("key name must be non-empty without spaces or '+': " + name);
    }
  }

  /** A key whose name is not known: matched by key hint only. */
  public static LogKey unnamed(PublicKey key) {
    return new LogKey(null, key);
  }

  /** The same key with a name. */
  public LogKey withName(String n) {
    return new LogKey(n, key);
  }

  /** {@code SHA-256(SPKI DER)[:4]}: the Rekor v1 / C2SP ECDSA key hint. */
  public byte[] spkiKeyHint() {
    return Arrays.copyOf(Keys.spkiSha256(key), 4);
  }

  /**
   * The C2SP key hint {@code SHA-256(name || 0x0A || type || raw32)[:4]} of an Ed25519 key under
   * the given name, or null if this is not an Ed25519 key.
   */
  public byte[] c2spKeyHint(String keyName, byte type) {
    if (!Keys.isEd25519(key)) {
      return null;
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(keyName.getBytes(StandardCharsets.UTF_8));
    b.write(0x0A);
    b.write(type);
    b.writeBytes(Keys.rawEd25519(key));
    return Arrays.copyOf(Hashing.sha256(b.toByteArray()), 4);
  }

  /** How a signature line's hint identified this key; decides how its signature is checked. */
  enum HintForm {
    /** Signature over the note body (SPKI hint, or C2SP 0x01 Ed25519). */
    PLAIN,
    /** C2SP 0x04 timestamped Ed25519 cosignature: 8-byte timestamp || 64-byte signature. */
    COSIGNATURE
  }

  /**
   * Whether a signature line {@code (lineName, hint)} names this key, and in which form; null if
   * it does not. {@code expectedName} is the name the line must carry (this key's name, or for
   * unnamed log keys the one derived from the origin), or null for "any name".
   */
  HintForm identify(String lineName, byte[] hint, String expectedName) {
    if (expectedName != null && !expectedName.equals(lineName)) {
      return null;
    }
    if (Arrays.equals(spkiKeyHint(), hint)) {
      return HintForm.PLAIN;
    }
    if (Arrays.equals(c2spKeyHint(lineName, TYPE_ED25519), hint)) {
      return HintForm.PLAIN;
    }
    if (Arrays.equals(c2spKeyHint(lineName, TYPE_COSIGNATURE), hint)) {
      return HintForm.COSIGNATURE;
    }
    return null;
  }

  @Override
  public String toString() {
    return "LogKey[" + (name == null ? "(unnamed)" : name) + " " + Hashing.hex(spkiKeyHint()) + "]";
  }
}
