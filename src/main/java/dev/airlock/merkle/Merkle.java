package dev.airlock.merkle;

import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import java.security.MessageDigest;
import java.util.List;

/**
 * RFC 9162 section 2.1 Merkle tree hashing (SHA-256) and proof verification: inclusion proofs
 * (2.1.3.2) and consistency proofs (2.1.4.2). Leaves are {@code SHA-256(0x00 || entry)}, interior
 * nodes {@code SHA-256(0x01 || left || right)}.
 *
 * <p>Every method returns normally or throws {@link MerkleProofException}; there is no boolean verify
 * (STYLE.md rule 4). This is airlock's one Merkle implementation (STYLE.md "leaves"): {@code tlog}
 * checks Rekor proofs and checkpoint consistency with it, {@code audit} its own log's proofs,
 * {@code verify} bundle inclusion proofs. The verifiers follow the shape of RFC 9162 2.1.3.2 and
 * 2.1.4.2 as transparency-dev/merkle proof/verify.go splits them (inner part, then border).
 */
public final class Merkle {
  public static final int HASH_BYTES = 32;

  private Merkle() {}

  /** One reusable SHA-256 per thread: an audit verify hashes millions of nodes, getInstance each costs. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Hashing::sha256);

  private static MessageDigest sha256() {
    MessageDigest md = SHA256.get();
    md.reset();
    return md;
  }

  /** RFC 9162 2.1.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). */
  public static byte[] leafHash(byte[] entry) {
    MessageDigest md = sha256();
    md.update((byte) 0x00);
    md.update(entry);
    return md.digest();
  }

