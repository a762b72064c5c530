package dev.airlock.verify;

import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.crypto.Keys;
import dev.airlock.crypto.Signatures;
import dev.airlock.tlog.Checkpoint;
import dev.airlock.tlog.NoteSignature;
import dev.airlock.tlog.ProofException;
import dev.airlock.tlog.SignedNote;
import dev.airlock.trust.TransparencyLog;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A bundle's checkpoint (C2SP signed-note + tlog-checkpoint, FORMATS.md section 5) verified by the
 * key of the log that holds the entry, whatever the signer name (origin) is: a signature line is
 * the log's when its 4-byte key hint is the log's (ECDSA: SHA-256(SPKI)[:4]; Ed25519:
 * SHA-256(name || 0x0A || 0x01 || key)[:4] with the line's name, or the trusted root's
 * checkpointKeyId). Lines of other signers (witness cosignatures) are ignored.
 *
 * <p>The note and its body are read by {@link SignedNote} and {@link Checkpoint}, the readers that
 * also read imported checkpoints, so a bundle's checkpoint is held to the same format rules (one
 * reader; the second, laxer one here was found twice by VerifyFuzzTest#mutatedLabBundle).
 *
 * @param origin first line of the note text
 */
record NoteCheckpoint(String origin, long size, byte[] rootHash) {
  static NoteCheckpoint verify(String envelope, TransparencyLog log) throws Denial {
    if (envelope == null || envelope.isEmpty()) {
      throw new Denial(Reason.INCLUSION_PROOF_MISSING, "the inclusion proof has no checkpoint");
    }
    SignedNote note;
    Checkpoint body;
    try {
      note = SignedNote.parse(envelope.getBytes(StandardCharsets.UTF_8));
      body = Checkpoint.parse(note.body());
    } catch (ProofException e) {
      throw new Denial(e.reason(), "checkpoint: " + e.getMessage());
    }
    byte[] signed = note.bodyBytes();
    int verified = 0;
    for (NoteSignature s : note.signatures()) {
      if (!isLogKey(s.keyHint(), s.name(), log)) {
        continue;
      }
      try {
        Signatures.verify(log.key(), log.algorithm(), signed, s.signature());
        verified++;
      } catch (InvalidSignatureException e) {
        throw new Denial(Reason.CHECKPOINT_SIGNATURE_INVALID,
            "checkpoint signature by '" + s.name() + "': " + e.getMessage());
      }
    }
    if (verified == 0) {
      throw new Denial(Reason.CHECKPOINT_UNKNOWN_LOG, "no checkpoint signature from the log's key");
    }
    return new NoteCheckpoint(body.origin(), body.size(), body.rootHash());
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
