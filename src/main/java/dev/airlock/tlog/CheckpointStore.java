package dev.airlock.tlog;

import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.merkle.Merkle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The appliance's checkpoint (tree head) store, tables of migration V3: every verified checkpoint
 * per origin, the consistency proofs seen, and fork alarms.
 *
 * <p>Import rules (DESIGN.md 6a "Checkpoints", section 7; FORMATS.md section 5 "Offline use"):
 * each origin is its own tree; its first checkpoint is accepted without proof; a larger one needs a
 * consistency proof from the largest known smaller one (stored, or accepted earlier in the same
 * call), else {@link Reason#CHECKPOINT_UNPROVEN}; a smaller one needs a proof from it to the
 * smallest known larger one, else {@link Reason#CHECKPOINT_ROLLBACK}; the same size with another
 * root is a fork ({@link Reason#CHECKPOINT_FORK}), refused and raised as an alarm. Several
 * checkpoints of one origin in one call are taken in increasing size; files come in any order.
 * Re-importing a stored checkpoint succeeds and changes nothing. One call is all-or-nothing: it
 * runs in the caller's transaction and throws before the caller commits. The rules live here;
 * the rows are read and written through {@link CheckpointRepository}.
 */
public final class CheckpointStore {
  private CheckpointStore() {}

  /** How a checkpoint relates to the stored ones (for the verify stage). */
  public enum Consistency {
    /** Equal to a stored checkpoint, or linked to one by a stored proof that verifies. */
    CONSISTENT,
    /** A stored checkpoint has the same size and another root. */
    INCONSISTENT,
    /** Neither: no stored checkpoint or proof links it. */
    UNKNOWN
  }

  /** One input file of an import call. */
  public record InputFile(String name, byte[] bytes) {
    public InputFile {
      Objects.requireNonNull(name, "name");
      bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }
  }

  /** A stored checkpoint. */
  public record StoredCheckpoint(String origin, long size, String rootHex, String signer, String keyHint,
      int witnesses, Instant importedAt) {}

  /** Fork evidence: two verified checkpoints of {@code origin} at {@code size} with different roots. */
  public record Fork(String origin, long size, String storedRootHex, String otherRootHex, byte[] otherNote) {
    public Fork {
      otherNote = otherNote.clone();
    }

    @Override
    public byte[] otherNote() {
      return otherNote.clone();
    }
  }

  /** An open or cleared fork alarm. */
  public record Alarm(long id, String origin, long size, String storedRootHex, String otherRootHex,
      Instant raisedAt) {}

  /** What an import call did. */
  public record ImportResult(List<StoredCheckpoint> added, List<StoredCheckpoint> unchanged, int proofsStored) {
    public ImportResult {
      added = List.copyOf(added);
      unchanged = List.copyOf(unchanged);
    }
  }

  private record Candidate(String file, SignedNote note, VerifiedCheckpoint verified) {
    Checkpoint cp() {
      return verified.checkpoint();
    }
  }

  private record ProofFile(String file, ConsistencyProof proof) {}

  /**
   * Verifies and stores the checkpoints and proofs of one import call, through the repository of
   * the caller's transaction.
   *
   * @param logKeys trusted log keys (from the installed trusted roots)
   * @param witnessKeys trusted witness keys; verified cosignatures are counted and stored
   * @throws CheckpointRefusedException the call is refused; the caller must roll back its transaction
   */
  public static ImportResult importFiles(CheckpointRepository repo, List<InputFile> files, List<LogKey> logKeys,
      List<LogKey> witnessKeys, Instant now) throws CheckpointRefusedException {
    List<Candidate> candidates = new ArrayList<>();
    List<ProofFile> proofs = new ArrayList<>();
    for (InputFile f : files) {
      try {
        if (isProof(f)) {
          proofs.add(new ProofFile(f.name(), ConsistencyProof.parse(f.bytes())));
        } else {
          SignedNote note = SignedNote.parse(f.bytes());
          candidates.add(new Candidate(f.name(), note, CheckpointVerifier.verify(note, logKeys, witnessKeys)));
        }
      } catch (ProofException e) {
        throw new CheckpointRefusedException(e.reason(), f.name(), e.getMessage(), null);
      }
    }
    Map<String, List<Candidate>> byOrigin = new TreeMap<>();
    for (Candidate c : candidates) {
      byOrigin.computeIfAbsent(c.cp().origin(), o -> new ArrayList<>()).add(c);
    }
    List<StoredCheckpoint> added = new ArrayList<>();
    List<StoredCheckpoint> unchanged = new ArrayList<>();
    for (Map.Entry<String, List<Candidate>> e : byOrigin.entrySet()) {
      importOrigin(repo, e.getKey(), e.getValue(), proofs, now, added, unchanged);
    }
    // keep the proofs of logs with stored checkpoints: consistency() links bundle checkpoints with them
    int stored = 0;
    Map<String, Boolean> hasCheckpoints = new java.util.HashMap<>();
    for (ProofFile p : proofs) {
      String origin = p.proof().origin();
      Boolean has = hasCheckpoints.get(origin);
      if (has == null) {
        has = repo.hasCheckpoint(origin);
        hasCheckpoints.put(origin, has);
      }
      if (has) {
        stored += repo.storeProof(p.proof());
      }
    }
    return new ImportResult(added, unchanged, stored);
  }

  private static boolean isProof(InputFile f) {
    if (f.name().endsWith(".proof.json")) {
      return true;
    }
    if (f.name().endsWith(".checkpoint")) {
      return false;
    }
    byte[] b = f.bytes();
    for (byte x : b) {
      if (x == ' ' || x == '\n' || x == '\t' || x == '\r') {
        continue;
      }
      return x == '{';
    }
    return false;
  }

  private static void importOrigin(CheckpointRepository repo, String origin, List<Candidate> cands, List<ProofFile> callProofs,
      Instant now, List<StoredCheckpoint> added, List<StoredCheckpoint> unchanged)
      throws CheckpointRefusedException {
    if (repo.hasOpenAlarm(origin)) {
      throw new CheckpointRefusedException(Reason.LOG_FORK_ALARM, cands.get(0).file(), "log '" + origin
          + "' has an open fork alarm; clear it with 'airlock checkpoint clear-alarm' after investigation", null);
    }
    TreeMap<Long, byte[]> known = repo.knownRoots(origin);
    Set<Long> stored = new HashSet<>(known.keySet());
    List<ConsistencyProof> proofs = new ArrayList<>();
    callProofs.stream().map(ProofFile::proof).filter(p -> p.origin().equals(origin)).forEach(proofs::add);
    List<Candidate> sorted = new ArrayList<>(cands);
    // DESIGN 6a: several checkpoints of one origin in one call are taken in increasing tree size
    sorted.sort(Comparator.comparingLong(c -> c.cp().size()));
    Map<Long, Candidate> acceptedInCall = new LinkedHashMap<>();
    for (Candidate c : sorted) {
      Checkpoint cp = c.cp();
      byte[] root = cp.rootHash();
      byte[] same = known.get(cp.size());
      if (same != null) {
        if (!Arrays.equals(same, root)) {
          Fork fork = new Fork(origin, cp.size(), Hashing.hex(same), cp.rootHex(), c.note().bytes());
          throw new CheckpointRefusedException(Reason.CHECKPOINT_FORK, c.file(), "log '" + origin
              + "' signed two different roots for tree size " + cp.size() + ": " + Hashing.hex(same)
              + " (known) and " + cp.rootHex() + " (this checkpoint)", fork);
        }
        if (stored.contains(cp.size())) {
          unchanged.add(toStored(c, now));
        }
        continue;
      }
      Map.Entry<Long, byte[]> pred = known.lowerEntry(cp.size());
      Map.Entry<Long, byte[]> succ = known.higherEntry(cp.size());
      if (cp.size() == 0) {
        // RFC 9162 2.1.1: MTH({}) = SHA-256(""); the empty tree is a prefix of every tree
        if (!Arrays.equals(root, Merkle.emptyRoot())) {
          throw new CheckpointRefusedException(Reason.CHECKPOINT_MALFORMED, c.file(),
              "a checkpoint of size 0 must have the empty-tree root SHA-256(\"\")", null);
        }
      } else if (succ != null) {
        // smaller than a known checkpoint: it must be a prefix of the next larger one
        ConsistencyProof p = find(repo, proofs, origin, cp.size(), succ.getKey());
        if (p == null) {
          throw new CheckpointRefusedException(Reason.CHECKPOINT_ROLLBACK, c.file(), "tree size " + cp.size()
              + " of '" + origin + "' is smaller than the known size " + succ.getKey()
              + " and no consistency proof " + cp.size() + " -> " + succ.getKey() + " was given", null);
        }
        try {
          p.verify(root, succ.getValue());
        } catch (ProofException ex) {
          throw new CheckpointRefusedException(Reason.CHECKPOINT_ROLLBACK, c.file(), "tree size " + cp.size()
              + " of '" + origin + "' is not consistent with the known size " + succ.getKey() + ": "
              + ex.getMessage(), null);
        }
      } else if (pred != null && pred.getKey() > 0) {
        ConsistencyProof p = find(repo, proofs, origin, pred.getKey(), cp.size());
        if (p == null) {
          throw new CheckpointRefusedException(Reason.CHECKPOINT_UNPROVEN, c.file(), "tree size " + cp.size()
              + " of '" + origin + "' needs a consistency proof from the known size " + pred.getKey()
              + " (a *.proof.json with oldSize " + pred.getKey() + ", newSize " + cp.size() + ")", null);
        }
        try {
          p.verify(pred.getValue(), root);
        } catch (ProofException ex) {
          throw new CheckpointRefusedException(Reason.CONSISTENCY_PROOF_INVALID, c.file(), "consistency proof "
              + pred.getKey() + " -> " + cp.size() + " of '" + origin + "' does not verify: " + ex.getMessage(), null);
        }
      }
      known.put(cp.size(), root);
      acceptedInCall.put(cp.size(), c);
    }
    for (Candidate c : acceptedInCall.values()) {
      repo.insert(toStored(c, now), c.note().bytes());
      added.add(toStored(c, now));
    }
  }

  /** A proof between two sizes: from this call's files, else one stored by an earlier import. */
  private static ConsistencyProof find(CheckpointRepository repo, List<ConsistencyProof> proofs, String origin, long oldSize,
      long newSize) {
    for (ConsistencyProof p : proofs) {
      if (p.origin().equals(origin) && p.oldSize() == oldSize && p.newSize() == newSize) {
        return p;
      }
    }
    return repo.findProof(origin, oldSize, newSize).orElse(null);
  }

  private static StoredCheckpoint toStored(Candidate c, Instant now) {
    VerifiedCheckpoint v = c.verified();
    return new StoredCheckpoint(v.checkpoint().origin(), v.checkpoint().size(), v.checkpoint().rootHex(),
        v.signer().name(), signerHint(c), v.witnesses().size(), now);
  }

  private static String signerHint(Candidate c) {
    for (NoteSignature s : c.note().signatures()) {
      if (s.name().equals(c.verified().signer().name())
          && c.verified().signer().identify(s.name(), s.keyHint(), s.name()) != null) {
        return Hashing.hex(s.keyHint());
      }
    }
    return Hashing.hex(c.verified().signer().spkiKeyHint());
  }






  /**
   * How {@code (origin, size, root)} (e.g. a bundle's checkpoint, already signature-verified by the
   * caller) relates to the stored checkpoints: equal to a stored one, or linked to one by a stored
   * proof that verifies → CONSISTENT; a stored one of the same size with another root →
   * INCONSISTENT; otherwise UNKNOWN. Callers MUST also consult {@link CheckpointRepository#openAlarms}.
   */
  public static Consistency consistency(CheckpointRepository repo, String origin, long size, byte[] root) {
    TreeMap<Long, byte[]> known = repo.knownRoots(origin);
    byte[] same = known.get(size);
    if (same != null) {
      return Arrays.equals(same, root) ? Consistency.CONSISTENT : Consistency.INCONSISTENT;
    }
    for (ConsistencyProof p : repo.storedProofs(origin)) {
      try {
        if (p.oldSize() == size && known.containsKey(p.newSize())) {
          p.verify(root, known.get(p.newSize()));
          return Consistency.CONSISTENT;
        }
        if (p.newSize() == size && known.containsKey(p.oldSize())) {
          p.verify(known.get(p.oldSize()), root);
          return Consistency.CONSISTENT;
        }
      } catch (ProofException e) {
        // this proof does not link the given root; another might
      }
    }
    return Consistency.UNKNOWN;
  }







  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
