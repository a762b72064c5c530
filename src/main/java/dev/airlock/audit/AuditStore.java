package dev.airlock.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the audit stage persists (tables of migrations V1 and V6): the hash-chained events, the head
 * row (chain head and Merkle compact range), the checkpoints handed out by exports, and the
 * appliance identity the log is signed under. Every method works in the caller's transaction, so
 * an event commits with the change it records. The chain, the tree and every tamper check stay in
 * the audit stage ({@link AuditLog}, {@link AuditVerifier}, {@link AuditExport},
 * {@link AuditCheckpoint}); an implementation only stores and reads rows.
 */
public interface AuditStore {
  /** A checkpoint handed out by an earlier export: its tree size and root hash (hex). */
  record IssuedCheckpoint(long size, String rootHex) {}

  /**
   * Reads the head row ({@code forUpdate}: lock it for an append). A missing head row is a broken
   * database.
   */
  AuditLog.Head head(boolean forUpdate);

  /** Inserts event {@code e} (its {@code hash} field is ignored) with chain hash {@code hash}. */
  void insert(AuditLog.StoredEvent e, String hash);

  /** Moves the head row to {@code seq}; a missing head row is a broken database. */
  void updateHead(long seq, String hash, String frontierHex);

  /**
   * Stored events with {@code afterSeq < seq <= upToSeq}, by seq, at most {@code limit} of them
   * (the caller pages through the log).
   */
  List<AuditLog.StoredEvent> events(long afterSeq, long upToSeq, int limit);

  /** The seq of the event whose hash is {@code hash}, if any. */
  Optional<Long> seqOfHash(String hash);

  /** The appliance id from the {@code appliance} row; a missing row is a broken database. */
  String applianceId();

  /** The appliance's audit public key (PEM), or empty if the database has no appliance row. */
  Optional<String> auditPublicKeyPem();

  /** Checkpoints handed out before with {@code 0 < size <= upTo}, by size. */
  List<IssuedCheckpoint> issuedCheckpoints(long upTo);

  /** Records (or replaces) the checkpoint handed out at {@code size}. */
  void recordCheckpoint(long size, String rootHex, String note, Instant issuedAt);

  /** Appends one event: {@link AuditLog#append}. */
  default long append(AuditEvent e) {
    return AuditLog.append(this, e);
  }

  /** Appends events in order with one head read and one head update: {@link AuditLog#appendAll}. */
  default long appendAll(java.util.List<AuditEvent> events) {
    return AuditLog.appendAll(this, events);
  }
}
