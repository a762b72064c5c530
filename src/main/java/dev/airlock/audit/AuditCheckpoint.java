package dev.airlock.audit;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.crypto.Keys;
import dev.airlock.crypto.SignatureAlgorithm;
import dev.airlock.crypto.Signatures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A signed checkpoint of the audit log: a C2SP signed note (signed-note.md) whose text is a C2SP
 * tlog-checkpoint (origin, tree size, base64 root hash):
 *
 * <pre>
 * airlock audit &lt;appliance id&gt;
 * &lt;tree size&gt;
 * &lt;base64 root&gt;
 *
 * — airlock-audit-&lt;appliance id&gt; &lt;base64(key ID ‖ Ed25519 signature)&gt;
 * </pre>
 *
 * The key name is the origin with spaces replaced by '-' (signed-note key names may not contain
 * spaces); key ID = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ raw public key)[:4] (signed-note, type 0x01).
 *
 * @param origin line 1
 * @param size tree size (number of events)
 * @param root RFC 9162 root hash
 * @param note the whole note text as signed and stored
 */
public record AuditCheckpoint(String origin, long size, byte[] root, String note) {
  private static final Pattern ORIGIN = Pattern.compile("airlock audit [0-9a-f]{32}");
  private static final Pattern SIZE = Pattern.compile("0|[1-9][0-9]{0,17}");
  /** The home-level file holding the latest signed checkpoint. */
  public static final String FILE = "audit.checkpoint";

  public AuditCheckpoint {
    root = root.clone();
  }

  @Override
  public byte[] root() {
    return root.clone();
  }

  public static String origin(String applianceId) {
    return "airlock audit " + applianceId;
  }

  public static String keyName(String origin) {
    return origin.replace(' ', '-');
  }

  public static byte[] keyId(String keyName, PublicKey key) {
    MessageDigest md = Hashing.sha256();
    md.update(keyName.getBytes(StandardCharsets.UTF_8));
    md.update((byte) 0x0A);
    md.update((byte) 0x01);
    md.update(Keys.rawEd25519(key));
    return Arrays.copyOf(md.digest(), 4);
  }

  /** Signs a checkpoint of ({@code size}, {@code root}). */
  public static AuditCheckpoint sign(String applianceId, long size, byte[] root, PrivateKey priv, PublicKey pub) {
    String origin = origin(applianceId);
    String text = origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
    byte[] sig = Signatures.sign(priv, SignatureAlgorithm.ED25519, text.getBytes(StandardCharsets.UTF_8));
    String name = keyName(origin);
    byte[] id = keyId(name, pub);
    byte[] blob = new byte[4 + sig.length];
    System.arraycopy(id, 0, blob, 0, 4);
    System.arraycopy(sig, 0, blob, 4, sig.length);
    String note = text + "\n\u2014 " + name + " " + Base64.getEncoder().encodeToString(blob) + "\n";
    return new AuditCheckpoint(origin, size, root, note);
  }

  /**
   * Parses and verifies a note under {@code pub}. Other signature lines (witnesses) are ignored;
   * the line of our key name and key ID must verify.
   *
   * @throws AirlockException DENIED {@link Reason#AUDIT_CHECKPOINT_INVALID}
   */
  public static AuditCheckpoint verify(String note, PublicKey pub, String what) {
    int split = note.lastIndexOf("\n\n");
    if (split < 0 || !note.endsWith("\n")) {
      throw invalid(what, "not a signed note (no blank line before the signatures)");
    }
    String text = note.substring(0, split + 1);
    String[] lines = text.split("\n", -1);
    if (lines.length < 4 || !ORIGIN.matcher(lines[0]).matches() || !SIZE.matcher(lines[1]).matches()) {
      throw invalid(what, "checkpoint text must be 'airlock audit <id>', a tree size and a root hash");
    }
    byte[] root;
    try {
      root = Base64.getDecoder().decode(lines[2]);
    } catch (IllegalArgumentException e) {
      throw invalid(what, "root hash is not base64");
    }
    if (root.length != 32) {
      throw invalid(what, "root hash must be 32 bytes");
    }
    String name = keyName(lines[0]);
    byte[] id = keyId(name, pub);
    boolean found = false;
    for (String line : note.substring(split + 2).split("\n")) {
      if (!line.startsWith("\u2014 " + name + " ")) {
        continue;
      }
      byte[] blob;
      try {
        blob = Base64.getDecoder().decode(line.substring(name.length() + 3));
      } catch (IllegalArgumentException e) {
        throw invalid(what, "signature is not base64");
      }
      if (blob.length < 5 || !MessageDigest.isEqual(Arrays.copyOf(blob, 4), id)) {
        continue;
      }
      try {
        Signatures.verify(pub, SignatureAlgorithm.ED25519, text.getBytes(StandardCharsets.UTF_8),
            Arrays.copyOfRange(blob, 4, blob.length));
      } catch (InvalidSignatureException e) {
        throw invalid(what, "signature does not verify under the given audit key (" + e.getMessage() + ")");
      }
      found = true;
    }
    if (!found) {
      throw invalid(what, "no signature by the given audit key (key name " + name + ", key ID "
          + Hashing.hex(id) + ")");
    }
    return new AuditCheckpoint(lines[0], Long.parseLong(lines[1]), root, note);
  }

