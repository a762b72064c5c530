package dev.airlock.tlog;

import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;

/** A small in-test transparency log: a real Merkle tree, signed checkpoints, proof files. */
final class LabLog {
  final String keyName;
  final String origin;
  final KeyPair keys;
  final LogKey logKey;
  final MerkleTree tree = new MerkleTree();

  LabLog(String keyName, String origin, KeyPair keys) {
    this.keyName = keyName;
    this.origin = origin;
    this.keys = keys;
    this.logKey = new LogKey(keyName, keys.getPublic());
  }

  static LabLog ed25519(String name) {
    return new LabLog(name, name, Keys.generateEd25519());
  }

  static LabLog ecdsa(String name, long treeId) {
    return new LabLog(name, name + " - " + treeId, Keys.generateEc("secp256r1"));
  }

  LabLog grow(int n) {
    for (int i = 0; i < n; i++) {
      tree.append(("entry " + tree.size()).getBytes(StandardCharsets.UTF_8));
    }
    return this;
  }

  Checkpoint checkpoint(long size) {
    return new Checkpoint(origin, size, tree.root(size), List.of("Timestamp: " + size));
  }

  /** The signed note of the checkpoint at {@code size}, plus extra signature lines. */
  byte[] note(long size, String... extraLines) {
    String body = checkpoint(size).toBody();
    List<String> lines = new ArrayList<>();
    lines.add(NoteSigner.signatureLine(keyName, logKey, keys.getPrivate(), body));
    lines.addAll(List.of(extraLines));
    return NoteSigner.note(body, lines.toArray(String[]::new));
  }

  /** A note over an arbitrary body signed by this log's key. */
  byte[] signBody(String body) {
    return NoteSigner.note(body, NoteSigner.signatureLine(keyName, logKey, keys.getPrivate(), body));
  }

  CheckpointStore.InputFile noteFile(long size) {
    return new CheckpointStore.InputFile(origin.replace(' ', '_') + "-" + size + ".checkpoint", note(size));
  }

  CheckpointStore.InputFile proofFile(long oldSize, long newSize) {
    return new CheckpointStore.InputFile(oldSize + "-" + newSize + ".proof.json",
        proofJson(origin, oldSize, newSize, tree.consistencyProof(oldSize, newSize)).getBytes(StandardCharsets.UTF_8));
  }

  static String proofJson(String origin, long oldSize, long newSize, List<byte[]> hashes) {
    StringBuilder b = new StringBuilder("{\"origin\":\"").append(origin).append("\",\"oldSize\":").append(oldSize)
        .append(",\"newSize\":").append(newSize).append(",\"hashes\":[");
    for (int i = 0; i < hashes.size(); i++) {
      b.append(i == 0 ? "" : ",").append('"').append(Hashing.hex(hashes.get(i))).append('"');
    }
    return b.append("]}").toString();
  }
}
