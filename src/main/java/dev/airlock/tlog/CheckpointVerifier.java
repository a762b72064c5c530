package dev.airlock.tlog;

import dev.airlock.core.Reason;
import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.crypto.Keys;
import dev.airlock.crypto.SignatureAlgorithm;
import dev.airlock.crypto.Signatures;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Verifies a checkpoint's signed note under the trusted log keys and counts witness cosignatures.
 *
 * <p>Rules (C2SP signed-note.md and tlog-checkpoint.md pinned 2024-10; DESIGN.md 6a
 * "Checkpoints"):
 * <ul>
 *   <li>a signature line is from a key when its (name, key hint) identify that key (see
 *       {@link LogKey}); lines from unknown keys are ignored (e.g. unknown witnesses);
 *   <li>a line from a known key whose signature does not verify rejects the note
 *       ({@link Reason#CHECKPOINT_SIGNATURE_INVALID}), even if another line verifies;
 *   <li>at least one log signature must verify ({@link Reason#CHECKPOINT_UNKNOWN_LOG});
 *   <li>the origin must be the verifying line's key name, optionally followed by
 *       {@code " - <decimal tree id>"} (Rekor v1 shards); the key name need not be the log URL's
 *       host. A log key without a known name (from {@code trusted_root.json}) is therefore only
 *       identified by lines whose name is the origin without its tree-id suffix.
 * </ul>
 * Ed25519 signs the body bytes; ECDSA signs them with SHA-256 inside the algorithm (ASN.1 DER).
 */
public final class CheckpointVerifier {
  private static final Pattern TREE_ID_SUFFIX = Pattern.compile(" - (0|[1-9][0-9]*)$");

  private CheckpointVerifier() {}

  /**
   * Verifies the note under one of {@code logKeys}; returns the checkpoint, the verified log signer
   * (named as its line names it) and the witnesses whose cosignatures verified.
   *
   * @throws ProofException CHECKPOINT_MALFORMED, CHECKPOINT_SIGNATURE_INVALID or CHECKPOINT_UNKNOWN_LOG
   */
  public static VerifiedCheckpoint verify(SignedNote note, List<LogKey> logKeys, List<LogKey> witnessKeys)
      throws ProofException {
    Checkpoint cp = Checkpoint.parse(note.body());
    byte[] body = note.bodyBytes();
    String originName = keyNameOf(cp.origin());
    LogKey signer = null;
    List<LogKey> witnesses = new ArrayList<>();
    List<byte[]> witnessSpkis = new ArrayList<>();
    for (NoteSignature line : note.signatures()) {
      for (LogKey k : logKeys) {
        String expected = k.name() != null ? k.name() : originName;
        LogKey.HintForm form = k.identify(line.name(), line.keyHint(), expected);
        if (form == null) {
          continue;
        }
        check(k, form, line, body);
        if (!originMatches(cp.origin(), line.name())) {
          // a named key signed a note of another origin: not this log's checkpoint
          continue;
        }
        if (signer == null) {
          signer = k.withName(line.name());
        }
      }
      for (LogKey w : witnessKeys) {
        LogKey.HintForm form = w.identify(line.name(), line.keyHint(), w.name());
        if (form == null) {
          continue;
        }
        check(w, form, line, body);
        byte[] spki = w.key().getEncoded();
        if (witnessSpkis.stream().noneMatch(s -> Arrays.equals(s, spki))) {
          witnessSpkis.add(spki);
          witnesses.add(w.withName(line.name()));
        }
      }
    }
    if (signer == null) {
      throw new ProofException(Reason.CHECKPOINT_UNKNOWN_LOG, "no signature line of checkpoint '"
          + cp.origin() + "' verifies under a trusted log key whose name matches the origin (lines: "
          + note.signatures().stream().map(s -> s.name() + " " + dev.airlock.crypto.Hashing.hex(s.keyHint())).toList()
          + ")");
    }
    return new VerifiedCheckpoint(cp, signer, witnesses);
  }

  /** The key name an origin implies: the origin without a {@code " - <tree id>"} suffix. */
  static String keyNameOf(String origin) {
    return TREE_ID_SUFFIX.matcher(origin).replaceFirst("");
  }

  static boolean originMatches(String origin, String keyName) {
    if (origin.equals(keyName)) {
      return true;
    }
    return origin.startsWith(keyName) && TREE_ID_SUFFIX.matcher(origin.substring(keyName.length())).matches()
        && origin.substring(keyName.length()).startsWith(" - ");
  }

  private static void check(LogKey k, LogKey.HintForm form, NoteSignature line, byte[] body)
      throws ProofException {
    try {
      if (form == LogKey.HintForm.COSIGNATURE) {
        verifyCosignature(k, line, body);
      } else {
        Signatures.verify(k.key(), algorithmOf(k), body, line.signature());
      }
    } catch (InvalidSignatureException e) {
      throw new ProofException(Reason.CHECKPOINT_SIGNATURE_INVALID, "signature line '" + line.name() + " "
          + dev.airlock.crypto.Hashing.hex(line.keyHint()) + "' from a trusted key does not verify: " + e.getMessage());
    }
  }

  /**
   * C2SP tlog-cosignature.md (pinned 2024-10): the signature is an 8-byte big-endian timestamp
   * followed by an Ed25519 signature over {@code "cosignature/v1\ntime <t>\n" || body}.
   */
  private static void verifyCosignature(LogKey k, NoteSignature line, byte[] body)
      throws InvalidSignatureException {
    byte[] sig = line.signature();
    if (sig.length != 72) {
      throw new InvalidSignatureException(InvalidSignatureException.Problem.MALFORMED,
          "cosignature must be 72 bytes, got " + sig.length);
    }
    long time = ByteBuffer.wrap(sig, 0, 8).getLong();
    byte[] header = ("cosignature/v1\ntime " + Long.toUnsignedString(time) + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] msg = new byte[header.length + body.length];
    System.arraycopy(header, 0, msg, 0, header.length);
    System.arraycopy(body, 0, msg, header.length, body.length);
    Signatures.verify(k.key(), SignatureAlgorithm.ED25519, msg, Arrays.copyOfRange(sig, 8, 72));
  }

  static SignatureAlgorithm algorithmOf(LogKey k) throws InvalidSignatureException {
    try {
      return Keys.defaultAlgorithm(k.key());
    } catch (Keys.KeyException e) {
      throw new InvalidSignatureException(InvalidSignatureException.Problem.UNSUPPORTED, e.getMessage(), e);
    }
  }
}
