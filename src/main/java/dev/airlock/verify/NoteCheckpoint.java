package dev.airlock.verify;

import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.crypto.Keys;
import dev.airlock.crypto.Signatures;
import dev.airlock.trust.TransparencyLog;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * A bundle's checkpoint (C2SP signed-note + tlog-checkpoint, FORMATS.md section 5) verified by the
 * key of the log that holds the entry, whatever the signer name (origin) is: a signature line is
 * the log's when its 4-byte key hint is the log's (ECDSA: SHA-256(SPKI)[:4]; Ed25519:
 * SHA-256(name || 0x0A || 0x01 || key)[:4] with the line's name, or the trusted root's
 * checkpointKeyId). Lines of other signers (witness cosignatures) are ignored.
 *
 * @param origin first line of the note text
 */
record NoteCheckpoint(String origin, long size, byte[] rootHash) {
  private static final String DASH = "\u2014 ";

  static NoteCheckpoint verify(String envelope, TransparencyLog log) throws Denial {
    if (envelope == null || envelope.isEmpty()) {
      throw new Denial(Reason.INCLUSION_PROOF_MISSING, "the inclusion proof has no checkpoint");
    }
    if (envelope.length() > 64 * 1024 || !envelope.endsWith("\n")) {
      throw new Denial(Reason.CHECKPOINT_MALFORMED, "checkpoint does not end with a newline or is too large");
    }
    int split = envelope.lastIndexOf("\n\n");
    if (split < 0) {
      throw new Denial(Reason.CHECKPOINT_MALFORMED, "checkpoint has no signature block");
    }
    String text = envelope.substring(0, split + 1);
    String[] lines = text.split("\n", -1);
    if (lines.length < 4 || lines[0].isEmpty() || lines[1].isEmpty() || lines[2].isEmpty()) {
      throw new Denial(Reason.CHECKPOINT_MALFORMED, "checkpoint needs origin, size and root hash lines");
    }
    long size;
    byte[] root;
    try {
      if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
        throw new NumberFormatException(lines[1]);
      }
      size = Long.parseLong(lines[1]);
      root = Base64.getDecoder().decode(lines[2]);
    } catch (IllegalArgumentException e) {
      throw new Denial(Reason.CHECKPOINT_MALFORMED, "checkpoint size or root hash is malformed");
    }
    if (root.length != 32) {
      throw new Denial(Reason.CHECKPOINT_MALFORMED, "checkpoint root hash is not 32 bytes");
    }
    byte[] textBytes = text.getBytes(StandardCharsets.UTF_8);
    String[] sigLines = envelope.substring(split + 2).split("\n");
    if (sigLines.length > 64) {
      throw new Denial(Reason.CHECKPOINT_MALFORMED, "checkpoint has more than 64 signature lines");
    }
    int verified = 0;
    for (String line : sigLines) {
      if (!line.startsWith(DASH)) {
        throw new Denial(Reason.CHECKPOINT_MALFORMED, "malformed checkpoint signature line");
      }
      String rest = line.substring(DASH.length());
      int sp = rest.lastIndexOf(' ');
      if (sp <= 0) {
        throw new Denial(Reason.CHECKPOINT_MALFORMED, "malformed checkpoint signature line");
      }
      String name = rest.substring(0, sp);
      if (name.chars().anyMatch(c -> c == '+' || Character.isWhitespace(c) || Character.isSpaceChar(c))) {
        // C2SP signed-note: a key name contains neither Unicode spaces nor '+' (tlog.SignedNote
        // refuses it too; found by VerifyFuzzTest#mutatedLabBundle, kept as its seed)
        throw new Denial(Reason.CHECKPOINT_MALFORMED, "checkpoint signer name '" + name + "' contains a space or '+'");
      }
      byte[] blob;
      String b64 = rest.substring(sp + 1);
      try {
        blob = Base64.getDecoder().decode(b64);
      } catch (IllegalArgumentException e) {
        throw new Denial(Reason.CHECKPOINT_MALFORMED, "checkpoint signature is not base64");
      }
      if (!Base64.getEncoder().encodeToString(blob).equals(b64)) {
        // java.util.Base64 accepts missing padding; C2SP signed-note writes standard padded
        // base64 and tlog.SignedNote requires it (found by VerifyFuzzTest#mutatedLabBundle)
        throw new Denial(Reason.CHECKPOINT_MALFORMED, "checkpoint signature is not canonical base64");
      }
      if (blob.length < 5) {
        continue;
      }
      byte[] hint = Arrays.copyOf(blob, 4);
      if (!isLogKey(hint, name, log)) {
        continue;
      }
      byte[] sig = Arrays.copyOfRange(blob, 4, blob.length);
      try {
        Signatures.verify(log.key(), log.algorithm(), textBytes, sig);
        verified++;
      } catch (InvalidSignatureException e) {
        throw new Denial(Reason.CHECKPOINT_SIGNATURE_INVALID,
            "checkpoint signature by '" + name + "': " + e.getMessage());
      }
    }
    if (verified == 0) {
      throw new Denial(Reason.CHECKPOINT_UNKNOWN_LOG, "no checkpoint signature from the log's key");
    }
    return new NoteCheckpoint(lines[0], size, root);
  }

  private static boolean isLogKey(byte[] hint, String name, TransparencyLog log) {
    byte[] cpk = log.checkpointKeyId();
    if (cpk != null && cpk.length >= 4 && MessageDigest.isEqual(hint, Arrays.copyOf(cpk, 4))) {
      return true;
    }
    byte[] expected;
    if (Keys.isEd25519(log.key())) {
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      expected = Hashing.sha256(n, new byte[] {0x0a, 0x01}, Keys.rawEd25519(log.key()));
    } else {
      expected = Keys.spkiSha256(log.key());
    }
    return MessageDigest.isEqual(hint, Arrays.copyOf(expected, 4));
  }
}
