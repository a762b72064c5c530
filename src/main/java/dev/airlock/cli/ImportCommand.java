package dev.airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.audit.AuditLog;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Database;
import dev.airlock.core.Home;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.core.WriteLock;
import dev.airlock.media.ImageSource;
import dev.airlock.media.Medium;
import dev.airlock.oci.ImageCandidate;
import dev.airlock.oci.ImageReference;
import dev.airlock.store.BlobStore;
import dev.airlock.store.ImageImporter;
import dev.airlock.store.ImageStore;
import dev.airlock.store.ImportedImage;
import dev.airlock.store.StoredImage;
import dev.airlock.tlog.CheckpointRefusedException;
import dev.airlock.tlog.CheckpointStore;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustStore;
import dev.airlock.trust.tuf.TufInstaller;
import dev.airlock.verify.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import", mixinStandardHelpOptions = true,
    description = {
      "Import update media: trust (tuf/), then checkpoints (checkpoints/), then images (images/).",
      "A medium is a folder or a tar archive (.tar, .tar.gz, .tar.zst). Each image is verified",
      "and decided under the policy. Exits 0 when the medium was imported, even if some images",
      "were denied (the report says which and why); 1 when the medium is refused; 3 when it",
      "cannot be read."
    })
final class ImportCommand extends BaseCommand {
  static final String REPORT_MEDIA_TYPE = "application/vnd.airlock.import-report.v1+json";

  @Parameters(paramLabel = "MEDIUM", arity = "1..*", description = "Media folders or archives.")
  List<Path> media;

  @Option(names = "--policy", paramLabel = "FILE",
      description = "Decide images under this policy instead of the installed one.")
  Path policy;

  @Option(names = "--check-layers",
      description = "Also inflate every layer (within the limits) and check the config's diff_ids.")
  boolean checkLayers;

  @Option(names = "--accept-expired-timestamp",
      description = {"Accept an expired TUF timestamp/snapshot role on the medium (as 'trust update'",
          "--accept-expired-timestamp; root and targets expiry are still enforced). Audited."})
  boolean acceptExpiredTimestamp;

  @Option(names = "--max-medium-bytes", paramLabel = "N", description = "Raise the medium size limit (default 256 GiB).")
  Long maxMediumBytes;

  @Option(names = "--max-blob-bytes", paramLabel = "N", description = "Raise the blob size limit (default 16 GiB).")
  Long maxBlobBytes;

  @Option(names = "--max-entries", paramLabel = "N", description = "Raise the entry count limit (default 100,000).")
  Long maxEntries;

  @Option(names = "--max-expansion-ratio", paramLabel = "N", description = "Raise the expansion ratio limit (default 100).")
  Long maxRatio;

  @Override
  protected ExitCode execute() throws IOException {
    Home home = home();
    Database db = Database.open(home);
    Limits limits = limits();
    PolicyChoice override = policy == null ? null : PolicyChoice.fromFile(policy);
    ObjectNode report = JsonNodeFactory.instance.objectNode();
    report.put("mediaType", REPORT_MEDIA_TYPE);
    ArrayNode mediaReports = report.putArray("media");
    List<String[]> rows = new ArrayList<>();
    try (WriteLock lock = WriteLock.acquire(home, Duration.ofSeconds(60))) {
      // what killed imports left behind; safe only under the write lock
      Medium.sweepStaging(home);
      BlobStore.at(home).sweepTemporary();
      for (Path path : media) {
        mediaReports.add(importOne(home, db, limits, path, override, rows));
      }
    }
    emit(report, table(rows));
    return ExitCode.OK;
  }

  private Limits limits() {
    Limits l = Limits.defaults();
    if (maxMediumBytes != null) {
      l = l.withMaxMediumBytes(maxMediumBytes);
    }
    if (maxBlobBytes != null) {
      l = l.withMaxBlobBytes(maxBlobBytes);
    }
    if (maxEntries != null) {
      l = l.withMaxEntries(maxEntries);
    }
    if (maxRatio != null) {
      l = l.withMaxExpansionRatio(maxRatio);
    }
    return l;
  }

