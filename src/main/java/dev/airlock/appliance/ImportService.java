package dev.airlock.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.core.WriteLock;
import dev.airlock.core.json.AuditDetail;
import dev.airlock.core.json.Documents;
import dev.airlock.core.json.ImportReport;
import dev.airlock.core.json.VerdictDocument;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.media.ImageSource;
import dev.airlock.media.Medium;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.ImageCandidate;
import dev.airlock.oci.ImageReference;
import dev.airlock.store.BlobStore;
import dev.airlock.store.ImageImporter;
import dev.airlock.store.ImportedImage;
import dev.airlock.store.StoredImage;
import dev.airlock.tlog.CheckpointRefusedException;
import dev.airlock.tlog.CheckpointStore;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustStore;
import dev.airlock.trust.tuf.TufInstaller;
import dev.airlock.verify.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * {@code import}: one medium at a time, in the order DESIGN.md 2 and 6b require. Trust (TUF) and
 * checkpoints are verified before any image blob is copied (a dry run that installs nothing); then
 * the images are copied into the content store outside any transaction; then trust, checkpoints,
 * image records, decisions and audit events commit in one transaction. A medium refused at any step
 * leaves no trace in the store: blobs this import added are removed again.
 */
public final class ImportService {
  private ImportService() {}

  /** The import report's media type. */
  public static final String REPORT_MEDIA_TYPE = "application/vnd.airlock.import-report.v1+json";

  /**
   * Options of one import.
   *
   * @param whatIf {@code --policy FILE}: the report's decisions use it; nothing is stored from it
   */
  public record Options(Limits limits, boolean checkLayers, boolean acceptExpiredTimestamp, PolicyChoice whatIf,
      boolean checkOnly) {
    public Options(Limits limits, boolean checkLayers, boolean acceptExpiredTimestamp, PolicyChoice whatIf) {
      this(limits, checkLayers, acceptExpiredTimestamp, whatIf, false);
    }
  }

  /** The media type of a {@code medium check} report (an import report of what would happen). */
  public static final String CHECK_MEDIA_TYPE = "application/vnd.airlock.medium-check.v1+json";

  /** What the edge shows while importing: notes, and progress of the blob copy. */
  public interface Listener {
    /** A warning or a rejected part of the medium: always shown. */
    void note(String line);

    /** What the import is doing now: chatter that {@code --quiet} suppresses. */
    default void info(String line) {
      note(line);
    }

    /** A progress sink for {@code total} bytes; called from the copy threads. */
    LongConsumer progress(long total);

    void done();
  }

  /** One row of the report's table. */
  public record Row(String reference, String digest, String decision, String reasons) {}

  /** The report document and its table rows. */
  public record Report(ImportReport document, List<Row> rows) {}

  /**
   * Imports every medium under the write lock; the first refused medium stops the command.
   *
   * <p>The home's database is kept open in this process for the whole command (issue 17,
   * {@link KeptDatabase}): the import's units of work (the migration check, the trusted now, the
   * dry run, the committing transaction, the audit checkpoint after it) share one H2 open instead
   * of opening and closing the file once each. Each is still its own transaction under the write
   * lock, committed as before; only the open is shared.
   */
  public static Report importMedia(Home home, List<Path> media, Options options, AuditContext who, Listener listener)
      throws IOException {
    try (KeptDatabase kept = new KeptDatabase(home)) {
      kept.db(); // an uninitialised home or a pending migration: before the write lock, as before
      List<ImportReport.Medium> mediaReports = new ArrayList<>();
      List<Row> rows = new ArrayList<>();
      try (WriteLock lock = WriteLock.acquire(home, WriteLocks.timeout(Duration.ofSeconds(60)))) {
        // what killed imports left behind; safe only under the write lock
        Medium.sweepStaging(home);
        BlobStore.at(home).sweepTemporary();
        for (Path path : media) {
          mediaReports.add(new One(home, kept, options, who, listener, path).run(rows));
        }
      }
      return new Report(new ImportReport(options.checkOnly() ? CHECK_MEDIA_TYPE : REPORT_MEDIA_TYPE, mediaReports),
          rows);
    }
  }

