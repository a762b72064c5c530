package dev.airlock.core.json;

import java.util.List;
import java.util.Objects;

/**
 * The {@code detail} of an audit event (docs/auditor-guide.md section 3a), typed: each record is one
 * event family's shape, written by {@link Documents} and stored canonically (RFC 8785) by the audit
 * log, so that the stored bytes depend on the fields and their values, not on their order. A field
 * a record says is "null as JSON null" is recorded as {@code null}; "absent" fields are left out.
 */
public sealed interface AuditDetail extends Document
    permits AuditDetail.Message, AuditDetail.ServeStart, AuditDetail.ServeRequest, AuditDetail.Admission,
        AuditDetail.Export, AuditDetail.ExportRefused, AuditDetail.ForkAlarm, AuditDetail.ImageReject,
        AuditDetail.TagMove, AuditDetail.ImportSummary, AuditDetail.MediumCheckSummary,
        AuditDetail.CheckpointImport, AuditDetail.CheckpointRefused, AuditDetail.AlarmsCleared,
        AuditDetail.AuditVerified, AuditDetail.AuditVerifyFailed, AuditDetail.TrustRefused,
        AuditDetail.PolicyInstall, AuditDetail.PolicySet, AuditDetail.StoreGc, AuditDetail.ImageRemove,
        AuditDetail.AuditExported, AuditDetail.Init, TrustUpdateDocument {

  /** Who asked {@code serve}: the peer address, and the client certificate's subject (absent when null). */
  record Client(String address, String certificateSubject) {}

  /** {@code {"message": ...}}: why something could not be done (null as JSON null). */
  record Message(String message) implements AuditDetail {}

  /** {@code serve.start}: the listening address and whether TLS and client certificates are in force. */
  record ServeStart(String listen, boolean tls, boolean clientCertificates) implements AuditDetail {}

  /**
   * A {@code serve} request (verify API, manifest pull): the client; when a decision was attempted,
   * the policy digest (null as JSON null) and, with a verdict, its digest (null as JSON null) and
   * decision; a message (absent when null) when the image was not released.
   */
  record ServeRequest(Client client, Decided decided, String message) implements AuditDetail {
    public ServeRequest {
      Objects.requireNonNull(client, "client");
    }
  }

  /** What a {@code serve} request was decided under; {@code verdict} null when there was none. */
  record Decided(String policyDigest, DecidedVerdict verdict) {}

  /** The decided image's digest and the decision. */
  record DecidedVerdict(String digest, String decision) {}

  /** {@code serve.admission}: the review's uid, the client, the policy digest and each image's decision. */
  record Admission(String uid, Client client, String policyDigest, List<AdmissionImage> images)
      implements AuditDetail {
    public Admission {
      Objects.requireNonNull(client, "client");
      images = List.copyOf(images);
    }
  }

  /** One distinct image of an admission review. */
  record AdmissionImage(String image, String digest, boolean allowed, List<String> reasons) {
    public AdmissionImage {
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * {@code export}: what was released ({@code format} {@code oci} or {@code docker-archive}), where,
   * and under which policy digest (null as JSON null) and verdict.
   */
  record Export(String digest, String reference, String format, String output, int blobs, String policy,
      VerdictDocument verdict) implements AuditDetail {
    public Export {
      Objects.requireNonNull(verdict, "verdict");
    }
  }

  /** A refused {@code export}: the image asked for, the output, and the verdict (absent when null). */
  record ExportRefused(String image, String output, VerdictDocument verdict) implements AuditDetail {}

  /** {@code checkpoint.fork-alarm}: two signed roots for one tree size of one log. */
  record ForkAlarm(String origin, long size, String storedRoot, String otherRoot) implements AuditDetail {}

  /** {@code image.reject}: the image's folder or source on the medium and why (null as JSON null). */
  record ImageReject(String source, String message) implements AuditDetail {}

  /** {@code image.tag-move}: a medium moved {@code reference} from one digest to another. */
  record TagMove(String reference, String from, String to) implements AuditDetail {}

  /**
   * {@code import} of one medium: how many images were decided and rejected, the checkpoints part
   * of the report (absent when null), whether trust changed, the what-if policy (absent when null).
   */
  record ImportSummary(int images, int rejected, ImportReport.Checkpoints checkpoints, boolean trustChanged,
      String whatIf) implements AuditDetail {}

  /**
   * {@code medium.check}: the counts, and the checkpoints and trust parts of the report (each absent
   * when null).
   */
  record MediumCheckSummary(int images, int rejected, ImportReport.Checkpoints checkpoints,
      ImportReport.TrustChange trust) implements AuditDetail {}

  /** {@code checkpoint import}: the checkpoints added, how many were already stored, proofs stored, under which trust. */
  record CheckpointImport(List<CheckpointDocument> added, int unchanged, int proofsStored, String trustSnapshot)
      implements AuditDetail {
    public CheckpointImport {
      added = List.copyOf(added);
    }
  }

  /**
   * A refused {@code checkpoint import}: the file and why; with a fork, the alarm raised and the
   * two roots (all absent without one).
   */
  record CheckpointRefused(String file, String message, Fork fork) implements AuditDetail {}

  /** Fork evidence in a refusal: the alarm's id, the log, the tree size and both roots. */
  record Fork(long alarm, String origin, long treeSize, String storedRoot, String otherRoot) {}

  /** {@code checkpoint clear-alarm}: the log, how many alarms were cleared, the operator's reason. */
  record AlarmsCleared(String origin, int cleared, String reason) implements AuditDetail {}

  /** {@code audit.verify} that passed: the number of events, the head hash and the tree root. */
  record AuditVerified(long events, String head, String rootHash) implements AuditDetail {}

  /** {@code audit.verify} that failed: the first bad event and why. */
  record AuditVerifyFailed(long firstBadEvent, String message) implements AuditDetail {}

  /** A refused {@code trust.update}: why (null as JSON null), and whether an expired timestamp was accepted. */
  record TrustRefused(String message, boolean acceptExpiredTimestamp) implements AuditDetail {}

  /** {@code policy.install} of a policy delivered as a TUF target: its name, digest and source. */
  record PolicyInstall(String name, String digest, String source) implements AuditDetail {}

  /**
   * {@code policy.set}: the file, the new policy's name and digest, the previous one's (both absent
   * without one) and the line diff between them.
   */
  record PolicySet(String file, String name, String digest, String previousName, String previousDigest,
      String diff) implements AuditDetail {}

  /** {@code store.gc}: blobs removed (the first {@code removed} of them listed), their bytes, blobs kept. */
  record StoreGc(int removedBlobs, long removedBytes, int keptBlobs, List<String> removed) implements AuditDetail {
    public StoreGc {
      removed = List.copyOf(removed);
    }
  }

  /**
   * {@code image.remove}: the image's digest and names, the blobs removed (the first of them listed)
   * and their bytes, and how many of its blobs other images still hold.
   */
  record ImageRemove(String digest, List<String> names, int removedBlobs, long removedBytes, int sharedBlobsKept,
      List<String> removed) implements AuditDetail {
    public ImageRemove {
      names = List.copyOf(names);
      removed = List.copyOf(removed);
    }
  }

  /**
   * {@code audit.export}: the file's name, format, number of events, the tree it was checkpointed at,
   * the file's SHA-256, and the time window asked for (each bound absent when open).
   */
  record AuditExported(String file, String format, int events, long treeSize, String rootHash, String fileSha256,
      String since, String until) implements AuditDetail {}

  /**
   * {@code init}: the appliance id, the pinned root (file, SHA-256, version, expiry, threshold), the
   * audit key's SHA-256, whether an existing home was replaced; after {@code --force} the previous
   * appliance, its last log head and where its home was moved (absent otherwise); the policy
   * installed with it (absent without one).
   */
  record Init(String applianceId, String rootFile, String rootSha256, long rootVersion, String rootExpires,
      long rootThreshold, String auditKeySha256, boolean forced, Previous previous, InitPolicy policy)
      implements AuditDetail {}

  /** The appliance a forced {@code init} replaced: its id, log size and head, and where its home went. */
  record Previous(String applianceId, long logSize, String logHead, String home) {}

  /** The policy {@code init} installed: its file, name and digest. */
  record InitPolicy(String file, String name, String digest) {}
}