  /** Imports one medium atomically: trust, checkpoints and image records commit together. */
  private ObjectNode importOne(Home home, Database db, Limits limits, Path path, PolicyChoice override,
      List<String[]> rows) throws IOException {
    String subject = path.toAbsolutePath().normalize().toString();
    Database.TrustedTime time = db.transaction(this::trustedTime);
    try (Medium medium = Medium.open(path, home, limits)) {
      // 1. images: blobs are verified against their digests and published outside any
      //    transaction (verified content may stay unreferenced if the import is refused)
      List<ImportedImage> copied = copyImages(home, medium, limits);
      List<CheckpointStore.InputFile> files = new ArrayList<>();
      for (Path f : medium.checkpointFiles()) {
        files.add(new CheckpointStore.InputFile(medium.root().relativize(f).toString(),
            readBounded(f, Limits.defaults().maxJsonBytes())));
      }
      // 2. trust, checkpoints, records, decisions and audit events: one transaction
      Outcome outcome = new Outcome(subject);
      if (medium.tufDir().isPresent()) {
        note("airlock: verifying TUF repository " + medium.tufDir().get());
        TufInstaller.update(home, medium.tufDir().get(), java.time.Clock.fixed(time.now(), java.time.ZoneOffset.UTC),
            acceptExpiredTimestamp, (tx, r) -> {
              outcome.trust = TrustStore.describe(r.installed().snapshot());
              outcome.trustChanged = r.installed().contentsChanged();
              finish(tx, time, files, copied, r.snapshot(), override, outcome);
            });
      } else {
        db.transaction(tx -> {
          TrustSnapshot snapshot = TrustStore.current(tx).orElseThrow(() -> AirlockException.cannotDecide(
              Reason.TRUST_NOT_INSTALLED, subject + ": the medium carries no tuf/ and no trust is installed; "
                  + "import a medium with a TUF repository first"));
          finish(tx, time, files, copied, snapshot, override, outcome);
          return null;
        });
      }
      rows.addAll(outcome.rows);
      return outcome.report;
    } catch (CheckpointRefused e) {
      refused(db, time, subject, e.refusal.reason(), e.refusal.getMessage());
      e.refusal.fork().ifPresent(fork -> db.transaction(tx -> {
        CheckpointStore.raiseAlarm(tx, fork, time.now());
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("origin", fork.origin());
        d.put("size", fork.size());
        d.put("storedRoot", fork.storedRootHex());
        d.put("otherRoot", fork.otherRootHex());
        AuditLog.append(tx, auditEvent(time, "checkpoint.fork-alarm", fork.origin(), "raised",
            List.of(Reason.CHECKPOINT_FORK.name()), d));
        return null;
      }));
      throw AirlockException.denied(e.refusal.reason(), subject + ": medium refused: " + e.refusal.getMessage());
    } catch (AirlockException e) {
      if (e.kind() != AirlockException.Kind.AUDIT_FAILED) {
        refused(db, time, subject, e.reason(), e.getMessage());
      }
      throw e;
    }
  }

  /** Carries a checkpoint refusal out of the transaction so that it rolls back. */
  private static final class CheckpointRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient CheckpointRefusedException refusal;

