package dev.airlock.audit;

import dev.airlock.crypto.Hashing;
import dev.airlock.merkle.Merkle;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The RFC 9162 section 2.1 Merkle tree over the audit events (leaf entry = the event's canonical
 * bytes, the same bytes the hash chain covers). Two tools:
 *
 * <ul>
 *   <li>{@link Frontier}: the compact range of a growing tree (one perfect-subtree hash per set bit
 *       of the size), so appending and computing the root cost O(log n);
 *   <li>{@link AuditTree} itself: all levels of a fixed tree held in flat arrays, to generate
 *       inclusion proofs (RFC 9162 2.1.3.1) and consistency proofs (2.1.4.1).
 * </ul>
 *
 * The hashing and the proof verifiers are the one RFC 9162 implementation, {@link Merkle}
 * (STYLE.md: {@code merkle} is a shared leaf); what stays here is the tree building, which
 * {@code merkle} does not need: the flat levels for proof generation and the frontier.
 */
public final class AuditTree {
  static final int H = 32;

  /** levels[k] holds the hashes of the aligned perfect subtrees of 2^k leaves, flat. */
  private final List<byte[]> levels = new ArrayList<>();
  private final long size;

  private AuditTree(byte[] leafHashes, long size) {
    this.size = size;
    levels.add(leafHashes);
    byte[] cur = leafHashes;
    long n = size;
    while (n > 1) {
      long pairs = n / 2;
      byte[] next = new byte[(int) (pairs * H)];
      MessageDigest md = Hashing.sha256();
      for (long i = 0; i < pairs; i++) {
        md.update((byte) 0x01);
        md.update(cur, (int) (2 * i * H), 2 * H);
        byte[] h = md.digest();
        System.arraycopy(h, 0, next, (int) (i * H), H);
      }
      levels.add(next);
      cur = next;
      n = pairs;
    }
  }

  /** A tree over {@code leafHashes} (flat, 32 bytes each). */
  public static AuditTree of(byte[] leafHashes) {
    if (leafHashes.length % H != 0) {
      throw new IllegalArgumentException("leaf hashes must be a multiple of 32 bytes");
    }
    return new AuditTree(leafHashes.clone(), leafHashes.length / H);
  }

  static AuditTree ofOwned(byte[] leafHashes) {
    return new AuditTree(leafHashes, leafHashes.length / H);
  }

  public long size() {
    return size;
  }

  public byte[] leaf(long index) {
    return hashAt(0, index);
  }

  /** MTH of the first {@code n} leaves. */
  public byte[] root(long n) {
    if (n < 0 || n > size) {
      throw new IllegalArgumentException("size " + n + " outside 0.." + size);
    }
    return n == 0 ? Merkle.emptyRoot() : mth(0, n);
  }

  public byte[] root() {
    return root(size);
  }

  /** RFC 9162 2.1.3.1 PATH(m, D[n]) for leaf {@code index} in the tree of the first {@code n} leaves. */
  public List<byte[]> inclusionProof(long index, long n) {
    if (index < 0 || index >= n || n > size) {
      throw new IllegalArgumentException("leaf " + index + " not in a tree of " + n);
    }
    List<byte[]> out = new ArrayList<>();
    path(index, 0, n, out);
    return out;
  }

  private void path(long m, long from, long to, List<byte[]> out) {
    long n = to - from;
    if (n <= 1) {
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m < k) {
      path(m, from, from + k, out);
      out.add(mth(from + k, to));
    } else {
      path(m - k, from + k, to, out);
      out.add(mth(from, from + k));
    }
  }

  /** RFC 9162 2.1.4.1 PROOF(m, D[n]): consistency of the first {@code m} leaves with the first {@code n}. */
  public List<byte[]> consistencyProof(long m, long n) {
    if (m <= 0 || m > n || n > size) {
      throw new IllegalArgumentException("consistency needs 0 < " + m + " <= " + n + " <= " + size);
    }
    List<byte[]> out = new ArrayList<>();
    if (m < n) {
      subproof(m, 0, n, true, out);
    }
    return out;
  }

  private void subproof(long m, long from, long to, boolean b, List<byte[]> out) {
    long n = to - from;
    if (m == n) {
      if (!b) {
        out.add(mth(from, to));
      }
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m <= k) {
      subproof(m, from, from + k, b, out);
      out.add(mth(from + k, to));
    } else {
      subproof(m - k, from + k, to, false, out);
      out.add(mth(from, from + k));
    }
  }

  private byte[] mth(long from, long to) {
    long n = to - from;
    if (Long.bitCount(n) == 1 && from % n == 0) {
      return hashAt(Long.numberOfTrailingZeros(n), from / n);
    }
    long k = Long.highestOneBit(n - 1);
    return node(mth(from, from + k), mth(from + k, to));
  }

  private byte[] hashAt(int level, long index) {
    byte[] l = levels.get(level);
    byte[] h = new byte[H];
    System.arraycopy(l, (int) (index * H), h, 0, H);
    return h;
  }

  /** One reusable SHA-256 per thread: millions of hashes in a verify, getInstance each time costs. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Hashing::sha256);

  static MessageDigest sha256() {
    MessageDigest md = SHA256.get();
    md.reset();
    return md;
  }

  static byte[] leafHash(byte[] entry) {
    return Merkle.leafHash(entry);
  }

  static byte[] node(byte[] left, byte[] right) {
    return Merkle.nodeHash(left, right);
  }

  /** The compact range [0, size): one hash per set bit of size, largest subtree first. */
  public static final class Frontier {
    private final List<byte[]> hashes;
    private long size;

    private Frontier(long size, List<byte[]> hashes) {
      this.size = size;
      this.hashes = hashes;
    }

    public static Frontier empty() {
      return new Frontier(0, new ArrayList<>());
    }

    /** Parses the stored form (hex hashes concatenated), checking it fits {@code size}. */
    public static Frontier parse(long size, String hex) {
      byte[] all = Hashing.unhex(hex);
      if (all.length % H != 0 || all.length / H != Long.bitCount(size)) {
        throw new IllegalArgumentException("frontier of " + (all.length / H) + " hashes does not fit size " + size);
      }
      List<byte[]> list = new ArrayList<>();
      for (int i = 0; i < all.length; i += H) {
        byte[] h = new byte[H];
        System.arraycopy(all, i, h, 0, H);
        list.add(h);
      }
      return new Frontier(size, list);
    }

    public long size() {
      return size;
    }

    /** Adds one leaf hash. */
    public void append(byte[] leafHash) {
      byte[] h = leafHash;
      for (long s = size; (s & 1) == 1; s >>>= 1) {
        h = node(hashes.remove(hashes.size() - 1), h);
      }
      hashes.add(h);
      size++;
    }

    public byte[] root() {
      if (hashes.isEmpty()) {
        return Merkle.emptyRoot();
      }
      byte[] r = hashes.get(hashes.size() - 1);
      for (int i = hashes.size() - 2; i >= 0; i--) {
        r = node(hashes.get(i), r);
      }
      return r;
    }

    public String toHex() {
      StringBuilder sb = new StringBuilder(hashes.size() * 64);
      for (byte[] h : hashes) {
        sb.append(Hashing.hex(h));
      }
      return sb.toString();
    }
  }
}
