package dev.airlock.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.airlock.crypto.Hashing;
import dev.airlock.merkle.Merkle;
import dev.airlock.merkle.MerkleProofException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proof generation in AuditTree, checked by merkle.Merkle's RFC 9162 verifiers. */
class AuditTreeTest {
  static byte[] leaves(int n) {
    byte[] flat = new byte[n * 32];
    for (int i = 0; i < n; i++) {
      System.arraycopy(AuditTree.leafHash(("e" + i).getBytes(StandardCharsets.UTF_8)), 0, flat, i * 32, 32);
    }
    return flat;
  }

  static List<byte[]> list(byte[] flat, int n) {
    List<byte[]> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] h = new byte[32];
      System.arraycopy(flat, i * 32, h, 0, 32);
      l.add(h);
    }
    return l;
  }

  @Test
  void knownVectorFromFormatsMd() {
    byte[] flat = new byte[96];
    int i = 0;
    for (String s : List.of("a", "b", "c")) {
      System.arraycopy(AuditTree.leafHash(s.getBytes(StandardCharsets.UTF_8)), 0, flat, 32 * i++, 32);
    }
    assertEquals("36642e73c2540ab121e3a6bf9545b0a24982cd830eb13d3cd19de3ce6c021ec1", Hashing.hex(AuditTree.of(flat).root()));
  }

  @Test
  void rootsFrontierAndProofsAgreeWithMerkle() throws MerkleProofException {
    int max = 40;
    byte[] flat = leaves(max);
    AuditTree t = AuditTree.of(flat);
    AuditTree.Frontier f = AuditTree.Frontier.empty();
    for (int n = 1; n <= max; n++) {
      f.append(t.leaf(n - 1));
      byte[] root = Merkle.root(list(flat, n));
      assertArrayEquals(root, t.root(n), "root " + n);
      assertArrayEquals(root, f.root(), "frontier " + n);
      assertArrayEquals(root, AuditTree.Frontier.parse(n, f.toHex()).root());
      for (int m = 0; m < n; m++) {
        List<byte[]> p = t.inclusionProof(m, n);
        Merkle.verifyInclusion(m, n, t.leaf(m), p, root);
        assertArrayEquals(root, Merkle.rootFromInclusion(m, n, t.leaf(m), p));
      }
      for (int m = 1; m <= n; m++) {
        List<byte[]> p = t.consistencyProof(m, n);
        Merkle.verifyConsistency(m, n, t.root(m), root, p);
      }
    }
  }

  @Test
  void tamperedProofsAreRejected() throws MerkleProofException {
    AuditTree t = AuditTree.of(leaves(13));
    List<byte[]> p = new ArrayList<>(t.inclusionProof(5, 13));
    byte[] bad = p.get(1).clone();
    bad[0] ^= 1;
    p.set(1, bad);
    byte[] r = Merkle.rootFromInclusion(5, 13, t.leaf(5), p);
    assertEquals(false, java.util.Arrays.equals(r, t.root()));
    List<byte[]> shorter = t.inclusionProof(5, 13).subList(0, 2);
    assertThrows(MerkleProofException.class, () -> Merkle.rootFromInclusion(5, 13, t.leaf(5), shorter));
    List<byte[]> c = new ArrayList<>(t.consistencyProof(6, 13));
    c.set(0, bad);
    assertThrows(MerkleProofException.class, () -> Merkle.verifyConsistency(6, 13, t.root(6), t.root(), c));
    assertThrows(MerkleProofException.class,
        () -> Merkle.verifyConsistency(6, 13, t.root(7), t.root(), t.consistencyProof(6, 13)));
  }
}