  /** RFC 9162 2.1.1: SHA-256(0x01 || MTH(left) || MTH(right)). */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest md = sha256();
    md.update((byte) 0x01);
    md.update(left);
    md.update(right);
    return md.digest();
  }

  /** MTH of the empty tree. */
  public static byte[] emptyRoot() {
    return Hashing.sha256(new byte[0]);
  }

  /**
   * Verifies that {@code leafHash} is leaf {@code index} of the tree of {@code size} leaves with
   * root {@code root} (RFC 9162 2.1.3.2).
   *
   * @throws MerkleProofException {@link Reason#INCLUSION_PROOF_INVALID} for a malformed proof (index out
   *     of range, wrong number of hashes, wrong hash length), {@link Reason#INCLUSION_ROOT_MISMATCH}
   *     when the proof leads to another root
   */
  public static void verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root)
      throws MerkleProofException {
    byte[] computed = rootFromInclusion(index, size, leafHash, proof);
    checkHash(root, "root");
    if (!MessageDigest.isEqual(computed, root)) {
      throw new MerkleProofException(Reason.INCLUSION_ROOT_MISMATCH,
          "inclusion proof leads to root " + Hashing.hex(computed) + ", expected " + Hashing.hex(root));
    }
  }

  /** The root an inclusion proof leads to; checks the proof's shape. */
  public static byte[] rootFromInclusion(long index, long size, byte[] leafHash, List<byte[]> proof)
      throws MerkleProofException {
    if (index < 0 || size <= 0 || index >= size) {
      throw new MerkleProofException(Reason.INCLUSION_PROOF_INVALID,
          "leaf index " + index + " is outside a tree of size " + size);
    }
    checkHash(leafHash, "leaf hash");
    int inner = innerProofSize(index, size);
    int border = Long.bitCount(index >>> inner);
    if (proof.size() != inner + border) {
      throw new MerkleProofException(Reason.INCLUSION_PROOF_INVALID,
          "inclusion proof has " + proof.size() + " hashes, expected " + (inner + border));
    }
    for (byte[] h : proof) {
      checkHash(h, "proof hash");
    }
    byte[] r = leafHash;
    for (int i = 0; i < inner; i++) {
      byte[] p = proof.get(i);
      r = ((index >>> i) & 1) == 0 ? nodeHash(r, p) : nodeHash(p, r);
    }
    for (int i = inner; i < proof.size(); i++) {
      r = nodeHash(proof.get(i), r);
    }
    return r;
  }

  /**
   * Verifies that the tree of {@code size2} leaves with root {@code root2} extends the tree of
   * {@code size1} leaves with root {@code root1} (RFC 9162 2.1.4.2). Requires 0 < size1 <= size2;
   * equal sizes need an empty proof and equal roots.
   *
   * @throws MerkleProofException {@link Reason#CONSISTENCY_PROOF_INVALID}
   */
  public static void verifyConsistency(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof)
      throws MerkleProofException {
    if (size1 <= 0 || size2 < size1) {
      throw new MerkleProofException(Reason.CONSISTENCY_PROOF_INVALID,
          "consistency needs 0 < size1 <= size2, got " + size1 + " and " + size2);
    }
    if (size1 == size2) {
      if (!proof.isEmpty()) {
        throw new MerkleProofException(Reason.CONSISTENCY_PROOF_INVALID,
            "trees of equal size need an empty consistency proof, got " + proof.size() + " hashes");
      }
      if (!MessageDigest.isEqual(root1, root2)) {
        throw new MerkleProofException(Reason.CONSISTENCY_PROOF_INVALID,
            "trees of equal size " + size1 + " have different roots");
      }
      return;
    }
    checkHash(root1, "root1", Reason.CONSISTENCY_PROOF_INVALID);
    checkHash(root2, "root2", Reason.CONSISTENCY_PROOF_INVALID);
    for (byte[] h : proof) {
      checkHash(h, "proof hash", Reason.CONSISTENCY_PROOF_INVALID);
    }
    // Shape per transparency-dev/merkle proof/verify.go: inner part below the split, then border.
    int inner = innerProofSize(size1 - 1, size2);
    int shift = Long.numberOfTrailingZeros(size1);
    inner -= shift;
    byte[] seed;
    int start;
    if (size1 == (1L << shift)) {
      seed = root1;
      start = 0;
    } else {
      if (proof.isEmpty()) {
        throw new MerkleProofException(Reason.CONSISTENCY_PROOF_INVALID, "empty consistency proof");
      }
      seed = proof.get(0);
      start = 1;
    }
    long mask = (size1 - 1) >>> shift;
    int border = Long.bitCount(mask >>> inner);
    if (proof.size() - start != inner + border) {
      throw new MerkleProofException(Reason.CONSISTENCY_PROOF_INVALID,
          "consistency proof has " + proof.size() + " hashes, expected " + (start + inner + border));
    }
    List<byte[]> rest = proof.subList(start, proof.size());
    // root1 from the proof
    byte[] h1 = seed;
    for (int i = 0; i < inner; i++) {
      if (((mask >>> i) & 1) == 1) {
        h1 = nodeHash(rest.get(i), h1);
      }
    }
    for (int i = inner; i < rest.size(); i++) {
      h1 = nodeHash(rest.get(i), h1);
    }
    if (!MessageDigest.isEqual(h1, root1)) {
      throw new MerkleProofException(Reason.CONSISTENCY_PROOF_INVALID,
          "consistency proof does not lead to the old root " + Hashing.hex(root1));
    }
    // root2 from the proof
    byte[] h2 = seed;
    for (int i = 0; i < inner; i++) {
      h2 = ((mask >>> i) & 1) == 0 ? nodeHash(h2, rest.get(i)) : nodeHash(rest.get(i), h2);
    }
    for (int i = inner; i < rest.size(); i++) {
      h2 = nodeHash(rest.get(i), h2);
    }
    if (!MessageDigest.isEqual(h2, root2)) {
      throw new MerkleProofException(Reason.CONSISTENCY_PROOF_INVALID,
          "consistency proof does not lead to the new root " + Hashing.hex(root2));
    }
  }

  /** Number of proof levels below the point where the paths to index and size-1 diverge. */
  private static int innerProofSize(long index, long size) {
    return 64 - Long.numberOfLeadingZeros(index ^ (size - 1));
  }

  private static void checkHash(byte[] h, String what) throws MerkleProofException {
    checkHash(h, what, Reason.INCLUSION_PROOF_INVALID);
  }

  private static void checkHash(byte[] h, String what, Reason reason) throws MerkleProofException {
    if (h == null || h.length != HASH_BYTES) {
      throw new MerkleProofException(reason,
          what + " must be " + HASH_BYTES + " bytes, got " + (h == null ? "none" : h.length));
    }
  }

  /** Root of a list of leaf hashes (for building test trees and the audit log). */
  public static byte[] root(List<byte[]> leafHashes) {
    if (leafHashes.isEmpty()) {
      return emptyRoot();
    }
    return subtree(leafHashes, 0, leafHashes.size());
  }

  private static byte[] subtree(List<byte[]> leaves, int from, int to) {
    int n = to - from;
    if (n == 1) {
      return leaves.get(from);
    }
    int k = Integer.highestOneBit(n - 1);
    return nodeHash(subtree(leaves, from, from + k), subtree(leaves, from + k, to));
  }
}
