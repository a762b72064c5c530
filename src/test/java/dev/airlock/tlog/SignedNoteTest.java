package dev.airlock.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signed-note and checkpoint parsing and verification: known answers and rejection of bad input. */
class SignedNoteTest {
  /** FORMATS.md section 5: the self-consistent Ed25519 example (seed bytes 0..31, leaves a, b, c). */
  static final String EXAMPLE = "log2026.example.internal\n3\nNmQuc8JUCrEh46a/lUWwokmCzYMOsT080Z3jzmwCHsE=\n\n"
      + "\u2014 log2026.example.internal c3DR9i1YLKKk9CBNtznkfLf8AsUjI0G56ghJdbLTtou/3kmqddtE0XEd6TUcNqaww42kMufdBtGXtc7eOVHmaa4g7gc=\n";
  static final String EXAMPLE_VKEY = "log2026.example.internal+7370d1f6+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";

  static LogKey exampleKey() throws Exception {
    String[] parts = EXAMPLE_VKEY.split("\\+", 3); // split on the first two '+' only
    byte[] typed = Base64.getDecoder().decode(parts[2]);
    assertEquals(0x01, typed[0]);
    return new LogKey(parts[0], Keys.ed25519FromRaw(Arrays.copyOfRange(typed, 1, 33)));
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Reason reasonOf(String note, List<LogKey> keys) {
    return assertThrows(ProofException.class,
        () -> CheckpointVerifier.verify(SignedNote.parse(utf8(note)), keys, List.of())).reason();
  }

  @Test
  void formatsMdExampleVerifiesWithTheC2spKeyHint() throws Exception {
    LogKey key = exampleKey();
    assertEquals("7370d1f6", Hashing.hex(key.c2spKeyHint(key.name(), (byte) 0x01)));
    VerifiedCheckpoint v = CheckpointVerifier.verify(SignedNote.parse(utf8(EXAMPLE)), List.of(key), List.of());
    assertEquals("log2026.example.internal", v.checkpoint().origin());
    assertEquals(3, v.checkpoint().size());
    assertEquals("36642e73c2540ab121e3a6bf9545b0a24982cd830eb13d3cd19de3ce6c021ec1", v.checkpoint().rootHex());
    // unnamed (as from trusted_root.json): the origin supplies the name
    assertEquals("log2026.example.internal",
        CheckpointVerifier.verify(SignedNote.parse(utf8(EXAMPLE)), List.of(LogKey.unnamed(key.key())), List.of())
            .signer().name());
  }

  @Test
  void everySignedFieldIsBound() throws Exception {
    LogKey key = exampleKey();
    String sig = EXAMPLE.substring(EXAMPLE.indexOf("\n\n"));
    String[] swaps = {
      "log2026.example.internal - 1\n3\nNmQuc8JUCrEh46a/lUWwokmCzYMOsT080Z3jzmwCHsE=",
      "log2026.example.internal\n4\nNmQuc8JUCrEh46a/lUWwokmCzYMOsT080Z3jzmwCHsE=",
      "log2026.example.internal\n3\nNmQuc8JUCrEh46a/lUWwokmCzYMOsT080Z3jzmwCHsF=",
      "log2026.example.internal\n3\nNmQuc8JUCrEh46a/lUWwokmCzYMOsT080Z3jzmwCHsE=\next",
    };
    for (String body : swaps) {
      Reason r = reasonOf(body + sig, List.of(key));
      assertTrue(r == Reason.CHECKPOINT_SIGNATURE_INVALID || r == Reason.CHECKPOINT_MALFORMED, body + " -> " + r);
    }
    // the root swap above is not canonical base64; a clean swap of one root bit:
    byte[] root = Base64.getDecoder().decode("NmQuc8JUCrEh46a/lUWwokmCzYMOsT080Z3jzmwCHsE=");
    root[0] ^= 1;
    assertEquals(Reason.CHECKPOINT_SIGNATURE_INVALID, reasonOf("log2026.example.internal\n3\n"
        + Base64.getEncoder().encodeToString(root) + sig, List.of(key)));
    // bit flips in the signature
    byte[] raw = Base64.getDecoder().decode(EXAMPLE.substring(EXAMPLE.lastIndexOf(' ') + 1).trim());
    for (int i = 4; i < raw.length; i += 7) {
      byte[] bad = raw.clone();
      bad[i] ^= 0x10;
      String note = EXAMPLE.substring(0, EXAMPLE.lastIndexOf(' ') + 1) + Base64.getEncoder().encodeToString(bad) + "\n";
      assertEquals(Reason.CHECKPOINT_SIGNATURE_INVALID, reasonOf(note, List.of(key)), "flip at " + i);
    }
    // truncated and extended signatures
    for (byte[] bad : List.of(Arrays.copyOf(raw, raw.length - 1), Arrays.copyOf(raw, raw.length + 1))) {
      String note = EXAMPLE.substring(0, EXAMPLE.lastIndexOf(' ') + 1) + Base64.getEncoder().encodeToString(bad) + "\n";
      assertEquals(Reason.CHECKPOINT_SIGNATURE_INVALID, reasonOf(note, List.of(key)));
    }
  }

  @Test
  void malformedNotes() throws Exception {
    LogKey key = exampleKey();
    String body = "log2026.example.internal\n3\nNmQuc8JUCrEh46a/lUWwokmCzYMOsT080Z3jzmwCHsE=\n";
    String line = EXAMPLE.substring(EXAMPLE.indexOf("\u2014"));
    String[] bad = {
      body + line, // missing blank line
      body + "\n" + line.substring(0, line.length() - 1), // no trailing newline
      body + "\n", // no signature lines
      body + "\n" + line.replace("c3DR9i1Y", "c3DR9i1Y!"), // bad base64
      body + "\n" + line.replace("=\n", "\n"), // unpadded base64
      body + "\n" + line.replace("\u2014 ", "-- "), // not an em dash
      body + "\n" + line.replace("internal ", "internal  "), // two spaces
      body + "\n\u2014 log2026.example.internal c3DR9g==\n", // only 4 bytes: hint without signature
      body.replace("\n3\n", "\n03\n") + "\n" + line, // leading zero in size
      body.replace("\n3\n", "\n-3\n") + "\n" + line,
      body.replace("\n3\n", "\nthree\n") + "\n" + line,
      body.replace("\n3\n", "\n99999999999999999999\n") + "\n" + line,
      body.replace("example", "exa\tmple") + "\n" + line, // control character
      body.replace("example", "exa\rmple") + "\n" + line,
      body.replace("example", "exa\u0085mple") + "\n" + line, // C1 control
      "log2026.example.internal\n3\n\n" + line, // header count
      "\n3\nNmQuc8JUCrEh46a/lUWwokmCzYMOsT080Z3jzmwCHsE=\n\n" + line, // empty origin
      body.replace("HsE=", "HsE") + "\n" + line, // root not canonical base64
      body.replace("NmQuc8JUCrEh46a/lUWwokmCzYMOsT080Z3jzmwCHsE=", "AAAA") + "\n" + line, // root not 32 bytes
      body + "\n" + line.replace("log2026.example", "log2026\u00a0example"), // Unicode space in key name
      body + "\n" + line.replace("log2026.example", "log2026\u2003example"),
    };
    for (String note : bad) {
      ProofException e = assertThrows(ProofException.class,
          () -> CheckpointVerifier.verify(SignedNote.parse(utf8(note)), List.of(key), List.of()), note);
      assertEquals(Reason.CHECKPOINT_MALFORMED, e.reason(), note + " -> " + e.getMessage());
    }
    // invalid UTF-8
    byte[] invalid = utf8(EXAMPLE);
    invalid[2] = (byte) 0xC3;
    assertEquals(Reason.CHECKPOINT_MALFORMED, assertThrows(ProofException.class, () -> SignedNote.parse(invalid)).reason());
    // too large
    byte[] huge = new byte[Limits.MAX_NOTE_BYTES + 1];
    Arrays.fill(huge, (byte) 'a');
    assertEquals(Reason.CHECKPOINT_MALFORMED, assertThrows(ProofException.class, () -> SignedNote.parse(huge)).reason());
  }

  @Test
  void copesWithManySignatureLinesButBoundsThem() throws Exception {
    LogKey key = exampleKey();
    String body = EXAMPLE.substring(0, EXAMPLE.indexOf("\n\n") + 1);
    String own = EXAMPLE.substring(EXAMPLE.indexOf("\u2014"));
    StringBuilder many = new StringBuilder(body).append('\n');
    List<String> strangers = new ArrayList<>();
    for (int i = 0; i < Limits.MAX_NOTE_SIGNATURES - 1; i++) {
      KeyPair kp = i % 8 == 0 ? Keys.generateEd25519() : null;
      strangers.add(kp == null
          ? "\u2014 witness" + i + ".example " + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, (byte) i, 9, 9}) + "\n"
          : NoteSigner.signatureLine("witness" + i + ".example", new LogKey("witness" + i + ".example", kp.getPublic()),
              kp.getPrivate(), body));
    }
    strangers.forEach(many::append);
    many.append(own); // the log's line comes last
    VerifiedCheckpoint v = CheckpointVerifier.verify(SignedNote.parse(utf8(many.toString())), List.of(key), List.of());
    assertEquals(3, v.checkpoint().size());
    String tooMany = many.toString() + own;
    assertEquals(Reason.CHECKPOINT_MALFORMED,
        assertThrows(ProofException.class, () -> SignedNote.parse(utf8(tooMany))).reason());
  }

  @Test
  void unknownKeysAndOriginRules() throws Exception {
    LogKey key = exampleKey();
    // another key only: unknown log
    LogKey other = new LogKey("log2026.example.internal", Keys.generateEd25519().getPublic());
    assertEquals(Reason.CHECKPOINT_UNKNOWN_LOG, reasonOf(EXAMPLE, List.of(other)));
    // a known key that fails, even next to a good line: reject
    KeyPair kp = Keys.generateEd25519();
    LogKey second = new LogKey("second.example", kp.getPublic());
    String body = EXAMPLE.substring(0, EXAMPLE.indexOf("\n\n") + 1);
    String wrongSig = NoteSigner.signatureLine("second.example", second, kp.getPrivate(), body + "x\n");
    String note = EXAMPLE + wrongSig;
    assertEquals(Reason.CHECKPOINT_SIGNATURE_INVALID,
        assertThrows(ProofException.class, () -> CheckpointVerifier.verify(SignedNote.parse(utf8(note)),
            List.of(key), List.of(second))).reason());
    // ... and ignored when that key is not trusted
    CheckpointVerifier.verify(SignedNote.parse(utf8(note)), List.of(key), List.of());

    // origin must be the key name, optionally followed by " - <tree id>"
    KeyPair logKp = Keys.generateEc("secp256r1");
    LogKey ec = new LogKey("rekor.example", logKp.getPublic());
    for (String origin : List.of("rekor.example", "rekor.example - 0", "rekor.example - 2605736670972794746")) {
      String b = new Checkpoint(origin, 1, new byte[32], List.of()).toBody();
      byte[] n = NoteSigner.note(b, NoteSigner.signatureLine("rekor.example", ec, logKp.getPrivate(), b));
      assertEquals(origin, CheckpointVerifier.verify(SignedNote.parse(n), List.of(ec), List.of()).checkpoint().origin());
      assertEquals(origin, CheckpointVerifier.verify(SignedNote.parse(n), List.of(LogKey.unnamed(ec.key())), List.of())
          .checkpoint().origin());
    }
    for (String origin : List.of("rekor.example.evil", "rekor.example - 01", "rekor.example - x", "other - 5",
        "rekor.example -  5")) {
      String b = new Checkpoint(origin, 1, new byte[32], List.of()).toBody();
      byte[] n = NoteSigner.note(b, NoteSigner.signatureLine("rekor.example", ec, logKp.getPrivate(), b));
      assertEquals(Reason.CHECKPOINT_UNKNOWN_LOG, assertThrows(ProofException.class,
          () -> CheckpointVerifier.verify(SignedNote.parse(n), List.of(ec), List.of())).reason(), origin);
    }
    // private Rekor: the key name need not be the URL host; any name works if the origin matches it
    String b = new Checkpoint("private-log - 7", 1, new byte[32], List.of()).toBody();
    byte[] n = NoteSigner.note(b, NoteSigner.signatureLine("private-log", ec, logKp.getPrivate(), b));
    assertEquals("private-log",
        CheckpointVerifier.verify(SignedNote.parse(n), List.of(LogKey.unnamed(ec.key())), List.of()).signer().name());
  }

  @Test
  void wrongKeyHintIsIgnoredNotTrusted() throws Exception {
    LogKey key = exampleKey();
    byte[] raw = Base64.getDecoder().decode(EXAMPLE.substring(EXAMPLE.lastIndexOf(' ') + 1).trim());
    raw[0] ^= 1; // key hint no longer names the key
    String note = EXAMPLE.substring(0, EXAMPLE.lastIndexOf(' ') + 1) + Base64.getEncoder().encodeToString(raw) + "\n";
    assertEquals(Reason.CHECKPOINT_UNKNOWN_LOG, reasonOf(note, List.of(key)));
  }

  @Test
  void timestampedCosignatureOfAWitness() throws Exception {
    LogKey key = exampleKey();
    KeyPair w = Keys.generateEd25519();
    LogKey wk = new LogKey("witness.example", w.getPublic());
    String body = EXAMPLE.substring(0, EXAMPLE.indexOf("\n\n") + 1);
    long time = 1_700_000_000L;
    byte[] msg = utf8("cosignature/v1\ntime " + time + "\n" + body);
    byte[] sig = dev.airlock.crypto.Signatures.sign(w.getPrivate(), dev.airlock.crypto.SignatureAlgorithm.ED25519, msg);
    byte[] raw = java.nio.ByteBuffer.allocate(4 + 8 + 64).put(wk.c2spKeyHint(wk.name(), (byte) 0x04))
        .putLong(time).put(sig).array();
    String line = "\u2014 witness.example " + Base64.getEncoder().encodeToString(raw) + "\n";
    VerifiedCheckpoint v = CheckpointVerifier.verify(SignedNote.parse(utf8(EXAMPLE + line)), List.of(key),
        List.of(LogKey.unnamed(w.getPublic())));
    assertEquals(1, v.witnesses().size());
    assertEquals("witness.example", v.witnesses().get(0).name());
    raw[10] ^= 1; // the timestamp is signed
    String bad = "\u2014 witness.example " + Base64.getEncoder().encodeToString(raw) + "\n";
    assertEquals(Reason.CHECKPOINT_SIGNATURE_INVALID, assertThrows(ProofException.class,
        () -> CheckpointVerifier.verify(SignedNote.parse(utf8(EXAMPLE + bad)), List.of(key),
            List.of(LogKey.unnamed(w.getPublic())))).reason());
  }

  @Test
  void consistencyProofFiles() throws Exception {
    ConsistencyProof p = ConsistencyProof.parse(utf8("{\"origin\":\"o\",\"oldSize\":3,\"newSize\":7,\"hashes\":[\""
        + "ab".repeat(32) + "\",\"" + "CD".repeat(32) + "\"]}"));
    assertEquals(2, p.hashes().size());
    assertArrayEquals(Hashing.unhex("cd".repeat(32)), p.hashes().get(1));
    String[] bad = {
      "{\"origin\":\"o\",\"oldSize\":3,\"newSize\":7,\"hashes\":[\"xy" + "ab".repeat(31) + "\"]}", // non-hex
      "{\"origin\":\"o\",\"oldSize\":3,\"newSize\":7,\"hashes\":[\"" + "ab".repeat(31) + "\"]}", // 31 bytes
      "{\"origin\":\"o\",\"oldSize\":3,\"newSize\":7}", // no hashes
      "{\"origin\":\"o\",\"oldSize\":0,\"newSize\":7,\"hashes\":[]}",
      "{\"origin\":\"o\",\"oldSize\":8,\"newSize\":7,\"hashes\":[]}",
      "{\"origin\":\"o\",\"origin\":\"p\",\"oldSize\":3,\"newSize\":7,\"hashes\":[]}", // duplicate key
      "{\"origin\":\"o\",\"oldSize\":\"3\",\"newSize\":7,\"hashes\":[]}", // size as a string
      "{\"origin\":\"o\",\"oldSize\":3.5,\"newSize\":7,\"hashes\":[]}", // fractional size
      "{\"origin\":\"o\",\"oldSize\":3,\"newSize\":99999999999999999999,\"hashes\":[]}", // out of range
      "{\"origin\":\"o\",\"oldSize\":3,\"newSize\":7,\"hashes\":[7]}", // hash as a number
      "{\"origin\":5,\"oldSize\":3,\"newSize\":7,\"hashes\":[]}",
      "[]",
      "not json",
      "{\"origin\":\"o\",\"oldSize\":1,\"newSize\":7,\"hashes\":[" + ("\"" + "ab".repeat(32) + "\",").repeat(65)
          + "\"" + "ab".repeat(32) + "\"]}", // more than the hash limit
    };
    for (String json : bad) {
      assertEquals(Reason.CONSISTENCY_PROOF_MALFORMED,
          assertThrows(ProofException.class, () -> ConsistencyProof.parse(utf8(json)), json).reason(), json);
    }
    // wrong number of hashes: well-formed, but does not verify
    MerkleTree t = new MerkleTree();
    for (int i = 0; i < 7; i++) {
      t.append(new byte[] {(byte) i});
    }
    List<byte[]> good = t.consistencyProof(3, 7);
    ConsistencyProof shortProof = ConsistencyProof.of("o", 3, 7, good.subList(0, good.size() - 1));
    assertEquals(Reason.CONSISTENCY_PROOF_INVALID,
        assertThrows(ProofException.class, () -> shortProof.verify(t.root(3), t.root(7))).reason());
    ConsistencyProof.of("o", 3, 7, good).verify(t.root(3), t.root(7));
  }
}
