package dev.airlock.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.merkle.Merkle;
import dev.airlock.merkle.MerkleProofException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proof generation against verification, for every size and pair of sizes 1..64. */
class MerkleTreeTest {
  private static final int N = 64;

  private static MerkleTree tree(int n) {
    MerkleTree t = new MerkleTree();
    for (int i = 0; i < n; i++) {
      t.append(("leaf " + i).getBytes(StandardCharsets.UTF_8));
    }
    return t;
  }

  @Test
  void knownAnswersFromFormatsMd() {
    MerkleTree t = new MerkleTree();
    for (String s : new String[] {"a", "b", "c"}) {
      t.append(s.getBytes(StandardCharsets.UTF_8));
    }
    assertEquals("022a6979e6dab7aa5ae4c3e5e45f7e977112a7e63593820dbec1ec738a24f93c", Hashing.hex(t.leafHash(0)));
    assertEquals("36642e73c2540ab121e3a6bf9545b0a24982cd830eb13d3cd19de3ce6c021ec1", Hashing.hex(t.root()));
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Hashing.hex(t.root(0)));
  }

  @Test
  void everyInclusionProofVerifiesAndEveryBitFlipIsRejected() throws MerkleProofException {
    MerkleTree t = tree(N);
    int checked = 0;
    for (int size = 1; size <= N; size++) {
      byte[] root = t.root(size);
      for (int i = 0; i < size; i++) {
        List<byte[]> proof = t.inclusionProof(i, size);
        Merkle.verifyInclusion(i, size, t.leafHash(i), proof, root);
        checked++;
        for (int j = 0; j < proof.size(); j++) {
          List<byte[]> bad = copy(proof);
          bad.get(j)[j % 32] ^= 1;
          long idx = i;
          long sz = size;
          MerkleProofException e = assertThrows(MerkleProofException.class,
              () -> Merkle.verifyInclusion(idx, sz, t.leafHash(idx), bad, root));
          assertEquals(Reason.INCLUSION_ROOT_MISMATCH, e.reason());
        }
        if (!proof.isEmpty()) {
          long idx = i;
          long sz = size;
          assertEquals(Reason.INCLUSION_PROOF_INVALID, assertThrows(MerkleProofException.class,
              () -> Merkle.verifyInclusion(idx, sz, t.leafHash(idx), proof.subList(0, proof.size() - 1), root))
              .reason());
        }
        List<byte[]> longer = copy(proof);
        longer.add(new byte[32]);
        long idx = i;
        long sz = size;
        assertEquals(Reason.INCLUSION_PROOF_INVALID, assertThrows(MerkleProofException.class,
            () -> Merkle.verifyInclusion(idx, sz, t.leafHash(idx), longer, root)).reason());
      }
    }
    assertEquals(N * (N + 1) / 2, checked);
  }

  @Test
  void everyConsistencyProofVerifiesAndTamperingIsRejected() throws MerkleProofException {
    MerkleTree t = tree(N);
    int checked = 0;
    for (int s2 = 1; s2 <= N; s2++) {
      for (int s1 = 1; s1 <= s2; s1++) {
        List<byte[]> proof = t.consistencyProof(s1, s2);
        byte[] r1 = t.root(s1);
        byte[] r2 = t.root(s2);
        Merkle.verifyConsistency(s1, s2, r1, r2, proof);
        checked++;
        long a = s1;
        long b = s2;
        for (int j = 0; j < proof.size(); j++) {
          List<byte[]> bad = copy(proof);
          bad.get(j)[0] ^= (byte) 0x80;
          assertThrows(MerkleProofException.class, () -> Merkle.verifyConsistency(a, b, r1, r2, bad));
        }
        if (s1 < s2) {
          byte[] wrongOld = r1.clone();
          wrongOld[31] ^= 1;
          assertEquals(Reason.CONSISTENCY_PROOF_INVALID, assertThrows(MerkleProofException.class,
              () -> Merkle.verifyConsistency(a, b, wrongOld, r2, proof)).reason());
          byte[] wrongNew = r2.clone();
          wrongNew[0] ^= 1;
          assertThrows(MerkleProofException.class, () -> Merkle.verifyConsistency(a, b, r1, wrongNew, proof));
          List<byte[]> longer = copy(proof);
          longer.add(new byte[32]);
          assertThrows(MerkleProofException.class, () -> Merkle.verifyConsistency(a, b, r1, r2, longer));
          if (!proof.isEmpty()) {
            assertThrows(MerkleProofException.class,
                () -> Merkle.verifyConsistency(a, b, r1, r2, proof.subList(0, proof.size() - 1)));
          }
        }
      }
    }
    assertEquals(N * (N + 1) / 2, checked);
  }

  @Test
  void proofsAreBoundToTheirSizes() {
    MerkleTree t = tree(10);
    List<byte[]> proof = t.consistencyProof(4, 10);
    assertThrows(MerkleProofException.class, () -> Merkle.verifyConsistency(5, 10, t.root(4), t.root(10), proof));
    // Note: (4 -> 9) with root(10) has the same proof shape as (4 -> 10) and verifies; the sizes
    // are bound by the signed checkpoints that carry the roots, not by the proof itself.
    assertThrows(MerkleProofException.class, () -> Merkle.verifyConsistency(4, 10, t.root(4), t.root(9), proof));
    assertThrows(IllegalArgumentException.class, () -> t.consistencyProof(0, 3));
    assertThrows(IllegalArgumentException.class, () -> t.inclusionProof(10, 10));
  }

  private static List<byte[]> copy(List<byte[]> proof) {
    List<byte[]> out = new ArrayList<>();
    proof.forEach(p -> out.add(p.clone()));
    return out;
  }
}