  /**
   * Above this many bytes of long I/O outside any transaction (unpacking an archive medium, copying
   * blobs into the store) the import lets go of the database first and opens it again afterwards.
   * While this process has the database open, a starting {@code serve} waits for it to let go (up
   * to the busy timeout, then DATABASE_BUSY), as it waits for any command; an import of gigabytes
   * must not hold it for minutes. Below this, the copy takes about a second at most, less than a
   * second H2 open costs the command.
   */
  static final long LET_GO_ABOVE_BYTES = 64L * 1024 * 1024;

  /** Work of long I/O, run while the database may be let go. */
  @FunctionalInterface
  private interface IoWork<T> {
    T run() throws IOException;
  }

  /**
   * The home's database, kept open in this process while the import runs ({@link
   * StateViews#keepOpen}; nothing is kept if another process has it open, and each unit of work is
   * its client as before), and let go during long I/O ({@link #LET_GO_ABOVE_BYTES}).
   */
  private static final class KeptDatabase implements AutoCloseable {
    private final Home home;
    private StateViews.Kept kept;

    KeptDatabase(Home home) {
      this.home = home;
      this.kept = StateViews.keepOpen(home);
    }

    /** The handle for the next unit of work: the kept database while it is kept, else a new one. */
    Database db() {
      return Database.open(home);
    }

    /** Runs {@code work}, with the database let go first if it is about {@code bytes} of I/O. */
    <T> T letGoDuring(long bytes, IoWork<T> work) throws IOException {
      if (bytes <= LET_GO_ABOVE_BYTES || kept == null) {
        return work.run();
      }
      kept.close();
      kept = null;
      try {
        return work.run();
      } finally {
        try {
          kept = StateViews.keepOpen(home);
        } catch (AirlockException e) {
          // not kept (e.g. busy): every unit of work opens the database itself, as without keeping
        }
      }
    }

    @Override
    public void close() {
      if (kept != null) {
        kept.close();
        kept = null;
      }
    }
  }

