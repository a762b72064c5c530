package dev.airlock.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * An append-only RFC 6962 / RFC 9162 Merkle tree (SHA-256) that produces inclusion proofs (PATH,
 * RFC 9162 section 2.1.3.1) and consistency proofs (PROOF/SUBPROOF, section 2.1.4.1). Its own
 * hashing, independent of {@code dev.airlock.tlog.Merkle}, which the self-tests check it against.
 * Not thread-safe.
 */
public final class LabMerkleTree {
  private final List<byte[]> leaves = new ArrayList<>();

  /** Leaf hash: SHA-256(0x00 || entry). */
  public static byte[] leafHash(byte[] entry) {
    return LabCrypto.sha256(new byte[] {0}, entry);
  }

  static byte[] node(byte[] l, byte[] r) {
    return LabCrypto.sha256(new byte[] {1}, l, r);
  }

  /** Appends an entry (the raw leaf bytes, e.g. a Rekor canonicalized body); returns its index. */
  public long append(byte[] entry) {
    leaves.add(leafHash(entry));
    return leaves.size() - 1;
  }

  public long size() {
    return leaves.size();
  }

  /** MTH of the first {@code n} leaves. */
  public byte[] root(long n) {
    check(n <= leaves.size(), "tree size " + n + " > " + leaves.size());
    return n == 0 ? LabCrypto.sha256() : mth(0, (int) n);
  }

  /** Inclusion proof of leaf {@code index} in the tree of size {@code n}, leaf to root. */
  public List<byte[]> inclusionProof(long index, long n) {
    check(index < n && n <= leaves.size(), "bad index/size " + index + "/" + n);
    List<byte[]> out = new ArrayList<>();
    path((int) index, 0, (int) n, out);
    return out;
  }

  /** Consistency proof from size {@code m} to size {@code n} (0 < m <= n). */
  public List<byte[]> consistencyProof(long m, long n) {
    check(0 < m && m <= n && n <= leaves.size(), "bad sizes " + m + "/" + n);
    List<byte[]> out = new ArrayList<>();
    if (m < n) {
      subproof((int) m, 0, (int) n, true, out);
    }
    return out;
  }

  private byte[] mth(int from, int to) {
    int n = to - from;
    if (n == 1) {
      return leaves.get(from);
    }
    int k = Integer.highestOneBit(n - 1);
    return node(mth(from, from + k), mth(from + k, to));
  }

  // RFC 9162 2.1.3.1: PATH(m, D[n]); leaf-to-root order means children first.
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

  // RFC 9162 2.1.4.1: SUBPROOF(m, D[n], b).
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

  private static void check(boolean ok, String msg) {
    if (!ok) {
      throw new IllegalArgumentException(msg);
    }
  }
}
