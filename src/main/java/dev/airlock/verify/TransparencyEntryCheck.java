package dev.airlock.verify;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.crypto.Signatures;
import dev.airlock.merkle.Merkle;
import dev.airlock.merkle.MerkleProofException;
import dev.airlock.trust.TransparencyLog;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The transparency-log entries of a bundle (checks {@code tlog[i]}, {@code tlog.threshold} or
 * {@code tlog.required}, {@code tlog.window}): each entry must come from a log of the trusted root,
 * its body must match the signature and key (TlogBodies), and the log must have signed it: a
 * signed entry timestamp over the entry, or an RFC 9162 inclusion proof ending in a checkpoint
 * signed by that log (DESIGN.md 6b). Structured like sigstore-go pkg/verify/tlog.go
 * (VerifyTlogEntry, then the threshold over the verified entries). One instance per trust
 * snapshot; thread-safe.
 */
final class TransparencyEntryCheck {
  private final List<TransparencyLog> tlogs;

  TransparencyEntryCheck(List<TransparencyLog> tlogs) {
    this.tlogs = List.copyOf(tlogs);
  }

  /**
   * What the verified entries yield: the verified times (signed entry timestamps; the timestamp
   * check adds the RFC 3161 times to the same list) and the logs of the untimed entries.
   */
  static final class Entries {
    final List<Instant> times = new ArrayList<>();
    final List<TransparencyLog> untimedLogs = new ArrayList<>();
    int verifiedEntries;
  }

  /**
   * Verifies every entry into {@code acc} (skipped, and shown, with insecure-ignore-tlog); false
   * when an entry failed (the failure is in {@code run}).
   */
  boolean entries(VerificationRun run, Bundle b, X509Certificate leaf, PublicKey key, Artifact artifact,
      Entries acc) {
    VerifyOptions o = run.options;
    if (!o.insecureIgnoreTlog()) {
      for (int i = 0; i < b.tlogEntries().size(); i++) {
        Bundle.TlogEntry e = b.tlogEntries().get(i);
        String id = "tlog[" + i + "]";
        Object[] out = new Object[2];
        if (!run.step(id, () -> {
          EntryResult r = verifyEntry(b, e, leaf, key, artifact);
          if (o.requireTreeHeads() && r.checkpoint == null) {
            // a policy with requireCheckpointConsistency compares every entry's tree head with the
            // checkpoint store; an entry that yields none (SET only) cannot be compared
            throw new Denial(Reason.TLOG_TREE_HEAD_MISSING,
                "the entry has no checkpoint-signed tree head and the policy requires checkpoint consistency");
          }
          out[0] = r;
          return r.detail;
        })) {
          return false;
        }
        EntryResult r = (EntryResult) out[0];
        acc.verifiedEntries++;
        if (r.checkpoint != null) {
          run.treeHeads.add(new BundleVerification.TreeHead(r.checkpoint.origin(), r.checkpoint.size(),
              r.checkpoint.rootHash()));
        }
        if (r.time != null) {
          acc.times.add(r.time);
          run.timeSource = run.timeSource == null ? "rekor-set" : run.timeSource;
        } else {
          acc.untimedLogs.add(r.log);
        }
      }
    } else {
      run.checks.add(Check.skip("tlog", "insecure-ignore-tlog"));
    }
    return true;
  }

  /** {@code tlog.required} / {@code tlog.threshold}: enough entries verified; false when not. */
  static boolean threshold(VerificationRun run, Entries entries, boolean keyless) {
    VerifyOptions o = run.options;
    if (!o.insecureIgnoreTlog() && entries.verifiedEntries == 0 && !keyless && o.tlogNotRequiredBy() != null) {
      // the key authority's policy says tlog: false (VerifyOptions.Builder#tlogNotRequiredUnsafe)
      run.pass("tlog.required", "not required by authority " + o.tlogNotRequiredBy());
    } else if (!o.insecureIgnoreTlog()) {
      int n = entries.verifiedEntries;
      if (!run.step("tlog.threshold", () -> {
        if (n < o.tlogThreshold()) {
          throw new Denial(n == 0 ? Reason.TLOG_ENTRY_MISSING : Reason.TLOG_THRESHOLD_NOT_MET,
              "verified transparency-log entries", String.valueOf(o.tlogThreshold()), String.valueOf(n));
        }
        return n + " verified";
      })) {
        return false;
      }
    }
    return true;
  }

