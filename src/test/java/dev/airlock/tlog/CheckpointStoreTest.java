package dev.airlock.tlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint store against lab logs that grow, fork and roll back. */
class CheckpointStoreTest {
  private static final Instant T = Instant.parse("2026-11-22T00:00:00Z");
  @TempDir Path dir;
  Database db;
  LabLog ed;
  LabLog ec;

  @BeforeEach
  void setUp() {
    db = Database.create(Home.at(dir.resolve("home")));
    ed = LabLog.ed25519("log2026.example.internal").grow(40);
    ec = LabLog.ecdsa("rekor.example.internal", 1234567).grow(40);
  }

  private List<LogKey> logKeys() {
    // as from trusted_root.json: names unknown, matched by hint
    return List.of(LogKey.unnamed(ed.logKey.key()), LogKey.unnamed(ec.logKey.key()));
  }

  private CheckpointStore.ImportResult imp(CheckpointStore.InputFile... files) throws Exception {
    return db.transaction(tx -> {
      try {
        return tx.checkpoints().importFiles(List.of(files), logKeys(), List.of(), T);
      } catch (CheckpointRefusedException e) {
        throw new RefusedWrapper(e);
      }
    });
  }

  private CheckpointRefusedException refused(CheckpointStore.InputFile... files) {
    RefusedWrapper w = assertThrows(RefusedWrapper.class, () -> imp(files));
    return w.refused;
  }

  static final class RefusedWrapper extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient CheckpointRefusedException refused;

