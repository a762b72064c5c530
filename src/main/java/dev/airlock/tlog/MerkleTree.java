package dev.airlock.tlog;

import dev.airlock.merkle.Merkle;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory RFC 6962/9162 Merkle tree that generates inclusion and consistency proofs (RFC 9162
 * section 2.1.3.1 PATH and 2.1.4.1 SUBPROOF). Used by the test lab's log and by the audit log's
 * export; the proofs it makes are checked by {@link Merkle}. Append-only, not thread-safe.
 */
public final class MerkleTree {
  private final List<byte[]> leaves = new ArrayList<>();

  /** Appends an entry (hashed as a leaf) and returns its index. */
  public long append(byte[] entry) {
    return appendLeafHash(Merkle.leafHash(entry));
  }

  /** Appends an already hashed leaf and returns its index. */
  public long appendLeafHash(byte[] leafHash) {
    if (leafHash.length != Merkle.HASH_BYTES) {
      throw new IllegalArgumentException("leaf hash must be 32 bytes");
    }
    leaves.add(leafHash.clone());
    return leaves.size() - 1L;
  }

  public long size() {
    return leaves.size();
  }

  public byte[] leafHash(long index) {
    return leaves.get(Math.toIntExact(index)).clone();
  }

  /** MTH of the first {@code size} leaves. */
  public byte[] root(long size) {
    checkSize(size);
    return size == 0 ? Merkle.emptyRoot() : mth(0, (int) size);
  }

  public byte[] root() {
    return root(size());
  }

  /** RFC 9162 2.1.3.1: the inclusion proof of leaf {@code index} in the tree of {@code size}. */
  public List<byte[]> inclusionProof(long index, long size) {
    checkSize(size);
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("index " + index + " outside tree of size " + size);
    }
    List<byte[]> out = new ArrayList<>();
    path((int) index, 0, (int) size, out);
    return out;
  }

  /** RFC 9162 2.1.4.1: the consistency proof from the tree of {@code size1} to {@code size2}. */
  public List<byte[]> consistencyProof(long size1, long size2) {
    checkSize(size2);
    if (size1 <= 0 || size1 > size2) {
      throw new IllegalArgumentException("consistency needs 0 < size1 <= size2");
    }
    List<byte[]> out = new ArrayList<>();
    if (size1 < size2) {
      subproof((int) size1, 0, (int) size2, true, out);
    }
    return out;
  }

  private void checkSize(long size) {
    if (size < 0 || size > leaves.size()) {
      throw new IllegalArgumentException("size " + size + " outside 0.." + leaves.size());
    }
  }

  /** PATH(m, D[from:to]), appending bottom-up. */
  private void path(int m, int from, int to, List<byte[]> out) {
    int n = to - from;
    if (n == 1) {
      return;
    }
    int k = Integer.highestOneBit(n - 1);
    if (m < k) {
      path(m, from, from + k, out);
      out.add(mth(from + k, to));
    } else {
      path(m - k, from + k, to, out);
      out.add(mth(from, from + k));
    }
  }

  /** SUBPROOF(m, D[from:to], b). */
  private void subproof(int m, int from, int to, boolean b, List<byte[]> out) {
    int n = to - from;
    if (m == n) {
      if (!b) {
        out.add(mth(from, to));
      }
      return;
    }
    int k = Integer.highestOneBit(n - 1);
    if (m <= k) {
      subproof(m, from, from + k, b, out);
      out.add(mth(from + k, to));
    } else {
      subproof(m - k, from + k, to, false, out);
      out.add(mth(from, from + k));
    }
  }

  private byte[] mth(int from, int to) {
    return Merkle.root(leaves.subList(from, to));
  }
}