  /** {@code tlog.window}: the log key of each untimed entry is valid at the verified time(s). */
  static boolean windows(VerificationRun run, Entries entries, List<Instant> tsaTimes) {
    VerifyOptions o = run.options;
    for (TransparencyLog log : entries.untimedLogs) {
      // Rekor v2 entries carry no signed time: the log's key must be valid at the verified time(s);
      // with none (a key-based entry without RFC 3161 timestamp) at the appliance's trusted now,
      // and with no trusted now either the window cannot be judged, so the entry cannot count
      // (protobuf-specs TransparencyLogInstance.public_key.valid_for bounds the key's use).
      if (!run.step("tlog.window", () -> {
        List<Instant> at = tsaTimes;
        String when = "the verified time";
        if (at.isEmpty()) {
          if (o.trustedNow() == null) {
            throw new Denial(Reason.SIGNING_TIME_MISSING, "the entry has no signed time, no timestamp gives one,"
                + " and no trusted now was given to judge the log key's validFor " + log.validFor() + " at");
          }
          at = List.of(o.trustedNow());
          when = "the trusted now";
        }
        for (Instant t : at) {
          if (!log.validFor().contains(t)) {
            throw new Denial(Reason.TLOG_LOG_NOT_VALID_AT_TIME, "log key not valid at " + when,
                log.validFor().toString(), t.toString());
          }
        }
        return "log key valid at " + when;
      })) {
        return false;
      }
    }
    return true;
  }

  private record EntryResult(TransparencyLog log, Instant time, String detail, NoteCheckpoint checkpoint) {
    EntryResult(TransparencyLog log, Instant time, String detail) {
      this(log, time, detail, null);
    }
  }

  /** Below this magnitude RFC 8785 writes an integer exactly as its decimal digits. */
  private static final long JCS_EXACT = 1L << 53;

  /**
   * The RFC 8785 canonical JSON the SET signs: {body, integratedTime, logID, logIndex}. The keys
   * are fixed and sorted, base64 and hex need no escaping, so it is written directly (a hot path);
   * integers beyond 2^53 (which JCS writes as doubles) go through the general canonicaliser.
   */
  static byte[] setPayload(Bundle.TlogEntry e) {
    long t = e.integratedTime();
    long i = e.logIndex();
    if (t > -JCS_EXACT && t < JCS_EXACT && i > -JCS_EXACT && i < JCS_EXACT) {
      return ("{\"body\":\"" + Base64.getEncoder().encodeToString(e.body()) + "\",\"integratedTime\":" + t
          + ",\"logID\":\"" + Hashing.hex(e.logId()) + "\",\"logIndex\":" + i + "}").getBytes(StandardCharsets.US_ASCII);
    }
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    p.put("body", Base64.getEncoder().encodeToString(e.body()));
    p.put("integratedTime", t);
    p.put("logID", Hashing.hex(e.logId()));
    p.put("logIndex", i);
    return Json.canonical(p);
  }