    RefusedWrapper(CheckpointRefusedException e) {
      super(e);
      this.refused = e;
    }
  }

  private int count() {
    return db.transaction(tx -> tx.checkpoints().list().size());
  }

  private CheckpointStore.Consistency consistency(LabLog log, long size, byte[] root) {
    return db.transaction(tx -> tx.checkpoints().consistency(log.origin, size, root));
  }

  @Test
  void firstCheckpointIsAcceptedWithoutProofAndReimportChangesNothing() throws Exception {
    assertEquals(1, imp(ed.noteFile(5)).added().size());
    CheckpointStore.ImportResult again = imp(ed.noteFile(5));
    assertEquals(0, again.added().size());
    assertEquals(1, again.unchanged().size());
    assertEquals(1, count());
    CheckpointStore.StoredCheckpoint s = db.transaction(tx -> tx.checkpoints().list()).get(0);
    assertEquals("log2026.example.internal", s.signer());
    assertEquals(ed.origin, s.origin());
  }

  @Test
  void growingLogNeedsAProofEachStepInAnyFileOrder() throws Exception {
    imp(ed.noteFile(3));
    for (int size = 6; size <= 39; size += 3) {
      long prev = size - 3;
      assertEquals(Reason.CHECKPOINT_UNPROVEN, refused(ed.noteFile(size)).reason());
      // proof first, checkpoint second: order of files does not matter
      assertEquals(1, imp(ed.proofFile(prev, size), ed.noteFile(size)).added().size());
    }
    assertEquals(13, count());
    assertEquals(CheckpointStore.Consistency.CONSISTENT, consistency(ed, 39, ed.tree.root(39)));
  }

  @Test
  void severalCheckpointsOfOneOriginInOneCallAreTakenInIncreasingSize() throws Exception {
    imp(ed.noteFile(2));
    CheckpointStore.ImportResult r = imp(ed.noteFile(30), ed.proofFile(17, 30), ed.noteFile(9),
        ed.proofFile(9, 17), ed.noteFile(17), ed.proofFile(2, 9), ec.noteFile(7));
    assertEquals(4, r.added().size());
    assertEquals(3, r.proofsStored());
    assertEquals(5, count());
  }

  @Test
  void refusedCallStoresNothing() throws Exception {
    imp(ed.noteFile(2));
    // 9 is proven, 17 is not: the whole call is refused, 9 and the other log's checkpoint too
    CheckpointRefusedException e = refused(ed.noteFile(9), ed.proofFile(2, 9), ed.noteFile(17), ec.noteFile(4));
    assertEquals(Reason.CHECKPOINT_UNPROVEN, e.reason());
    assertTrue(e.getMessage().contains("-17.checkpoint"), e.getMessage());
    assertEquals(1, count());
    assertEquals(0, db.transaction(tx -> tx.checkpoints().openAlarms()).size());
  }

  @Test
  void proofFromANonAdjacentCheckpointDoesNotCount() throws Exception {
    imp(ed.noteFile(2));
    imp(ed.noteFile(9), ed.proofFile(2, 9));
    assertEquals(Reason.CHECKPOINT_UNPROVEN, refused(ed.noteFile(20), ed.proofFile(2, 20)).reason());
  }

  @Test
  void wrongProofIsRefused() throws Exception {
    imp(ed.noteFile(8));
    List<byte[]> bad = new ArrayList<>(ed.tree.consistencyProof(8, 20));
    bad.set(0, new byte[32]);
    CheckpointStore.InputFile proof = new CheckpointStore.InputFile("bad.proof.json",
        LabLog.proofJson(ed.origin, 8, 20, bad).getBytes(StandardCharsets.UTF_8));
    assertEquals(Reason.CONSISTENCY_PROOF_INVALID, refused(ed.noteFile(20), proof).reason());
    // a proof of another origin does not count either
    CheckpointStore.InputFile other = new CheckpointStore.InputFile("other.proof.json",
        LabLog.proofJson("elsewhere", 8, 20, ed.tree.consistencyProof(8, 20)).getBytes(StandardCharsets.UTF_8));
    assertEquals(Reason.CHECKPOINT_UNPROVEN, refused(ed.noteFile(20), other).reason());
  }

  @Test
  void smallerCheckpointNeedsProofToTheStoredLargerOne() throws Exception {
    imp(ec.noteFile(30));
    assertEquals(Reason.CHECKPOINT_ROLLBACK, refused(ec.noteFile(12)).reason());
    assertEquals(1, imp(ec.noteFile(12), ec.proofFile(12, 30)).added().size());
    // a smaller checkpoint from a different (forked) history fails its proof: rollback
    LabLog forked = new LabLog(ec.keyName, ec.origin, ec.keys).grow(11);
    forked.tree.append("evil".getBytes(StandardCharsets.UTF_8));
    CheckpointStore.InputFile fakeProof = new CheckpointStore.InputFile("f.proof.json",
        LabLog.proofJson(ec.origin, 10, 30, ec.tree.consistencyProof(10, 30)).getBytes(StandardCharsets.UTF_8));
    assertEquals(Reason.CHECKPOINT_ROLLBACK, refused(
        new CheckpointStore.InputFile("f.checkpoint", forked.note(10)), fakeProof).reason());
    // but the honest size 10 is fine, provable to 12
    assertEquals(1, imp(ec.noteFile(10), ec.proofFile(10, 12)).added().size());
  }

  @Test
  void forkIsRefusedAndRaisesAPersistentAlarmUntilCleared() throws Exception {
    imp(ed.noteFile(10));
    LabLog evil = new LabLog(ed.keyName, ed.origin, ed.keys).grow(9);
    evil.tree.append("split view".getBytes(StandardCharsets.UTF_8));
    CheckpointRefusedException e = refused(new CheckpointStore.InputFile("evil.checkpoint", evil.note(10)));
    assertEquals(Reason.CHECKPOINT_FORK, e.reason());
    CheckpointStore.Fork fork = e.fork().orElseThrow();
    assertEquals(10, fork.size());
    assertEquals(ed.checkpoint(10).rootHex(), fork.storedRootHex());
    assertEquals(evil.checkpoint(10).rootHex(), fork.otherRootHex());
    db.transaction(tx -> tx.checkpoints().raiseAlarm(fork, T));
    List<CheckpointStore.Alarm> alarms = db.transaction(tx -> tx.checkpoints().openAlarms());
    assertEquals(1, alarms.size());
    assertEquals(ed.origin, alarms.get(0).origin());
    assertEquals(CheckpointStore.Consistency.INCONSISTENT, consistency(ed, 10, evil.tree.root(10)));
    // while the alarm is open, the log's checkpoints are refused
    assertEquals(Reason.LOG_FORK_ALARM, refused(ed.noteFile(12), ed.proofFile(10, 12)).reason());
    assertEquals(1, (int) db.transaction(tx -> tx.checkpoints().clearAlarms(ed.origin, "alice", "key rotated", T)));
    assertEquals(0, db.transaction(tx -> tx.checkpoints().openAlarms()).size());
    assertEquals(0, (int) db.transaction(tx -> tx.checkpoints().clearAlarms(ed.origin, "alice", "again", T)));
    assertEquals(1, imp(ed.noteFile(12), ed.proofFile(10, 12)).added().size());
  }

  @Test
  void forkWithinOneCallIsRefused() {
    LabLog evil = new LabLog(ed.keyName, ed.origin, ed.keys).grow(5);
    evil.tree.append("x".getBytes(StandardCharsets.UTF_8));
    CheckpointRefusedException e = refused(ed.noteFile(6), new CheckpointStore.InputFile("e.checkpoint", evil.note(6)));
    assertEquals(Reason.CHECKPOINT_FORK, e.reason());
    assertEquals(0, count());
  }

  @Test
  void consistencyForTheVerifyStage() throws Exception {
    imp(ec.noteFile(10));
    imp(ec.noteFile(20), ec.proofFile(10, 20), ec.proofFile(15, 20));
    assertEquals(CheckpointStore.Consistency.CONSISTENT, consistency(ec, 10, ec.tree.root(10)));
    assertEquals(CheckpointStore.Consistency.CONSISTENT, consistency(ec, 20, ec.tree.root(20)));
    // not stored, but linked to the stored 20 by a stored proof
    assertEquals(CheckpointStore.Consistency.CONSISTENT, consistency(ec, 15, ec.tree.root(15)));
    byte[] wrong = ec.tree.root(15).clone();
    wrong[3] ^= 1;
    assertEquals(CheckpointStore.Consistency.UNKNOWN, consistency(ec, 15, wrong));
    assertEquals(CheckpointStore.Consistency.UNKNOWN, consistency(ec, 16, ec.tree.root(16)));
    byte[] forkRoot = ec.tree.root(20).clone();
    forkRoot[0] ^= 1;
    assertEquals(CheckpointStore.Consistency.INCONSISTENT, consistency(ec, 20, forkRoot));
    assertEquals(CheckpointStore.Consistency.UNKNOWN, consistency(ed, 20, ed.tree.root(20)));
  }

  @Test
  void unknownLogAndBadSignatureAreRefused() throws Exception {
    LabLog stranger = LabLog.ed25519("stranger.example");
    stranger.grow(3);
    assertEquals(Reason.CHECKPOINT_UNKNOWN_LOG,
        refused(new CheckpointStore.InputFile("s.checkpoint", stranger.note(3))).reason());
    byte[] note = ed.note(4);
    note[note.length - 6] ^= 1; // inside the base64 signature
    CheckpointRefusedException e = refused(new CheckpointStore.InputFile("b.checkpoint", note));
    assertTrue(e.reason() == Reason.CHECKPOINT_SIGNATURE_INVALID || e.reason() == Reason.CHECKPOINT_MALFORMED,
        e.reason() + " " + e.getMessage());
    assertEquals(0, count());
  }

  @Test
  void witnessCosignaturesAreCountedAndStored() throws Exception {
    java.security.KeyPair w1 = Keys.generateEd25519();
    java.security.KeyPair w2 = Keys.generateEc("secp256r1");
    LogKey wk1 = new LogKey("witness-one.example", w1.getPublic());
    LogKey wk2 = new LogKey("witness-two.example", w2.getPublic());
    String body = ed.checkpoint(7).toBody();
    byte[] note = NoteSigner.note(body,
        NoteSigner.signatureLine(ed.keyName, ed.logKey, ed.keys.getPrivate(), body),
        NoteSigner.signatureLine(wk1.name(), wk1, w1.getPrivate(), body),
        NoteSigner.signatureLine(wk2.name(), wk2, w2.getPrivate(), body));
    int witnesses = db.transaction(tx -> {
      try {
        return tx.checkpoints().importFiles(List.of(new CheckpointStore.InputFile("w.checkpoint", note)),
            logKeys(), List.of(LogKey.unnamed(w1.getPublic()), LogKey.unnamed(w2.getPublic())), T)
            .added().get(0).witnesses();
      } catch (CheckpointRefusedException e) {
        throw new RefusedWrapper(e);
      }
    });
    assertEquals(2, witnesses);
    assertEquals(2, db.transaction(tx -> tx.checkpoints().list()).get(0).witnesses());
  }

  /** Issue 4 benchmark: 1,000 checkpoints with 999 proofs, shuffled, in one import call. */
  @Test
  void thousandCheckpointsWithProofsInOneCall() throws Exception {
    LabLog big = LabLog.ecdsa("bench.example", 77).grow(1000);
    List<CheckpointStore.InputFile> files = new ArrayList<>();
    for (int size = 1; size <= 1000; size++) {
      files.add(big.noteFile(size));
      if (size > 1) {
        files.add(big.proofFile(size - 1, size));
      }
    }
    java.util.Collections.shuffle(files, new java.util.Random(1));
    List<LogKey> keys = List.of(LogKey.unnamed(big.logKey.key()));
    long t0 = System.nanoTime();
    CheckpointStore.ImportResult r = db.transaction(tx -> {
      try {
        return tx.checkpoints().importFiles(files, keys, List.of(), T);
      } catch (CheckpointRefusedException e) {
        throw new RefusedWrapper(e);
      }
    });
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(1000, r.added().size());
    assertEquals(999, r.proofsStored());
    System.out.println("checkpoint bench: imported 1000 ECDSA checkpoints + 999 proofs in one call in " + ms + " ms");
  }
}
