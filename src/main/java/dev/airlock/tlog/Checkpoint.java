package dev.airlock.tlog;

import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.merkle.Merkle;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The body of a C2SP tlog-checkpoint (github.com/C2SP/C2SP tlog-checkpoint.md, pinned 2024-10):
 * origin line, decimal tree size, base64 root hash, then optional non-empty extension lines.
 *
 * @param origin the log's origin (e.g. {@code rekor.sigstore.dev - 2605736670972794746})
 * @param size the tree size
 * @param rootHash the 32-byte RFC 6962 root hash
 * @param extensions the lines after the root hash (Rekor v1 writes {@code Timestamp: ...})
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {
  public Checkpoint {
    Objects.requireNonNull(origin, "origin");
    if (origin.isEmpty() || size < 0 || rootHash.length != Merkle.HASH_BYTES) {
      throw new IllegalArgumentException("invalid checkpoint values");
    }
    rootHash = rootHash.clone();
    extensions = List.copyOf(extensions);
  }

  /**
   * Parses a checkpoint body (the note text, ending in a newline).
   *
   * @throws ProofException {@link Reason#CHECKPOINT_MALFORMED}
   */
  public static Checkpoint parse(String body) throws ProofException {
    if (!body.endsWith("\n")) {
      throw malformed("checkpoint body does not end with a newline");
    }
    String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
    if (lines.length < 3) {
      throw malformed("checkpoint body has " + lines.length + " lines; needs origin, tree size and root hash");
    }
    String origin = lines[0];
    if (origin.isEmpty()) {
      throw malformed("line 1: the origin is empty");
    }
    String sizeText = lines[1];
    // tlog-checkpoint.md: "ASCII decimal ... without leading zeroes"
    if (!sizeText.matches("0|[1-9][0-9]{0,18}")) {
      throw malformed("line 2: tree size is not a decimal number without leading zeros: " + shorten(sizeText));
    }
    long size;
    try {
      size = Long.parseLong(sizeText);
    } catch (NumberFormatException e) {
      throw malformed("line 2: tree size out of range: " + sizeText);
    }
    byte[] root;
    try {
      root = Base64.getDecoder().decode(lines[2]);
    } catch (IllegalArgumentException e) {
      throw malformed("line 3: root hash is not valid base64: " + shorten(lines[2]));
    }
    if (root.length != Merkle.HASH_BYTES || !Base64.getEncoder().encodeToString(root).equals(lines[2])) {
      throw malformed("line 3: root hash must be the canonical base64 of 32 bytes, got " + shorten(lines[2]));
    }
    List<String> ext = Arrays.asList(lines).subList(3, lines.length);
    for (int i = 0; i < ext.size(); i++) {
      if (ext.get(i).isEmpty()) {
        throw malformed("line " + (4 + i) + ": empty extension line");
      }
    }
    return new Checkpoint(origin, size, root, ext);
  }

  private static ProofException malformed(String message) {
    return new ProofException(Reason.CHECKPOINT_MALFORMED, message);
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /** The checkpoint body text (what the log signs). */
  public String toBody() {
    StringBuilder b = new StringBuilder();
    b.append(origin).append('\n').append(size).append('\n')
        .append(Base64.getEncoder().encodeToString(rootHash)).append('\n');
    for (String e : extensions) {
      b.append(e).append('\n');
    }
    return b.toString();
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  public String rootHex() {
    return Hashing.hex(rootHash);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c && c.origin.equals(origin) && c.size == size
        && Arrays.equals(c.rootHash, rootHash) && c.extensions.equals(extensions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, size, Arrays.hashCode(rootHash), extensions);
  }

  @Override
  public String toString() {
    return "Checkpoint[" + origin + ", " + size + ", " + rootHex() + "]";
  }
}
