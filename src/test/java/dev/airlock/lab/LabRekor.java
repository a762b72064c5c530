package dev.airlock.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * A private Rekor-like transparency log with a real Merkle tree, in one of two flavours
 * (../shared/FORMATS.md section 5, table "Rekor v1 vs v2"):
 *
 * <ul>
 *   <li>{@link Version#V1}: ECDSA P-256 key, log ID = SHA-256(SPKI), checkpoint origin
 *       {@code "<host> - <treeID>"} signed by key name {@code <host>} (name != origin) with key hint
 *       SHA-256(SPKI)[:4]; every entry gets a SET over the JCS canonical JSON of
 *       {body, integratedTime, logID (hex), logIndex}; the top-level log index is a virtual global
 *       index ({@link #globalIndexOffset()} + tree index).
 *   <li>{@link Version#V2}: Ed25519 key, origin = key name = host, C2SP key ID
 *       SHA-256(host || 0x0A || 0x01 || raw key); no SET, integratedTime 0, one index.
 * </ul>
 *
 * <p>The tree is pre-filled with {@code prefill} random leaves so proofs have depth. Entries are
 * appended with {@link #append}; proofs and checkpoints are made against the current size with
 * {@link #prove}. Bodies are built by {@link RekorBodies}.
 */
public final class LabRekor {
  /** Rekor v1 (Trillian) or v2 (rekor-tiles). */
  public enum Version { V1, V2 }

  /** One logged entry. {@code set} is null for v2. */
  public record Entry(LabRekor log, long logIndex, long treeIndex, long integratedTime, byte[] body,
      String kind, String kindVersion, byte[] set) {
    public byte[] body() {
      return body.clone();
    }

    public byte[] set() {
      return set == null ? null : set.clone();
    }
  }

  /** An inclusion proof with the signed checkpoint it was made against. */
  public record Proof(long treeIndex, long treeSize, byte[] rootHash, List<byte[]> hashes, String checkpoint) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Version version;
  private final String host;
  private final long treeId;
  private final long globalOffset;
  private final KeyPair key;
  private final LabMerkleTree tree = new LabMerkleTree();
  private final List<Entry> entries = new ArrayList<>();
  private List<String> checkpointExtensions = List.of();

  /**
   * @param host the log's host name: checkpoint key name (v1, v2) and origin (v2); baseUrl is
   *     {@code https://<host>}
   * @param prefill how many random leaves to append first (e.g. 1000)
   */
  public LabRekor(Version version, String host, long seed, int prefill) {
    this.version = version;
    this.host = host;
    this.key = LabCrypto.generate(version == Version.V1 ? LabCrypto.KeyKind.ECDSA_P256 : LabCrypto.KeyKind.ED25519,
        seed, "rekor/" + host);
    SecureRandom r = LabCrypto.seeded(seed, "rekor-fill/" + host);
    this.treeId = version == Version.V1 ? 1_000_000_000_000_000L + Math.floorMod(r.nextLong(), 1_000_000_000_000_000L) : 0;
    this.globalOffset = version == Version.V1 ? 7_000_000L : 0;
    for (int i = 0; i < prefill; i++) {
      byte[] b = new byte[48];
      r.nextBytes(b);
      tree.append(b);
    }
  }

  public Version version() {
    return version;
  }

  public String host() {
    return host;
  }

  public String baseUrl() {
    return "https://" + host;
  }

  /** The checkpoint origin line: {@code "<host> - <treeID>"} (v1) or {@code host} (v2). */
  public String origin() {
    return version == Version.V1 ? host + " - " + treeId : host;
  }

  public KeyPair keyPair() {
    return key;
  }

  /** Offset between the v1 global (virtual) index and the tree (shard) index; 0 for v2. */
  public long globalIndexOffset() {
    return globalOffset;
  }

  /** The bundle / trusted-root log ID: SHA-256(SPKI) for v1, the C2SP key ID for v2 (32 bytes). */
  public byte[] logId() {
    return version == Version.V1 ? LabCrypto.sha256(key.getPublic().getEncoded()) : c2spKeyId();
  }

  /** The 4-byte key hint on checkpoint signature lines. */
  public byte[] keyHint() {
    return Arrays.copyOf(logId(), 4);
  }

  private byte[] c2spKeyId() {
    byte[] raw = rawEd25519();
    return LabCrypto.sha256(LabCrypto.utf8(host), new byte[] {0x0A, 0x01}, raw);
  }

  /** Raw 32-byte Ed25519 public key (v2). */
  public byte[] rawEd25519() {
    byte[] spki = key.getPublic().getEncoded();
    return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
  }

  /** C2SP vkey text {@code <name>+<hex keyID>+<base64(0x01 || key)>} (v2 only). */
  public String vkey() {
    byte[] raw = rawEd25519();
    byte[] typed = new byte[33];
    typed[0] = 1;
    System.arraycopy(raw, 0, typed, 1, 32);
    return host + "+" + LabCrypto.hex(keyHint()) + "+" + LabCrypto.b64(typed);
  }

  public LabMerkleTree tree() {
    return tree;
  }

  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  /**
   * Logs a canonicalized body. {@code integratedTime} is recorded for v1 (and covered by the SET);
   * v2 always records 0.
   */
  public Entry append(byte[] body, String kind, String kindVersion, Instant integratedTime) {
    long treeIndex = tree.append(body);
    long logIndex = treeIndex + globalOffset;
    long t = version == Version.V1 ? integratedTime.getEpochSecond() : 0;
    byte[] set = version == Version.V1 ? signSet(body, t, logIndex) : null;
    Entry e = new Entry(this, logIndex, treeIndex, t, body.clone(), kind, kindVersion, set);
    entries.add(e);
    return e;
  }

  /** The JCS-canonical SET payload: {body (b64), integratedTime, logID (hex), logIndex}. */
  public byte[] setPayload(byte[] body, long integratedTime, long logIndex) {
    ObjectNode n = JSON.createObjectNode();
    n.put("body", LabCrypto.b64(body));
    n.put("integratedTime", integratedTime);
    n.put("logID", LabCrypto.hex(logId()));
    n.put("logIndex", logIndex);
    try {
      return new JsonCanonicalizer(JSON.writeValueAsString(n)).getEncodedUTF8();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private byte[] signSet(byte[] body, long t, long logIndex) {
    return LabCrypto.sign(LabCrypto.KeyKind.ECDSA_P256, key.getPrivate(), setPayload(body, t, logIndex));
  }

  /** Inclusion proof of {@code e} against the log's current size, with a fresh checkpoint. */
  public Proof prove(Entry e) {
    return prove(e, tree.size());
  }

  /** Inclusion proof of {@code e} against tree size {@code size} (> e.treeIndex). */
  public Proof prove(Entry e, long size) {
    return new Proof(e.treeIndex(), size, tree.root(size), tree.inclusionProof(e.treeIndex(), size),
        checkpoint(size));
  }

  /** Signed checkpoint (C2SP signed note) for the tree of the given size. */
  public String checkpoint(long size) {
    return checkpoint(size, checkpointExtensions);
  }

  /**
   * Extension lines every later checkpoint of this log carries after the root hash, e.g.
   * {@code "Timestamp: 1767225600000000000"} as Rekor v1 writes (verifiers must accept them).
   */
  public LabRekor checkpointExtensions(List<String> lines) {
    this.checkpointExtensions = List.copyOf(lines);
    return this;
  }

  /**
   * Signed checkpoint with optional extra note lines (extension lines after the root hash, e.g.
   * {@code "Timestamp: 1697034484441201852"} as Rekor v1 writes).
   */
  public String checkpoint(long size, List<String> extensions) {
    StringBuilder text = new StringBuilder()
        .append(origin()).append('\n')
        .append(size).append('\n')
        .append(LabCrypto.b64(tree.root(size))).append('\n');
    for (String x : extensions) {
      text.append(x).append('\n');
    }
    return text + "\n" + signatureLine(text.toString());
  }

  /** The {@code "— <name> <b64(hint || sig)>\n"} line signing {@code noteText}. */
  public String signatureLine(String noteText) {
    byte[] sig = version == Version.V1
        ? LabCrypto.sign(LabCrypto.KeyKind.ECDSA_P256, key.getPrivate(), LabCrypto.utf8(noteText))
        : LabCrypto.sign(LabCrypto.KeyKind.ED25519, key.getPrivate(), LabCrypto.utf8(noteText));
    byte[] both = Arrays.copyOf(keyHint(), 4 + sig.length);
    System.arraycopy(sig, 0, both, 4, sig.length);
    return "\u2014 " + host + " " + LabCrypto.b64(both) + "\n";
  }

  /** Consistency proof between two sizes of this log (RFC 9162 2.1.4). */
  public List<byte[]> consistencyProof(long from, long to) {
    return tree.consistencyProof(from, to);
  }

  /** The trusted-root key details of the log key. */
  public String keyDetails() {
    return version == Version.V1 ? "PKIX_ECDSA_P256_SHA_256" : "PKIX_ED25519";
  }
}
