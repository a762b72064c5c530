package dev.airlock.tlog;

import dev.airlock.tlog.CheckpointStore.Alarm;
import dev.airlock.tlog.CheckpointStore.Consistency;
import dev.airlock.tlog.CheckpointStore.Fork;
import dev.airlock.tlog.CheckpointStore.ImportResult;
import dev.airlock.tlog.CheckpointStore.InputFile;
import dev.airlock.tlog.CheckpointStore.StoredCheckpoint;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the tlog stage persists (tables of migration V3): verified checkpoints per origin, the
 * consistency proofs seen, and fork alarms. Every method works in the caller's transaction. The
 * import rules and the consistency check stay in {@link CheckpointStore} and work through this
 * interface; an implementation only stores and reads rows.
 */
public interface CheckpointRepository {
  /** Stores a consistency proof unless one for the same (origin, old size, new size) is stored; 1 if stored. */
  int storeProof(ConsistencyProof proof);

  /** Every stored consistency proof of an origin. */
  List<ConsistencyProof> storedProofs(String origin);

  /** A stored consistency proof between two sizes of an origin. */
  Optional<ConsistencyProof> findProof(String origin, long oldSize, long newSize);

  /** True if some checkpoint of {@code origin} is stored. */
  boolean hasCheckpoint(String origin);

  /** The stored roots of an origin by tree size. */
  TreeMap<Long, byte[]> knownRoots(String origin);

  /** Stores a verified checkpoint with its note bytes. */
  void insert(StoredCheckpoint checkpoint, byte[] note);

  /** Every stored checkpoint, by origin then size. */
  List<StoredCheckpoint> list();

  /** The stored note bytes of a checkpoint, or null. */
  byte[] note(String origin, long size);

  /** Records a fork alarm (in its own transaction: the refused import rolled back); returns its id. */
  long raiseAlarm(Fork fork, Instant now);

  /** Open fork alarms (every origin), oldest first. */
  List<Alarm> openAlarms();

  /**
   * Clears the open alarms of {@code origin}, recording who and why; returns how many were cleared
   * (0 if none was open).
   */
  int clearAlarms(String origin, String operator, String reason, Instant now);

  default boolean hasOpenAlarm(String origin) {
    return openAlarms().stream().anyMatch(a -> a.origin().equals(origin));
  }

  /** Verifies and stores one import call's files: {@link CheckpointStore#importFiles}. */
  default ImportResult importFiles(List<InputFile> files, List<LogKey> logKeys, List<LogKey> witnessKeys,
      Instant now) throws CheckpointRefusedException {
    return CheckpointStore.importFiles(this, files, logKeys, witnessKeys, now);
  }

  /** How a checkpoint relates to the stored ones: {@link CheckpointStore#consistency}. */
  default Consistency consistency(String origin, long size, byte[] root) {
    return CheckpointStore.consistency(this, origin, size, root);
  }
}