  private EntryResult verifyEntry(Bundle b, Bundle.TlogEntry e, X509Certificate leaf, PublicKey key,
      Artifact artifact) throws Denial {
    List<TransparencyLog> candidates = new ArrayList<>();
    for (TransparencyLog l : tlogs) {
      if (l.hasLogId(e.logId())) {
        candidates.add(l);
      }
    }
    if (candidates.isEmpty()) {
      throw new Denial(Reason.TLOG_UNKNOWN_LOG, "the entry's log is not in the trusted root", null,
          Base64.getEncoder().encodeToString(e.logId()));
    }
    TlogBodies.check(e, b, leaf, key, artifact);
    Instant time = null;
    TransparencyLog log = candidates.get(0);
    if (e.signedEntryTimestamp() != null) {
      // A SET signs {body, integratedTime, logID, logIndex}; Rekor never integrates at or before
      // the epoch, and a promise over time 0 is no promise: refuse it instead of skipping it
      // (skipping would let the entry count through whatever else it carries).
      if (e.integratedTime() <= 0) {
        throw new Denial(Reason.TLOG_INTEGRATED_TIME_INVALID,
            "the entry has a signed entry timestamp but its integratedTime is missing or not positive",
            "> 0", String.valueOf(e.integratedTime()));
      }
      Instant it = Instant.ofEpochSecond(e.integratedTime());
      for (TransparencyLog l : candidates) {
        if (l.validFor().contains(it)) {
          log = l;
          break;
        }
      }
      try {
        Signatures.verify(log.key(), log.algorithm(), setPayload(e), e.signedEntryTimestamp());
      } catch (InvalidSignatureException ex) {
        throw new Denial(Reason.TLOG_SET_INVALID, "signed entry timestamp: " + ex.getMessage());
      }
      if (!log.validFor().contains(it)) {
        throw new Denial(Reason.TLOG_LOG_NOT_VALID_AT_TIME, "the log key is not valid at the integrated time",
            log.validFor().toString(), it.toString());
      }
      time = it;
    }
    Bundle.Proof p = e.proof();
    if (p == null) {
      if (b.version() >= 2) {
        throw new Denial(Reason.INCLUSION_PROOF_MISSING, "bundles v0.2 and later need an inclusion proof");
      }
      if (time == null) {
        throw new Denial(Reason.TLOG_SET_MISSING, "a v0.1 entry without inclusion proof needs a signed entry timestamp");
      }
      return new EntryResult(log, time, "set");
    }
    if (time == null && (p.checkpoint() == null || p.checkpoint().isEmpty()) && b.version() == 1) {
      // DESIGN.md 6b: an entry counts only if the log signed it. Without a SET and without a
      // checkpoint the proof's root hash is the bundle's own claim (a one-leaf "tree" over any
      // body proves itself), so the proof proves nothing.
      throw new Denial(Reason.TLOG_SET_MISSING,
          "a v0.1 entry whose inclusion proof has no checkpoint needs a signed entry timestamp:"
              + " nothing the log signed covers the proof's root hash");
    }
    if (time == null && e.logIndex() != p.logIndex()) {
      // without a SET nothing signs the top-level index; Rekor v2 has one index for both
      // (FORMATS.md section 5), so it must be the proven one
      throw new Denial(Reason.INCLUSION_PROOF_INVALID, "entry logIndex differs from the inclusion proof's",
          String.valueOf(p.logIndex()), String.valueOf(e.logIndex()));
    }
    try {
      Merkle.verifyInclusion(p.logIndex(), p.treeSize(), Merkle.leafHash(e.body()), p.hashes(), p.rootHash());
    } catch (MerkleProofException ex) {
      throw new Denial(ex.reason(), ex.getMessage());
    }
    if ((p.checkpoint() == null || p.checkpoint().isEmpty()) && b.version() == 1) {
      // only reached with a verified SET: the SET is what the log signed; the proof adds nothing
      return new EntryResult(log, time, "set; inclusion proof without checkpoint (v0.1)");
    }
    NoteCheckpoint cp = NoteCheckpoint.verify(p.checkpoint(), log);
    if (cp.size() != p.treeSize() || !MessageDigest.isEqual(cp.rootHash(), p.rootHash())) {
      throw new Denial(Reason.CHECKPOINT_MISMATCH, "checkpoint tree head differs from the inclusion proof's",
          p.treeSize() + " " + Hashing.hex(p.rootHash()), cp.size() + " " + Hashing.hex(cp.rootHash()));
    }
    return new EntryResult(log, time, cp.origin() + " @" + cp.size(), cp);
  }
}