  private static AirlockException invalid(String what, String problem) {
    return AirlockException.denied(Reason.AUDIT_CHECKPOINT_INVALID, what + ": " + problem);
  }

  public static Path file(Home home) {
    return home.root().resolve(FILE);
  }

  /** Signs a checkpoint of the current head of the log. */
  public static AuditCheckpoint ofHead(Home home, AuditStore store) {
    AuditLog.Head head = store.head(false);
    PublicKey pub = AuditKeys.loadPublic(AuditKeys.publicKeyFile(home));
    return sign(store.applianceId(), head.seq(), head.root(), AuditKeys.loadPrivate(home), pub);
  }

  /** Side file: the Merkle compact range at the checkpoint's size (authenticated by its root). */
  public static Path frontierFile(Home home) {
    return home.root().resolve(FILE + ".frontier");
  }

  /**
   * After-commit hook: if the log grew past the checkpoint file, sign the new head and replace the
   * file. It re-signs only a log that extends the signed one: the stored compact range (whose root
   * must be the signed root) plus the events appended since must give the head's root. So a log
   * that was truncated and re-grown, or rewritten, keeps its old checkpoint, and {@code audit
   * verify} reports it. A missing checkpoint file is not recreated. Runs while this process holds
   * the database, so writers do not interleave.
   */
  public static void refresh(Home home, AuditStore store) throws IOException {
    AuditLog.Head head = store.head(false);
    AuditCheckpoint current;
    AuditTree.Frontier frontier;
    try {
      String[] lines = new String(AuditKeys.readBounded(file(home), 8192), StandardCharsets.UTF_8).split("\n");
      if (lines.length < 2 || !SIZE.matcher(lines[1]).matches() || head.seq() <= Long.parseLong(lines[1])) {
        return; // nothing new since the signed checkpoint (the common case: no signature work)
      }
      PublicKey pub = AuditVerifier.applianceKey(store);
      current = verify(new String(AuditKeys.readBounded(file(home), 8192), StandardCharsets.UTF_8), pub, "checkpoint");
      frontier = AuditTree.Frontier.parse(current.size(),
          new String(AuditKeys.readBounded(frontierFile(home), 8192), StandardCharsets.UTF_8).strip());
    } catch (NoSuchFileException | AirlockException | IllegalArgumentException e) {
      return;
    }
    if (head.seq() <= current.size() || !MessageDigest.isEqual(frontier.root(), current.root())) {
      return;
    }
    for (AuditLog.StoredEvent e : store.events(current.size(), head.seq(), Integer.MAX_VALUE)) {
      if (e.seq() != frontier.size() + 1 || e.formatProblem() != null) {
        return;
      }
      frontier.append(e.leafHash());
    }
    if (frontier.size() != head.seq() || !MessageDigest.isEqual(frontier.root(), head.root())) {
      return;
    }
    write(home, sign(store.applianceId(), head.seq(), frontier.root(), AuditKeys.loadPrivate(home),
        AuditVerifier.applianceKey(store)), frontier);
  }

  /** Writes the first checkpoint of a new home (and its compact range). */
  public static void writeInitial(Home home, AuditStore store) throws IOException {
    AuditLog.Head head = store.head(false);
    write(home, ofHead(home, store), head.frontier());
  }

  /** Writes {@code cp} and its compact range as the home's latest checkpoint (temp files + atomic renames). */
  public static void write(Home home, AuditCheckpoint cp, AuditTree.Frontier frontier) throws IOException {
    if (frontier.size() != cp.size() || !MessageDigest.isEqual(frontier.root(), cp.root())) {
      throw new IllegalArgumentException("compact range does not match the checkpoint");
    }
    Path ff = frontierFile(home);
    Path tmpF = ff.resolveSibling(ff.getFileName() + ".tmp");
    Files.writeString(tmpF, frontier.toHex() + "\n", StandardCharsets.UTF_8);
    Files.move(tmpF, ff, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    write(home, cp);
  }

  /** Writes {@code cp} as the home's latest checkpoint note (temp file + atomic rename). */
  static void write(Home home, AuditCheckpoint cp) throws IOException {
    Path f = file(home);
    Path tmp = f.resolveSibling(FILE + ".tmp");
    Files.writeString(tmp, cp.note(), StandardCharsets.UTF_8);
    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