    CheckpointRefused(CheckpointRefusedException e) {
      super(e.getMessage(), e);
      this.refusal = e;
    }
  }

  /** What one medium's import did, filled inside the transaction. */
  private static final class Outcome {
    final ObjectNode report = JsonNodeFactory.instance.objectNode();
    final List<String[]> rows = new ArrayList<>();
    JsonNode trust;
    boolean trustChanged;

    Outcome(String medium) {
      report.put("medium", medium);
    }
  }

  private List<ImportedImage> copyImages(Home home, Medium medium, Limits limits) throws IOException {
    List<ImageCandidate> found = new ArrayList<>();
    for (ImageSource s : medium.images()) {
      try {
        found.addAll(s.scan(limits));
      } catch (AirlockException e) {
        // an unusable layout (index.json, manifest.json) rejects that source only
        note("airlock: " + e.getMessage());
      }
    }
    long total = 0;
    for (ImageCandidate c : found) {
      for (dev.airlock.oci.Descriptor d : c.blobs()) {
        total += Math.max(0, d.size());
      }
    }
    List<ImportedImage> out = new ArrayList<>();
    Progress progress = new Progress(!json() && System.console() != null ? err() : null, total);
    try (ImageImporter importer = new ImageImporter(BlobStore.at(home), limits, 2, progress::add)) {
      for (ImageCandidate c : found) {
        out.add(c.problem().isPresent()
            ? new ImportedImage(c, false, c.problem(), 0)
            : importer.importImage(c));
      }
    } finally {
      progress.done();
    }
    if (checkLayers) {
      BlobStore blobs = BlobStore.at(home);
      for (int i = 0; i < out.size(); i++) {
        ImportedImage ii = out.get(i);
        if (ii.stored()) {
          Optional<String> bad = dev.airlock.store.LayerCheck.check(blobs, ii.candidate().image(), limits);
          if (bad.isPresent()) {
            ImageCandidate c = ii.candidate().withProblem(Reason.LAYER_DIFF_ID_MISMATCH, bad.get());
            out.set(i, new ImportedImage(c, false, c.problem(), ii.copiedBytes()));
          }
        }
      }
    }
    return out;
  }

  private void finish(Connection tx, Database.TrustedTime time, List<CheckpointStore.InputFile> files,
      List<ImportedImage> copied, TrustSnapshot snapshot, PolicyChoice override, Outcome outcome)
      throws SQLException {
    Instant now = time.now();
    ObjectNode r = outcome.report;
    if (outcome.trust != null) {
      ObjectNode t = r.putObject("trust");
      t.set("snapshot", outcome.trust);
      t.put("changed", outcome.trustChanged);
    }
    PolicyChoice.installTufPolicy(tx, snapshot, now, (action, subj, detail) ->
        AuditLog.append(tx, auditEvent(time, action, subj, "ok", List.of(), detail)));

    // checkpoints, under the trust this medium installs (all-or-nothing)
    if (!files.isEmpty()) {
      CheckpointStore.ImportResult cr;
      try {
        cr = CheckpointStore.importFiles(tx, files, CheckpointCommand.logKeys(snapshot),
            CheckpointCommand.witnessKeys(snapshot), now);
      } catch (CheckpointRefusedException e) {
        throw new CheckpointRefused(e);
      }
      ObjectNode c = r.putObject("checkpoints");
      c.put("added", cr.added().size());
      c.put("unchanged", cr.unchanged().size());
      c.put("proofs", cr.proofsStored());
    }

    PolicyChoice choice = override != null ? override : PolicyChoice.installed(tx);
    ArrayNode images = r.putArray("images");
    ArrayNode rejected = r.putArray("rejected");
    for (ImportedImage ii : copied) {
      ImageCandidate c = ii.candidate();
      String ref = c.references().isEmpty() ? c.source() : c.references().get(0).toString();
      if (!ii.stored()) {
        ImageCandidate.Problem p = ii.problem().orElseThrow();
        ObjectNode j = rejected.addObject();
        j.put("source", c.source());
        j.put("digest", c.digest().toString());
        j.put("reason", p.reason().name());
        j.put("message", p.message());
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("source", c.source());
        d.put("message", p.message());
        AuditLog.append(tx, auditEvent(time, "image.reject", c.digest() + " " + ref, "rejected",
            List.of(p.reason().name()), d));
        outcome.rows.add(new String[] {ref, c.digest().toString(), "rejected", p.reason().name()});
        continue;
      }
      ImageStore.record(tx, c, now);
      StoredImage stored = ImageStore.find(tx, c.digest().toString()).orElseThrow();
      Verdict v = decide(tx, stored, snapshot, choice, time, null, ImageDecisions.Flags.NONE,
          BlobStore.at(home()));
      ObjectNode vj = v.toJson();
      ImageStore.setDecision(tx, c.digest(), v.decision().json(), vj.toString(), now);
      AuditLog.append(tx, auditEvent(time, "image.decide", c.digest() + " " + ref, v.decision().json(),
          reasonNames(v), vj));
      ObjectNode j = images.addObject();
      j.put("reference", ref);
      j.put("digest", c.digest().toString());
      j.put("decision", v.decision().json());
      j.set("reasons", vj.path("reasons"));
      j.set("verdict", vj);
      outcome.rows.add(new String[] {ref, c.digest().toString(), v.decision().json(), String.join(", ", reasonNames(v))});
    }
    ObjectNode summary = JsonNodeFactory.instance.objectNode();
    summary.put("images", images.size());
    summary.put("rejected", rejected.size());
    if (r.has("checkpoints")) {
      summary.set("checkpoints", r.get("checkpoints"));
    }
    summary.put("trustChanged", outcome.trustChanged);
    AuditLog.append(tx, auditEvent(time, "import", r.path("medium").asText(), "ok", List.of(), summary));
  }

  /** Decides one stored image in {@code tx} with the given policy and trust. */
  static Verdict decide(Connection tx, StoredImage image, TrustSnapshot snapshot, PolicyChoice choice,
      Database.TrustedTime time, String requestedAs, ImageDecisions.Flags flags, BlobStore blobs)
      throws SQLException {
    dev.airlock.policy.Context ctx = context(tx, snapshot, time);
    if (choice == null) {
      return Verdict.builder().subject(requestedAs, image.digest().toString())
          .decision(Verdict.Decision.DENY).time(ctx.now(), ctx.timeSource())
          .trust(ctx.tufRootVersion(), ctx.trustSnapshot())
          .check(dev.airlock.verify.Check.fail("policy.installed", Reason.POLICY_NOT_INSTALLED,
              "no policy installed; set one with 'airlock policy set FILE' or pass --policy"))
          .build();
    }
    return ImageDecisions.decide(tx, choice.policy(), image, requestedAs, snapshot, blobs, ctx, flags);
  }

  static dev.airlock.policy.Context context(Connection tx, TrustSnapshot snapshot, Database.TrustedTime time)
      throws SQLException {
    java.util.Map<String, Long> cps = new java.util.TreeMap<>();
    for (CheckpointStore.StoredCheckpoint c : CheckpointStore.list(tx)) {
      cps.merge(c.origin(), c.size(), Math::max);
    }
    return new dev.airlock.policy.Context(time.now(), time.clockBehind() ? "verified-high-water-mark" : "system",
        snapshot.tufRootVersion() == 0 ? null : snapshot.tufRootVersion(), snapshot.id(), cps);
  }

  static List<String> reasonNames(Verdict v) {
    return v.reasons().stream().map(Enum::name).toList();
  }

  private void refused(Database db, Database.TrustedTime time, String subject, Reason reason, String message) {
    try {
      db.transaction(tx -> {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("message", message);
        AuditLog.append(tx, auditEvent(time, "import", subject, "refused", List.of(reason.name()), d));
        return null;
      });
    } catch (AirlockException e) {
      note("airlock: warning: the refused import could not be audited: " + e.getMessage());
    }
  }

  private static byte[] readBounded(Path f, long max) throws IOException {
    try (java.io.InputStream in = Files.newInputStream(f)) {
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (b.length > max) {
        throw AirlockException.denied(Reason.LIMIT_SIZE, f + ": larger than " + max + " bytes");
      }
      return b;
    }
  }

  private static String table(List<String[]> rows) {
    if (rows.isEmpty()) {
      return "No images on the medium.";
    }
    int w0 = "IMAGE".length();
    for (String[] r : rows) {
      w0 = Math.max(w0, r[0].length());
    }
    StringBuilder sb = new StringBuilder();
    String fmt = "%-" + w0 + "s  %-19s  %-8s  %s%n";
    sb.append(String.format(Locale.ROOT, fmt, "IMAGE", "DIGEST", "DECISION", "REASONS"));
    for (String[] r : rows) {
      String d = r[1].length() > 19 ? r[1].substring(0, 19) : r[1];
      sb.append(String.format(Locale.ROOT, fmt, r[0], d, r[2], r[3].isEmpty() ? "-" : r[3]));
    }
    long admitted = rows.stream().filter(r -> r[2].equals("admit")).count();
    sb.append(rows.size()).append(" image(s): ").append(admitted).append(" admitted, ")
        .append(rows.size() - admitted).append(" denied or rejected.");
    return sb.toString();
  }

  /** A progress line on stderr: bytes copied, rate and estimated time left (terminal only). */
  private final class Progress {
    private final java.io.PrintWriter out;
    private final long total;
    private final long start = System.nanoTime();
    private long bytes;
    private long lastPrint;

    Progress(java.io.PrintWriter out, long total) {
      this.out = out;
      this.total = total;
    }

    synchronized void add(long n) {
      bytes += n;
      if (out == null) {
        return;
      }
      long t = System.nanoTime();
      if (t - lastPrint < 200_000_000L) {
        return;
      }
      lastPrint = t;
      double secs = Math.max(1e-3, (t - start) / 1e9);
      double rate = bytes / secs;
      long left = rate > 0 && total > bytes ? (long) ((total - bytes) / rate) : 0;
      int width = 30;
      int done = total > 0 ? (int) Math.min(width, width * bytes / total) : 0;
      out.printf(Locale.ROOT, "\r  [%s%s] %s of %s at %s/s, %d:%02d left   ", "#".repeat(done),
          " ".repeat(width - done), human(bytes), human(total), human((long) rate), left / 60, left % 60);
      out.flush();
    }

    void done() {
      if (out != null && bytes > 0) {
        out.printf(Locale.ROOT, "\r  copied %s%n", human(bytes));
        out.flush();
      }
    }
  }

  static String human(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String[] u = {"KiB", "MiB", "GiB", "TiB"};
    double v = b;
    int i = -1;
    while (v >= 1024 && i < u.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, u[i]);
  }

  /** The normalised repository of a reference, for messages. */
  static String repository(String reference) {
    try {
      return ImageReference.parse(reference).repository();
    } catch (RuntimeException e) {
      return reference;
    }
  }
}