  /** Thrown at the end of a dry run so that its transaction rolls back. */
  private static final class DryRun extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DryRun() {
      super("dry run", null, false, false);
    }
  }

  /** The image copy's I/O failure, carried out of the TUF install callback and rethrown as is. */
  private static final class CopyFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient IOException io;

    CopyFailed(IOException io) {
      super(io.getMessage(), io, false, false);
      this.io = io;
    }
  }

  /** The import of one medium. */
  private static final class One {
    final Home home;
    final KeptDatabase kept;
    final Options options;
    final AuditContext who;
    final Listener listener;
    final Path path;
    final String subject;
    final BlobStore blobs;
    // this medium's part of the report (ImportReport.Medium), filled in as the import goes
    ImportReport.TrustChange trustChange;
    ImportReport.Checkpoints checkpoints;
    String warning;
    List<ImportReport.Image> images;
    List<ImportReport.Rejected> rejected;
    final List<Row> rows = new ArrayList<>();
    dev.airlock.core.TrustedTime time;

    One(Home home, KeptDatabase kept, Options options, AuditContext who, Listener listener, Path path) {
      this.home = home;
      this.kept = kept;
      this.options = options;
      this.who = who;
      this.listener = listener;
      this.path = path;
      this.subject = path.toAbsolutePath().normalize().toString();
      // medium check: blobs are verified into a scratch store under staging, over the real one
      this.scratch = options.checkOnly() ? home.staging().resolve("check-" + java.util.UUID.randomUUID()) : null;
      this.blobs = scratch != null ? BlobStore.scratch(scratch, BlobStore.at(home)) : BlobStore.at(home);
    }

    ImportReport.Medium report() {
      return new ImportReport.Medium(subject, trustChange, checkpoints, warning, images, rejected);
    }

    final Path scratch;

    ImportReport.Medium run(List<Row> allRows) throws IOException {
      if (!options.checkOnly()) {
        return importMedium(allRows);
      }
      try {
        importMedium(allRows);
      } catch (DryRun checked) {
        // everything ran; the transaction rolled back and nothing was installed or stored
        allRows.addAll(rows);
        kept.db().transaction(tx -> tx.audit().append(who.event(time, "medium.check", subject, "ok", List.of(),
            summary())));
      } finally {
        dev.airlock.core.FileTrees.deleteQuietly(scratch);
      }
      return report();
    }

    /** The audit detail of a medium check: the report's counts, checkpoints and trust. */
    private JsonNode summary() {
      return Documents.tree(new AuditDetail.MediumCheckSummary(images == null ? 0 : images.size(),
          rejected == null ? 0 : rejected.size(), checkpoints, trustChange));
    }

    private ImportReport.Medium importMedium(List<Row> allRows) throws IOException {
      // a read (no write lock, no state version bump, nothing to commit and no audit checkpoint
      // after it: 8 to 11 ms of a small import as a writing transaction; issue 17). This process
      // holds the home's write lock, so no other import moves the trust it reads; the medium's
      // verifications advance the high-water mark in the transaction that commits, as before.
      time = kept.db().readTransaction(tx -> tx.trustedNow(who.systemClock()));
      Set<String> added = new HashSet<>();
      // an archive is unpacked into staging: long I/O for a big one
      long unpack = Files.isRegularFile(path) ? Files.size(path) : 0;
      try (Medium medium = kept.letGoDuring(unpack, () -> Medium.open(path, home, options.limits()))) {
        List<CheckpointStore.InputFile> files = new ArrayList<>();
        for (Path f : medium.checkpointFiles()) {
          files.add(new CheckpointStore.InputFile(medium.root().relativize(f).toString(),
              readBounded(f, Limits.defaults().maxJsonBytes())));
        }
        Clock clock = Clock.fixed(time.now(), ZoneOffset.UTC);
        if (medium.tufDir().isPresent()) {
          listener.info("airlock: verifying TUF repository " + medium.tufDir().get());
          // The TUF client verifies the repository once (signatures, versions, expiries, target
          // hashes); its verified install then runs twice: in a transaction that rolls back (1:
          // before any blob is copied), and in the one that commits (3). Running the whole client
          // twice cost a third of a small import (issue 17).
          try {
            TufInstaller.update(home, medium.tufDir().get(), clock, options.acceptExpiredTimestamp(), work -> {
              CopyPlan plan;
              try {
                plan = planCopy(medium, added);
              } catch (IOException e) {
                throw new CopyFailed(e);
              }
              // 1. trust and checkpoints, verified before any blob is copied; nothing is installed
              // (without a blob to copy, the transaction that commits (3) is the first to verify them)
              if (plan.copies()) {
                dryRun(() -> kept.db().transaction(tx -> {
                  TufInstaller.Result r = work.install(tx.trust());
                  // a policy target that does not parse refuses the medium: find out before copying
                  PolicyChoice.installTufPolicy(tx, r.snapshot(), time.now(), (action, subj, detail) -> { });
                  verifyCheckpoints(tx, files, r.snapshot());
                  throw new DryRun();
                }));
              }
              // 2. images: verified against their digests while copied, outside any transaction
              List<ImportedImage> copied;
              try {
                copied = copyImages(plan);
              } catch (IOException e) {
                throw new CopyFailed(e);
              }
              // 3. everything else in one transaction; the TUF metadata swap is its last step
              return kept.db().transaction(tx -> {
                TufInstaller.Result r = work.install(tx.trust());
                trustChange = new ImportReport.TrustChange(TrustStore.document(r.installed().snapshot()),
                    r.installed().contentsChanged());
                finish(tx, files, copied, r.snapshot(), r.installed().contentsChanged());
                checkOnly();
                work.finish();
                return r;
              });
            });
          } catch (CopyFailed e) {
            throw e.io;
          }
          added.clear(); // committed: the blobs are referenced now
          allRows.addAll(rows);
          return report();
        }
        CopyPlan plan = planCopy(medium, added);
        // 1. trust and checkpoints, verified before any blob is copied; nothing is installed
        // (without a blob to copy, the transaction that commits (3) is the first to verify them)
        if (plan.copies()) {
          dryRun(() -> kept.db().transaction(tx -> {
            TrustSnapshot snapshot = trust(tx).snapshot();
            verifyCheckpoints(tx, files, snapshot);
            throw new DryRun();
          }));
        }
        // 2. images: verified against their digests while copied, outside any transaction
        List<ImportedImage> copied = copyImages(plan);
        // 3. everything else in one transaction
        kept.db().transaction(tx -> {
          finish(tx, files, copied, trust(tx).snapshot(), false);
          checkOnly();
          return null;
        });
        added.clear(); // committed: the blobs are referenced now
        allRows.addAll(rows);
        return report();
      } catch (CheckpointRefused e) {
        removeAdded(added);
        refused(e.refusal.reason(), e.refusal.getMessage());
        e.refusal.fork().ifPresent(fork -> kept.db().transaction(tx -> {
          tx.checkpoints().raiseAlarm(fork, time.now());
          JsonNode d = Documents.tree(new AuditDetail.ForkAlarm(fork.origin(), fork.size(), fork.storedRootHex(),
              fork.otherRootHex()));
          tx.audit().append(who.event(time, "checkpoint.fork-alarm", fork.origin(), "raised",
              List.of(Reason.CHECKPOINT_FORK.name()), d));
          return null;
        }));
        throw AirlockException.denied(e.refusal.reason(), subject + ": medium refused: " + e.refusal.getMessage());
      } catch (AirlockException e) {
        removeAdded(added);
        if (e.kind() != AirlockException.Kind.AUDIT_FAILED) {
          refused(e.reason(), e.getMessage());
        }
        throw e;
      } catch (IOException | RuntimeException e) {
        removeAdded(added);
        throw e;
      }
    }

    /** The installed trust, in force now: a medium without tuf/ is decided under it (exit 3 if expired). */
    private TrustState trust(Transaction tx) {
      try {
        return TrustState.current(tx, time.now());
      } catch (AirlockException e) {
        if (e.reason() == Reason.TRUST_NOT_INSTALLED) {
          throw AirlockException.cannotDecide(Reason.TRUST_NOT_INSTALLED, subject + ": the medium carries no tuf/"
              + " and no trust is installed; import a medium with a TUF repository first");
        }
        throw AirlockException.cannotDecide(e.reason(), subject + ": the medium carries no tuf/ and "
            + e.getMessage());
      }
    }

    /** In {@code medium check}, ends the transaction that did everything, so that it rolls back. */
    private void checkOnly() {
      if (options.checkOnly()) {
        throw new DryRun();
      }
    }

    private void dryRun(Runnable r) {
      try {
        r.run();
      } catch (DryRun expected) {
        // verified; nothing was installed
      }
    }

    private void verifyCheckpoints(Transaction tx, List<CheckpointStore.InputFile> files, TrustSnapshot snapshot) {
      if (files.isEmpty()) {
        return;
      }
      try {
        tx.checkpoints().importFiles(files, CheckpointService.logKeys(snapshot),
            CheckpointService.witnessKeys(snapshot), time.now());
      } catch (CheckpointRefusedException e) {
        throw new CheckpointRefused(e);
      }
    }

    /** An image folder of the medium whose entry point (index.json, manifest.json) is unusable. */
    private record Unusable(String source, String reason, String message) {}

    private final List<Unusable> unusable = new ArrayList<>();

    /**
     * The medium's images as scanned, and the bytes of the blobs the store does not hold yet (each
     * listed in {@code added}, so that a refused medium leaves none behind).
     */
    private record CopyPlan(List<ImageCandidate> found, long totalBytes, long toCopy, int missing) {
      /** Whether any blob is copied into the store: only then are trust and checkpoints verified first. */
      boolean copies() {
        return missing > 0;
      }
    }

    private CopyPlan planCopy(Medium medium, Set<String> added) throws IOException {
      List<ImageCandidate> found = new ArrayList<>();
      for (ImageSource s : medium.images()) {
        try {
          found.addAll(s.scan(options.limits()));
        } catch (AirlockException e) {
          // an unusable layout (index.json, manifest.json) rejects that source only; it is listed
          // in the report as a rejected image with its folder and reason, not only mentioned
          unusable.add(new Unusable(s.name(), e.reason().name(), e.getMessage()));
        }
      }
      long total = 0;
      long toCopy = 0;
      Set<String> missing = new HashSet<>();
      for (ImageCandidate c : found) {
        for (Descriptor d : c.blobs()) {
          total += Math.max(0, d.size());
          if (!blobs.has(d.digest())) {
            added.add(d.digest().toString());
            if (missing.add(d.digest().toString())) {
              toCopy += Math.max(0, d.size());
            }
          }
        }
      }
      return new CopyPlan(found, total, toCopy, missing.size());
    }

    private List<ImportedImage> copyImages(CopyPlan plan) throws IOException {
      List<ImageCandidate> found = plan.found();
      long totalBytes = plan.totalBytes();
      List<ImportedImage> out = kept.letGoDuring(plan.toCopy(), () -> {
        List<ImportedImage> copied = new ArrayList<>();
        LongConsumer progress = listener.progress(totalBytes);
        try (ImageImporter importer = new ImageImporter(blobs, options.limits(), 2, progress)) {
          for (ImageCandidate c : found) {
            copied.add(c.problem().isPresent() ? new ImportedImage(c, false, c.problem(), 0) : importer.importImage(c));
          }
        } finally {
          listener.done();
        }
        return copied;
      });
      if (options.checkLayers()) {
        for (int i = 0; i < out.size(); i++) {
          ImportedImage ii = out.get(i);
          if (ii.stored()) {
            Optional<String> bad = dev.airlock.store.LayerCheck.check(blobs, ii.candidate().image(), options.limits());
            if (bad.isPresent()) {
              ImageCandidate c = ii.candidate().withProblem(Reason.LAYER_DIFF_ID_MISMATCH, bad.get());
              out.set(i, new ImportedImage(c, false, c.problem(), ii.copiedBytes()));
            }
          }
        }
      }
      return out;
    }

    /** Removes the blobs this import added that no stored image references (a refused medium leaves no trace). */
    private void removeAdded(Set<String> added) {
      if (added.isEmpty() || options.checkOnly()) {
        return;
      }
      try {
        Set<String> referenced = kept.db().transaction(tx -> tx.images().referencedBlobs());
        for (String d : added) {
          if (!referenced.contains(d)) {
            blobs.remove(dev.airlock.oci.Digest.parse(d));
          }
        }
      } catch (RuntimeException | IOException e) {
        listener.note("airlock: warning: could not remove the blobs of the refused medium: " + e.getMessage());
      }
    }

    private void finish(Transaction tx, List<CheckpointStore.InputFile> files, List<ImportedImage> copied,
        TrustSnapshot snapshot, boolean trustChanged) {
      Instant now = time.now();
      PolicyChoice.installTufPolicy(tx, snapshot, now, (action, subj, detail) ->
          tx.audit().append(who.event(time, action, subj, "ok", List.of(), Documents.tree(detail))));
      if (!files.isEmpty()) {
        CheckpointStore.ImportResult cr;
        try {
          cr = tx.checkpoints().importFiles(files, CheckpointService.logKeys(snapshot),
              CheckpointService.witnessKeys(snapshot), now);
        } catch (CheckpointRefusedException e) {
          throw new CheckpointRefused(e);
        }
        checkpoints = new ImportReport.Checkpoints(cr.added().size(), cr.unchanged().size(), cr.proofsStored());
      }
      boolean policyInstalled = PolicyChoice.installed(tx) != null;
      if (!policyInstalled && options.whatIf() == null) {
        warning = ("no policy is installed: images are stored undecided (POLICY_NOT_INSTALLED);"
            + " install one with 'airlock policy set FILE'");
      }
      images = new ArrayList<>();
      rejected = new ArrayList<>();
      for (Unusable u : unusable) {
        rejected.add(new ImportReport.Rejected(u.source(), null, u.reason(), u.message()));
        JsonNode d = Documents.tree(new AuditDetail.ImageReject(u.source(), u.message()));
        tx.audit().append(who.event(time, "image.reject", u.source(), "rejected", List.of(u.reason()), d));
        rows.add(new Row(u.source(), "-", "rejected", u.reason()));
      }
      BlobStore store = blobs;
      for (ImportedImage ii : copied) {
        ImageCandidate c = ii.candidate();
        String first = c.references().isEmpty() ? c.source() : c.references().get(0).toString();
        if (!ii.stored()) {
          ImageCandidate.Problem p = ii.problem().orElseThrow();
          rejected.add(new ImportReport.Rejected(c.source(), c.digest().toString(), p.reason().name(), p.message()));
          JsonNode d = Documents.tree(new AuditDetail.ImageReject(c.source(), p.message()));
          tx.audit().append(who.event(time, "image.reject", c.digest() + " " + first, "rejected",
              List.of(p.reason().name()), d));
          rows.add(new Row(first, c.digest().toString(), "rejected", p.reason().name()));
          continue;
        }
        List<String> names = c.references().stream().map(ImageReference::toString).distinct().toList();
        for (String ref : names) {
          Optional<StoredImage> before = tx.images().find(ref);
          if (before.isPresent() && !before.get().digest().equals(c.digest())) {
            // DESIGN.md 6b: a medium that moves a tag is audited, and the tag is decided afresh
            JsonNode d = Documents.tree(new AuditDetail.TagMove(ref, before.get().digest().toString(),
                c.digest().toString()));
            tx.audit().append(who.event(time, "image.tag-move", ref, "moved", List.of(), d));
          }
        }
        tx.images().record(c, now);
        List<String> asked = names.isEmpty() ? List.of(c.digest().toString()) : names;
        for (String ref : asked) {
          Decisions.Request req = new Decisions.Request(ref, CosignFlags.NONE, options.whatIf());
          Verdict v;
          boolean undecided = !policyInstalled && options.whatIf() == null;
          if (undecided) {
            v = Verdict.builder().subject(ref, c.digest().toString()).decision(Verdict.Decision.DENY)
                .time(now, time.clockBehind() ? "verified-high-water-mark" : "system")
                .check(dev.airlock.verify.Check.fail("policy.installed", Reason.POLICY_NOT_INSTALLED,
                    "no policy installed; the image is stored undecided"))
                .build();
          } else {
            v = Decisions.decide(tx, req, time, store).verdict();
          }
          VerdictDocument vd = v.document();
          String outcome = undecided ? "undecided" : v.decision().json();
          JsonNode detail = Documents.tree(options.whatIf() == null ? vd : vd.withWhatIf(options.whatIf().origin()));
          tx.audit().append(who.event(time, options.whatIf() != null ? "image.decide.what-if" : "image.decide",
              c.digest() + " " + ref, outcome, Decisions.reasonNames(v), detail));
          images.add(new ImportReport.Image(ref, c.digest().toString(), outcome, vd.reasons(), vd));
          rows.add(new Row(ref, c.digest().toString(), outcome, String.join(", ", Decisions.reasonNames(v))));
        }
      }
      tx.audit().append(who.event(time, "import", subject, "ok", List.of(), Documents.tree(
          new AuditDetail.ImportSummary(images.size(), rejected.size(), checkpoints, trustChanged,
              options.whatIf() == null ? null : options.whatIf().origin()))));
    }

    private void refused(Reason reason, String message) {
      try {
        kept.db().transaction(tx -> {
          JsonNode d = Documents.tree(new AuditDetail.Message(message));
          tx.audit().append(who.event(time, options.checkOnly() ? "medium.check" : "import", subject, "refused",
              List.of(reason.name()), d));
          return null;
        });
      } catch (AirlockException e) {
        listener.note("airlock: warning: the refused import could not be audited: " + e.getMessage());
      }
    }
  }

  static byte[] readBounded(Path f, long max) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (b.length > max) {
        throw AirlockException.denied(Reason.LIMIT_SIZE, f + ": larger than " + max + " bytes");
      }
      return b;
    }
  }
}
