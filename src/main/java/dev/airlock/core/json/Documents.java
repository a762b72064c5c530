package dev.airlock.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.airlock.core.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The one serialiser of the documents airlock writes (issue 12): each {@link Document} record is
 * written here, field by field, with a streaming {@link JsonGenerator} of the shared {@link Json}
 * factory. Streaming rather than databind: the mercure path starts one JVM per {@code verify}, and
 * a reflective introspection of these records on first use would be class loading on every start.
 * The field order, and which fields are absent rather than {@code null}, are the contracts of
 * DESIGN.md; each record's javadoc states them, and this class implements exactly that.
 */
public final class Documents {
  private static final JsonFactory FACTORY = Json.mapper().getFactory();

  private Documents() {}

  /** Compact JSON of one document (what {@code --json} prints and what is stored). */
  public static String write(Document d) {
    StringWriter w = new StringWriter(1024);
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      document(g, d);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a document", e);
    }
    return w.toString();
  }

  /** Compact JSON of a list of documents as one array ({@code verify} of several images). */
  public static String writeArray(List<? extends Document> ds) {
    StringWriter w = new StringWriter(1024 * Math.max(1, ds.size()));
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      g.writeStartArray();
      for (Document d : ds) {
        document(g, d);
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write documents", e);
    }
    return w.toString();
  }

  /**
   * The same document as a tree, for the places that still take one (audit event details, until
   * they are typed too): written by this class into a token buffer, never re-parsed from text.
   */
  public static JsonNode tree(Document d) {
    try (TokenBuffer buf = new TokenBuffer(Json.mapper(), false)) {
      document(buf, d);
      return Json.mapper().readTree(buf.asParser());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build a document tree", e);
    }
  }

  private static void document(JsonGenerator g, Document d) throws IOException {
    if (d instanceof VerdictDocument v) {
      verdict(g, v);
    } else if (d instanceof ErrorDocument e) {
      error(g, e);
    } else if (d instanceof ApiErrorDocument e) {
      apiError(g, e);
    } else if (d instanceof ImportReport r) {
      importReport(g, r);
    } else if (d instanceof SnapshotDocument s) {
      snapshot(g, s);
    } else if (d instanceof ExportDocument e) {
      export(g, e);
    } else if (d instanceof CheckpointDocument c) {
      checkpoint(g, c);
    } else if (d instanceof TrustUpdateDocument t) {
      trustUpdate(g, t);
    } else if (d instanceof InitDocument i) {
      g.writeStartObject();
      g.writeStringField("home", i.home());
      g.writeStringField("applianceId", i.applianceId());
      g.writeNumberField("rootVersion", i.rootVersion());
      g.writeStringField("rootExpires", i.rootExpires());
      g.writeStringField("auditPublicKey", i.auditPublicKey());
      g.writeStringField("auditPublicKeyFile", i.auditPublicKeyFile());
      g.writeEndObject();
    } else if (d instanceof AuditDetail a) {
      auditDetail(g, a);
    } else if (d instanceof PolicyInstallDocument p) {
      g.writeStartObject();
      policySet(g, p.set());
      g.writeStringField("mediaType", PolicyInstallDocument.MEDIA_TYPE);
      g.writeStringField("installedAt", p.installedAt());
      g.writeEndObject();
    } else if (d instanceof StoreGcDocument s) {
      g.writeStartObject();
      g.writeStringField("mediaType", StoreGcDocument.MEDIA_TYPE);
      g.writeNumberField("removedBlobs", s.removedBlobs());
      g.writeNumberField("removedBytes", s.removedBytes());
      g.writeNumberField("keptBlobs", s.keptBlobs());
      g.writeNumberField("temporaryFiles", s.temporaryFiles());
      strings(g, "removed", s.removed());
      g.writeEndObject();
    } else {
      throw new IllegalArgumentException("not a document type: " + d.getClass().getName());
    }
  }

  // ---- application/vnd.airlock.verdict.v1+json (DESIGN.md 5) -----------------------------------

  private static void verdict(JsonGenerator g, VerdictDocument v) throws IOException {
    g.writeStartObject();
    g.writeStringField("mediaType", VerdictDocument.MEDIA_TYPE);
    g.writeObjectFieldStart("subject");
    optional(g, "reference", v.subject().reference());
    optional(g, "digest", v.subject().digest());
    g.writeEndObject();
    g.writeStringField("decision", v.decision());
    if (v.policy() != null) {
      g.writeObjectFieldStart("policy");
      optional(g, "name", v.policy().name());
      optional(g, "digest", v.policy().digest());
      optional(g, "mode", v.policy().mode());
      g.writeEndObject();
    }
    g.writeObjectFieldStart("trust");
    if (v.trust().tufRootVersion() != null) {
      g.writeNumberField("tufRootVersion", v.trust().tufRootVersion());
    }
    optional(g, "trustedRoot", v.trust().trustedRoot());
    g.writeObjectFieldStart("checkpoints");
    for (Map.Entry<String, Long> e : v.trust().checkpoints().entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
    g.writeEndObject();
    g.writeObjectFieldStart("time");
    g.writeStringField("now", v.time().now());
    g.writeStringField("source", v.time().source());
    optional(g, "validUntil", v.time().validUntil());
    g.writeEndObject();
    g.writeArrayFieldStart("signatures");
    for (VerdictDocument.Signature s : v.signatures()) {
      g.writeStartObject();
      optional(g, "authority", s.authority());
      g.writeStringField("kind", s.kind());
      optional(g, "identity", s.identity());
      optional(g, "issuer", s.issuer());
      optional(g, "signedAt", s.signedAt());
      optional(g, "timeSource", s.timeSource());
      checks(g, s.checks());
      g.writeEndObject();
    }
    g.writeEndArray();
    if (!v.checks().isEmpty()) {
      checks(g, v.checks());
    }
    if (v.threshold() != null) {
      g.writeObjectFieldStart("threshold");
      g.writeNumberField("required", v.threshold().required());
      g.writeNumberField("satisfied", v.threshold().satisfied());
      g.writeEndObject();
    }
    strings(g, "reasons", v.reasons());
    if (!v.warnings().isEmpty()) {
      strings(g, "warnings", v.warnings());
    }
    optional(g, "bundle", v.bundle());
    optional(g, "predicateType", v.predicateType());
    optional(g, "whatIf", v.whatIf());
    optional(g, "flags", v.flags());
    if (v.cached()) {
      g.writeBooleanField("cached", true);
    }
    g.writeEndObject();
  }

  private static void checks(JsonGenerator g, List<VerdictDocument.Check> checks) throws IOException {
    g.writeArrayFieldStart("checks");
    for (VerdictDocument.Check c : checks) {
      g.writeStartObject();
      g.writeStringField("id", c.id());
      g.writeStringField("outcome", c.outcome());
      optional(g, "reason", c.reason());
      optional(g, "expected", c.expected());
      optional(g, "actual", c.actual());
      optional(g, "detail", c.detail());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  // ---- import report and medium check -----------------------------------------------------------

  private static void importReport(JsonGenerator g, ImportReport r) throws IOException {
    g.writeStartObject();
    g.writeStringField("mediaType", r.mediaType());
    g.writeArrayFieldStart("media");
    for (ImportReport.Medium m : r.media()) {
      g.writeStartObject();
      g.writeStringField("medium", m.medium());
      trustChange(g, m.trust());
      checkpoints(g, m.checkpoints());
      optional(g, "warning", m.warning());
      if (m.images() != null) {
        g.writeArrayFieldStart("images");
        for (ImportReport.Image i : m.images()) {
          g.writeStartObject();
          g.writeStringField("reference", i.reference());
          g.writeStringField("digest", i.digest());
          g.writeStringField("decision", i.decision());
          strings(g, "reasons", i.reasons());
          g.writeFieldName("verdict");
          verdict(g, i.verdict());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      if (m.rejected() != null) {
        g.writeArrayFieldStart("rejected");
        for (ImportReport.Rejected x : m.rejected()) {
          g.writeStartObject();
          g.writeStringField("source", x.source());
          optional(g, "digest", x.digest());
          g.writeStringField("reason", x.reason());
          g.writeStringField("message", x.message());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** {@code trust}: absent when null. */
  private static void trustChange(JsonGenerator g, ImportReport.TrustChange t) throws IOException {
    if (t != null) {
      g.writeObjectFieldStart("trust");
      g.writeFieldName("snapshot");
      snapshot(g, t.snapshot());
      g.writeBooleanField("changed", t.changed());
      g.writeEndObject();
    }
  }

  /** {@code checkpoints}: absent when null. */
  private static void checkpoints(JsonGenerator g, ImportReport.Checkpoints c) throws IOException {
    if (c != null) {
      g.writeObjectFieldStart("checkpoints");
      g.writeNumberField("added", c.added());
      g.writeNumberField("unchanged", c.unchanged());
      g.writeNumberField("proofs", c.proofs());
      g.writeEndObject();
    }
  }

  private static void snapshot(JsonGenerator g, SnapshotDocument s) throws IOException {
    g.writeStartObject();
    g.writeNumberField("seq", s.seq());
    g.writeStringField("id", s.id());
    g.writeStringField("installedAt", s.installedAt());
    g.writeStringField("source", s.source());
    g.writeObjectFieldStart("tuf");
    role(g, "root", s.root());
    role(g, "timestamp", s.timestamp());
    role(g, "snapshot", s.snapshot());
    role(g, "targets", s.targets());
    g.writeEndObject();
    g.writeBooleanField("expiredTimestampAccepted", s.expiredTimestampAccepted());
    g.writeEndObject();
  }

  private static void role(JsonGenerator g, String name, SnapshotDocument.Role r) throws IOException {
    g.writeObjectFieldStart(name);
    g.writeNumberField("version", r.version());
    g.writeStringField("expires", r.expires());
    g.writeEndObject();
  }

  // ---- export --json ----------------------------------------------------------------------------

  private static void export(JsonGenerator g, ExportDocument e) throws IOException {
    g.writeStartObject();
    g.writeStringField("mediaType", ExportDocument.MEDIA_TYPE);
    g.writeStringField("digest", e.digest());
    g.writeStringField("reference", e.reference());
    g.writeStringField("format", e.format());
    g.writeStringField("output", e.output());
    g.writeNumberField("blobs", e.blobs());
    g.writeStringField("policy", e.policy());
    strings(g, "references", e.references());
    g.writeEndObject();
  }

  // ---- checkpoints ------------------------------------------------------------------------------

  private static void checkpoint(JsonGenerator g, CheckpointDocument c) throws IOException {
    g.writeStartObject();
    g.writeStringField("origin", c.origin());
    g.writeNumberField("treeSize", c.treeSize());
    g.writeStringField("rootHash", c.rootHash());
    g.writeStringField("signer", c.signer());
    g.writeStringField("keyHint", c.keyHint());
    g.writeNumberField("witnesses", c.witnesses());
    g.writeStringField("importedAt", c.importedAt());
    g.writeEndObject();
  }

  // ---- audit event details (stored canonically: the order here is for people) ---------------------

  private static void auditDetail(JsonGenerator g, AuditDetail d) throws IOException {
    g.writeStartObject();
    if (d instanceof AuditDetail.Message m) {
      g.writeStringField("message", m.message());
    } else if (d instanceof AuditDetail.ServeStart s) {
      g.writeStringField("listen", s.listen());
      g.writeBooleanField("tls", s.tls());
      g.writeBooleanField("clientCertificates", s.clientCertificates());
    } else if (d instanceof AuditDetail.ServeRequest r) {
      client(g, r.client());
      if (r.decided() != null) {
        g.writeStringField("policyDigest", r.decided().policyDigest());
        if (r.decided().verdict() != null) {
          g.writeStringField("digest", r.decided().verdict().digest());
          g.writeStringField("decision", r.decided().verdict().decision());
        }
      }
      optional(g, "message", r.message());
    } else if (d instanceof AuditDetail.Admission a) {
      g.writeStringField("uid", a.uid());
      client(g, a.client());
      g.writeStringField("policyDigest", a.policyDigest());
      g.writeArrayFieldStart("images");
      for (AuditDetail.AdmissionImage i : a.images()) {
        g.writeStartObject();
        g.writeStringField("image", i.image());
        g.writeStringField("digest", i.digest());
        g.writeBooleanField("allowed", i.allowed());
        strings(g, "reasons", i.reasons());
        g.writeEndObject();
      }
      g.writeEndArray();
    } else if (d instanceof AuditDetail.Export e) {
      g.writeStringField("digest", e.digest());
      g.writeStringField("reference", e.reference());
      g.writeStringField("format", e.format());
      g.writeStringField("output", e.output());
      g.writeNumberField("blobs", e.blobs());
      g.writeStringField("policy", e.policy());
      g.writeFieldName("verdict");
      verdict(g, e.verdict());
    } else if (d instanceof AuditDetail.ExportRefused e) {
      g.writeStringField("image", e.image());
      g.writeStringField("output", e.output());
      if (e.verdict() != null) {
        g.writeFieldName("verdict");
        verdict(g, e.verdict());
      }
    } else if (d instanceof AuditDetail.ForkAlarm f) {
      g.writeStringField("origin", f.origin());
      g.writeNumberField("size", f.size());
      g.writeStringField("storedRoot", f.storedRoot());
      g.writeStringField("otherRoot", f.otherRoot());
    } else if (d instanceof AuditDetail.ImageReject r) {
      g.writeStringField("source", r.source());
      g.writeStringField("message", r.message());
    } else if (d instanceof AuditDetail.TagMove t) {
      g.writeStringField("reference", t.reference());
      g.writeStringField("from", t.from());
      g.writeStringField("to", t.to());
    } else if (d instanceof AuditDetail.ImportSummary s) {
      g.writeNumberField("images", s.images());
      g.writeNumberField("rejected", s.rejected());
      checkpoints(g, s.checkpoints());
      g.writeBooleanField("trustChanged", s.trustChanged());
      optional(g, "whatIf", s.whatIf());
    } else if (d instanceof AuditDetail.MediumCheckSummary s) {
      g.writeNumberField("images", s.images());
      g.writeNumberField("rejected", s.rejected());
      checkpoints(g, s.checkpoints());
      trustChange(g, s.trust());
    } else if (d instanceof AuditDetail.CheckpointImport c) {
      g.writeArrayFieldStart("added");
      for (CheckpointDocument x : c.added()) {
        checkpoint(g, x);
      }
      g.writeEndArray();
      g.writeNumberField("unchanged", c.unchanged());
      g.writeNumberField("proofsStored", c.proofsStored());
      g.writeStringField("trustSnapshot", c.trustSnapshot());
    } else if (d instanceof AuditDetail.CheckpointRefused c) {
      g.writeStringField("file", c.file());
      g.writeStringField("message", c.message());
      if (c.fork() != null) {
        g.writeNumberField("alarm", c.fork().alarm());
        g.writeStringField("origin", c.fork().origin());
        g.writeNumberField("treeSize", c.fork().treeSize());
        g.writeStringField("storedRoot", c.fork().storedRoot());
        g.writeStringField("otherRoot", c.fork().otherRoot());
      }
    } else if (d instanceof AuditDetail.AlarmsCleared c) {
      g.writeStringField("origin", c.origin());
      g.writeNumberField("cleared", c.cleared());
      g.writeStringField("reason", c.reason());
    } else if (d instanceof AuditDetail.AuditVerified v) {
      g.writeNumberField("events", v.events());
      g.writeStringField("head", v.head());
      g.writeStringField("rootHash", v.rootHash());
    } else if (d instanceof AuditDetail.AuditVerifyFailed f) {
      g.writeNumberField("firstBadEvent", f.firstBadEvent());
      g.writeStringField("message", f.message());
    } else if (d instanceof AuditDetail.TrustRefused t) {
      g.writeStringField("message", t.message());
      g.writeBooleanField("acceptExpiredTimestamp", t.acceptExpiredTimestamp());
    } else if (d instanceof AuditDetail.PolicyInstall p) {
      g.writeStringField("name", p.name());
      g.writeStringField("digest", p.digest());
      g.writeStringField("source", p.source());
    } else if (d instanceof AuditDetail.PolicySet p) {
      policySet(g, p);
    } else if (d instanceof AuditDetail.StoreGc s) {
      g.writeNumberField("removedBlobs", s.removedBlobs());
      g.writeNumberField("removedBytes", s.removedBytes());
      g.writeNumberField("keptBlobs", s.keptBlobs());
      strings(g, "removed", s.removed());
    } else if (d instanceof AuditDetail.ImageRemove r) {
      g.writeStringField("digest", r.digest());
      strings(g, "names", r.names());
      g.writeNumberField("removedBlobs", r.removedBlobs());
      g.writeNumberField("removedBytes", r.removedBytes());
      g.writeNumberField("sharedBlobsKept", r.sharedBlobsKept());
      strings(g, "removed", r.removed());
    } else if (d instanceof AuditDetail.AuditExported e) {
      g.writeStringField("file", e.file());
      g.writeStringField("format", e.format());
      g.writeNumberField("events", e.events());
      g.writeNumberField("treeSize", e.treeSize());
      g.writeStringField("rootHash", e.rootHash());
      g.writeStringField("fileSha256", e.fileSha256());
      optional(g, "since", e.since());
      optional(g, "until", e.until());
    } else if (d instanceof AuditDetail.Init i) {
      g.writeStringField("applianceId", i.applianceId());
      g.writeStringField("rootFile", i.rootFile());
      g.writeStringField("rootSha256", i.rootSha256());
      g.writeNumberField("rootVersion", i.rootVersion());
      g.writeStringField("rootExpires", i.rootExpires());
      g.writeNumberField("rootThreshold", i.rootThreshold());
      g.writeStringField("auditKeySha256", i.auditKeySha256());
      g.writeBooleanField("forced", i.forced());
      if (i.previous() != null) {
        g.writeStringField("previousApplianceId", i.previous().applianceId());
        g.writeObjectFieldStart("previousLogHead");
        g.writeNumberField("size", i.previous().logSize());
        g.writeStringField("hash", i.previous().logHead());
        g.writeEndObject();
        g.writeStringField("previousHome", i.previous().home());
      }
      if (i.policy() != null) {
        g.writeObjectFieldStart("policy");
        g.writeStringField("file", i.policy().file());
        g.writeStringField("name", i.policy().name());
        g.writeStringField("digest", i.policy().digest());
        g.writeEndObject();
      }
    } else {
      throw new IllegalArgumentException("not an audit detail type: " + d.getClass().getName());
    }
    g.writeEndObject();
  }

  private static void trustUpdate(JsonGenerator g, TrustUpdateDocument t) throws IOException {
    g.writeStartObject();
    g.writeStringField("mediaType", TrustUpdateDocument.MEDIA_TYPE);
    g.writeFieldName("snapshot");
    snapshot(g, t.snapshot());
    g.writeBooleanField("newSnapshot", t.newSnapshot());
    g.writeBooleanField("contentsChanged", t.contentsChanged());
    strings(g, "added", t.added());
    strings(g, "removed", t.removed());
    strings(g, "changed", t.changed());
    g.writeBooleanField("expiredTimestampAccepted", t.expiredTimestampAccepted());
    g.writeObjectFieldStart("clock");
    g.writeStringField("trustedTime", t.clock().trustedTime());
    g.writeStringField("systemTime", t.clock().systemTime());
    optional(g, "highestVerifiedTime", t.clock().highestVerifiedTime());
    g.writeBooleanField("systemClockBehind", t.clock().systemClockBehind());
    g.writeEndObject();
    g.writeEndObject();
  }

  /** The fields of {@code policy.set} (inside an object the caller opened). */
  private static void policySet(JsonGenerator g, AuditDetail.PolicySet p) throws IOException {
    g.writeStringField("file", p.file());
    g.writeStringField("name", p.name());
    g.writeStringField("digest", p.digest());
    optional(g, "previousName", p.previousName());
    optional(g, "previousDigest", p.previousDigest());
    g.writeStringField("diff", p.diff());
  }

  private static void client(JsonGenerator g, AuditDetail.Client c) throws IOException {
    g.writeStringField("client", c.address());
    optional(g, "clientCertificate", c.certificateSubject());
  }

  // ---- errors ----------------------------------------------------------------------------------

  private static void error(JsonGenerator g, ErrorDocument e) throws IOException {
    g.writeStartObject();
    g.writeStringField("mediaType", ErrorDocument.MEDIA_TYPE);
    g.writeNumberField("exitCode", e.exitCode());
    optional(g, "reason", e.reason());
    g.writeStringField("message", e.message());
    g.writeEndObject();
  }

  private static void apiError(JsonGenerator g, ApiErrorDocument e) throws IOException {
    g.writeStartObject();
    g.writeStringField("error", e.error());
    g.writeStringField("message", e.message());
    g.writeEndObject();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** A field that is absent, not {@code null}, when the value is null. */
  private static void optional(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  private static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
    g.writeArrayFieldStart(name);
    for (String s : values) {
      g.writeString(s);
    }
    g.writeEndArray();
  }
}
