package dev.airlock.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Keys;
import dev.airlock.lab.BundleBuilder;
import dev.airlock.lab.LabCrypto;
import dev.airlock.lab.LabMerkleTree;
import dev.airlock.lab.LeafSpec;
import dev.airlock.lab.Signer;
import dev.airlock.lab.SigstoreLab;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 1, DESIGN.md 6b "A transparency-log entry counts only if the log signed it": its
 * SET verifies, or its inclusion proof ends in a checkpoint signed by that log's key. A proof whose
 * root hash only the bundle supplies proves nothing, in every bundle version.
 */
class UnsignedLogEntryTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final byte[] ARTIFACT = "lab artifact\n".getBytes(StandardCharsets.UTF_8);
  static SigstoreLab lab;
  static BundleVerifier verifier;
  static Signer alice;
  static VerifyOptions keyless;

  @BeforeAll
  static void lab() {
    lab = SigstoreLab.create(13);
    TrustedRoot root = TrustedRoot.parse(lab.trustedRoot().json().getBytes(StandardCharsets.UTF_8), "lab");
    verifier = new BundleVerifier(TrustSnapshot.ofRoots("lab", Instant.EPOCH, List.of(root)));
    alice = lab.keyless(LeafSpec.email("alice@lab.internal"));
    keyless = VerifyOptions.builder().identity("alice@lab.internal").issuer(LeafSpec.DEFAULT_ISSUER).build();
  }

  /**
   * Replaces the first entry's SET and integrated time with an inclusion proof of a one-leaf "tree"
   * over the entry's own body: index 0, size 1, no hashes, root = leaf hash, no checkpoint. Anyone
   * can write it; no log signed anything.
   */
  static String oneLeafTreeWithoutCheckpoint(String bundleJson) throws Exception {
    ObjectNode b = (ObjectNode) JSON.readTree(bundleJson);
    ObjectNode e = (ObjectNode) b.path("verificationMaterial").path("tlogEntries").get(0);
    byte[] body = Base64.getDecoder().decode(e.path("canonicalizedBody").asText());
    e.remove("inclusionPromise");
    e.remove("integratedTime");
    e.put("logIndex", "0");
    ObjectNode p = e.putObject("inclusionProof");
    p.put("logIndex", "0");
    p.put("rootHash", LabCrypto.b64(LabMerkleTree.leafHash(body)));
    p.put("treeSize", "1");
    p.putArray("hashes");
    return JSON.writeValueAsString(b);
  }

  static BundleVerification verify(String json, VerifyOptions o) {
    return verifier.verify(json.getBytes(StandardCharsets.UTF_8), Artifact.ofBytes(ARTIFACT), o);
  }

  @Test
  void v01ProofOverOneLeafTreeWithRfc3161TimestampIsNotALogEntry() throws Exception {
    String valid = lab.bundle(alice).version(BundleBuilder.Version.V0_1).messageSignature(ARTIFACT).timestamp()
        .build().json();
    assertTrue(verify(valid, keyless).valid(), "lab bundle must verify");
    BundleVerification r = verify(oneLeafTreeWithoutCheckpoint(valid), keyless);
    assertFalse(r.valid(), "a proof nobody signed was counted as a log entry: " + r.signature().checks());
    assertEquals(Reason.TLOG_SET_MISSING, r.signature().reasons().get(0), r.signature().checks().toString());
  }

  @Test
  void v01KeyBasedProofOverOneLeafTreeIsNotALogEntry() throws Exception {
    Signer k = lab.key(LabCrypto.KeyKind.ECDSA_P256, "ci");
    VerifyOptions o = VerifyOptions.builder().key(Keys.parseSpki(k.keyPair().getPublic().getEncoded())).build();
    String valid = lab.bundle(k).version(BundleBuilder.Version.V0_1).messageSignature(ARTIFACT).build().json();
    assertTrue(verify(valid, o).valid(), "lab bundle must verify");
    BundleVerification r = verify(oneLeafTreeWithoutCheckpoint(valid), o);
    assertFalse(r.valid(), "a proof nobody signed was counted as a log entry: " + r.signature().checks());
  }

  @Test
  void setWithZeroIntegratedTimeIsRefusedNotIgnored() throws Exception {
    // v0.3 with a checkpointed proof and an RFC 3161 time: today the SET is silently skipped
    String valid = lab.bundle(alice).messageSignature(ARTIFACT).timestamp().build().json();
    assertTrue(verify(valid, keyless).valid(), "lab bundle must verify");
    for (String t : new String[] {"0", null}) {
      ObjectNode b = (ObjectNode) JSON.readTree(valid);
      ObjectNode e = (ObjectNode) b.path("verificationMaterial").path("tlogEntries").get(0);
      // the proof's index at top level too, so that nothing but the ignored SET differs
      e.put("logIndex", e.path("inclusionProof").path("logIndex").asText());
      if (t == null) {
        e.remove("integratedTime");
      } else {
        e.put("integratedTime", t);
      }
      BundleVerification r = verify(JSON.writeValueAsString(b), keyless);
      assertFalse(r.valid(), "SET with integratedTime " + t + " accepted: " + r.signature().checks());
      assertEquals(Reason.TLOG_INTEGRATED_TIME_INVALID, r.signature().reasons().get(0), r.signature().checks().toString());
    }
  }

  @Test
  void requireTreeHeadsDeniesAnEntryWithoutAVerifiedCheckpoint() throws Exception {
    String setOnly = lab.bundle(alice).version(BundleBuilder.Version.V0_1).messageSignature(ARTIFACT).build().json();
    assertTrue(verify(setOnly, keyless).valid(), "a SET-only v0.1 entry counts by default");
    VerifyOptions strict = VerifyOptions.builder().identity("alice@lab.internal").issuer(LeafSpec.DEFAULT_ISSUER)
        .requireTreeHeads().build();
    BundleVerification r = verify(setOnly, strict);
    assertFalse(r.valid(), r.signature().checks().toString());
    assertEquals(Reason.TLOG_TREE_HEAD_MISSING, r.signature().reasons().get(0));
    String withCheckpoint = lab.bundle(alice).messageSignature(ARTIFACT).build().json();
    BundleVerification ok = verify(withCheckpoint, strict);
    assertTrue(ok.valid(), ok.signature().checks().toString());
    assertEquals(1, ok.treeHeads().size());
  }
}
