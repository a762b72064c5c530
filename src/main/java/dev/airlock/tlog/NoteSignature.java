package dev.airlock.tlog;

import dev.airlock.crypto.Hashing;
import java.util.Arrays;
import java.util.Objects;

/**
 * One signature line of a signed note: {@code — <name> <base64(keyHint || signature)>}.
 *
 * @param name the key name on the line
 * @param keyHint the 4-byte key hint
 * @param signature the signature bytes after the hint (at least one byte)
 */
public record NoteSignature(String name, byte[] keyHint, byte[] signature) {
  public NoteSignature {
    Objects.requireNonNull(name, "name");
    if (keyHint.length != 4) {
      throw new IllegalArgumentException("key hint must be 4 bytes");
    }
    keyHint = keyHint.clone();
    signature = signature.clone();
  }

  @Override
  public byte[] keyHint() {
    return keyHint.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoteSignature s && s.name.equals(name) && Arrays.equals(s.keyHint, keyHint)
        && Arrays.equals(s.signature, signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, Arrays.hashCode(keyHint), Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    return "NoteSignature[" + name + " " + Hashing.hex(keyHint) + ", " + signature.length + " bytes]";
  }
}
