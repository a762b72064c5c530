package dev.airlock.lab;

import java.security.KeyPair;
import java.util.Arrays;

/**
 * Extra signature lines on signed notes (C2SP signed-note), e.g. witness cosignatures a verifier
 * must ignore when their (name, key ID) is unknown, and must survive at least 16 of.
 */
public final class SignedNotes {
  private SignedNotes() {}

  /** An Ed25519 key for an extra signer, deterministic in (seed, name). */
  public static KeyPair ed25519Signer(long seed, String name) {
    return LabCrypto.generate(LabCrypto.KeyKind.ED25519, seed, "note-signer/" + name);
  }

  /** C2SP Ed25519 key ID: SHA-256(name || 0x0A || 0x01 || raw key)[:4]. */
  public static byte[] ed25519KeyId(String name, KeyPair key) {
    byte[] spki = key.getPublic().getEncoded();
    byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    return Arrays.copyOf(LabCrypto.sha256(LabCrypto.utf8(name), new byte[] {0x0A, 0x01}, raw), 4);
  }

  /** Appends a signature line by {@code name} (Ed25519 over the note text) to a signed note. */
  public static String addEd25519Signature(String note, String name, KeyPair key) {
    int split = note.lastIndexOf("\n\n");
    if (split < 0) {
      throw new IllegalArgumentException("not a signed note");
    }
    String text = note.substring(0, split + 1);
    byte[] sig = LabCrypto.sign(LabCrypto.KeyKind.ED25519, key.getPrivate(), LabCrypto.utf8(text));
    byte[] both = Arrays.copyOf(ed25519KeyId(name, key), 4 + sig.length);
    System.arraycopy(sig, 0, both, 4, sig.length);
    return note + "\u2014 " + name + " " + LabCrypto.b64(both) + "\n";
  }
}
