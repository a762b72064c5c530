package dev.airlock.tlog;

import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A parsed C2SP signed note (github.com/C2SP/C2SP signed-note.md, pinned 2024-10): a text body,
 * one blank line, then signature lines {@code — <name> <base64(4-byte key hint || signature)>}.
 * Parsing checks the shape only; {@link CheckpointVerifier} checks the signatures.
 */
public final class SignedNote {
  /** "— " : U+2014 EM DASH then a space starts every signature line. */
  static final String SIGNATURE_PREFIX = "\u2014 ";

  private final byte[] bytes;
  private final String body;
  private final List<NoteSignature> signatures;

  private SignedNote(byte[] bytes, String body, List<NoteSignature> signatures) {
    this.bytes = bytes;
    this.body = body;
    this.signatures = List.copyOf(signatures);
  }

  /**
   * Parses a signed note.
   *
   * @throws ProofException {@link Reason#CHECKPOINT_MALFORMED} naming the problem and the line
   */
  public static SignedNote parse(byte[] note) throws ProofException {
    if (note.length > Limits.MAX_NOTE_BYTES) {
      throw malformed("note is " + note.length + " bytes, more than the limit of " + Limits.MAX_NOTE_BYTES);
    }
    String text;
    try {
      // signed-note.md: "The note text MUST be valid UTF-8"
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(note))
          .toString();
    } catch (CharacterCodingException e) {
      throw malformed("note is not valid UTF-8");
    }
    // signed-note.md: "... and MUST NOT contain any ASCII control characters other than newline"
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\n' && Character.getType(c) == Character.CONTROL) {
        throw malformed("control character U+" + String.format(java.util.Locale.ROOT, "%04X", (int) c) + " on line " + lineOf(text, i));
      }
    }
    if (!text.endsWith("\n")) {
      throw malformed("note does not end with a newline");
    }
    // signed-note.md: the signatures start after the LAST blank line ("\n\n")
    int split = text.lastIndexOf("\n\n");
    if (split < 0) {
      throw malformed("no blank line between the note text and its signatures");
    }
    String body = text.substring(0, split + 1);
    String block = text.substring(split + 2);
    if (block.isEmpty()) {
      throw malformed("no signature lines after the blank line");
    }
    String[] lines = block.substring(0, block.length() - 1).split("\n", -1);
    if (lines.length > Limits.MAX_NOTE_SIGNATURES) {
      throw malformed(lines.length + " signature lines, more than the limit of " + Limits.MAX_NOTE_SIGNATURES);
    }
    int firstSigLine = lineOf(text, split + 2);
    List<NoteSignature> sigs = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      sigs.add(parseLine(lines[i], firstSigLine + i));
    }
    return new SignedNote(note.clone(), body, sigs);
  }

  private static NoteSignature parseLine(String line, int lineNo) throws ProofException {
    if (!line.startsWith(SIGNATURE_PREFIX)) {
      throw malformed("line " + lineNo + " is not a signature line (must start with U+2014 and a space): "
          + shorten(line));
    }
    String rest = line.substring(SIGNATURE_PREFIX.length());
    int sp = rest.indexOf(' ');
    if (sp <= 0 || rest.indexOf(' ', sp + 1) >= 0) {
      throw malformed("line " + lineNo + " must be '— <name> <base64>': " + shorten(line));
    }
    String name = rest.substring(0, sp);
    String b64 = rest.substring(sp + 1);
    if (name.indexOf('+') >= 0) {
      throw malformed("line " + lineNo + ": key name contains '+': " + shorten(name));
    }
    // signed-note.md: a key name is "well-formed UTF-8 containing neither Unicode spaces nor plus"
    if (name.chars().anyMatch(c -> Character.isSpaceChar(c) || Character.isWhitespace(c))) {
      throw malformed("line " + lineNo + ": key name contains a Unicode space: " + shorten(name));
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw malformed("line " + lineNo + ": signature is not valid base64");
    }
    // Java's decoder tolerates missing padding; the format is canonical padded base64
    if (!Base64.getEncoder().encodeToString(raw).equals(b64)) {
      throw malformed("line " + lineNo + ": signature is not canonical padded base64");
    }
    if (raw.length < 5) {
      throw malformed("line " + lineNo + ": signature is " + raw.length
          + " bytes; needs a 4-byte key hint and a signature");
    }
    return new NoteSignature(name, Arrays.copyOf(raw, 4), Arrays.copyOfRange(raw, 4, raw.length));
  }

  private static int lineOf(String text, int index) {
    int n = 1;
    for (int i = 0; i < index && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  static ProofException malformed(String message) {
    return new ProofException(Reason.CHECKPOINT_MALFORMED, message);
  }

  /** The note text, up to and including its final newline before the blank line. */
  public String body() {
    return body;
  }

  /** The body as the UTF-8 bytes that signatures cover. */
  public byte[] bodyBytes() {
    return body.getBytes(StandardCharsets.UTF_8);
  }

  public List<NoteSignature> signatures() {
    return signatures;
  }

  /** The exact note bytes as parsed. */
  public byte[] bytes() {
    return bytes.clone();
  }
}
