package dev.airlock.cli;

import dev.airlock.appliance.ImportService;
import dev.airlock.appliance.PolicyChoice;
import dev.airlock.core.Limits;
import dev.airlock.oci.ImageReference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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
class ImportCommand extends BaseCommand {
  static final String REPORT_MEDIA_TYPE = ImportService.REPORT_MEDIA_TYPE;

  @Parameters(paramLabel = "MEDIUM", arity = "1..*", description = "Media folders or archives.")
  List<Path> media;

  @Option(names = "--policy", paramLabel = "FILE",
      description = "What-if: report the decisions under this policy file; nothing of them is stored.")
  Path policy;

  @Option(names = "--check-layers",
      description = "Also inflate every layer (within the limits) and check the config's diff_ids.")
  boolean checkLayers;

  @Option(names = "--accept-expired-timestamp",
      description = "Accept an expired TUF timestamp/snapshot role on the medium (as 'trust update'"
          + " --accept-expired-timestamp; root and targets expiry are still enforced). Audited.")
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
    Limits limits = limits(); // usage errors first
    PolicyChoice whatIf = policy == null ? null : PolicyChoice.fromFile(policy);
    ImportService.Report r = ImportService.importMedia(home(), media,
        new ImportService.Options(limits, checkLayers, acceptExpiredTimestamp, whatIf, checkOnly()), auditContext(),
        new ImportService.Listener() {
          Progress progress;

          @Override
          public void note(String line) {
            ImportCommand.this.note(line);
          }

          @Override
          public void info(String line) {
            ImportCommand.this.info(line);
          }

          @Override
          public java.util.function.LongConsumer progress(long total) {
            progress = new Progress(!json() && !quiet() && System.console() != null ? err() : null, total);
            return progress::add;
          }

          @Override
          public void done() {
            if (progress != null) {
              progress.done();
            }
          }
        });
    for (dev.airlock.core.json.ImportReport.Medium m : r.document().media()) {
      if (m.warning() != null) {
        note("airlock: warning: " + m.warning());
      }
    }
    String human = table(r.rows());
    if (whatIf != null) {
      human += "\nWhat-if: decided under " + whatIf.origin() + "; nothing of these decisions is stored.";
    }
    if (checkOnly()) {
      human += "\nMedium check: everything an import does was done and verified; nothing was installed or stored.";
    }
    emit(r.document(), human);
    return ExitCode.OK;
  }

  /** {@code medium check}: run everything, store nothing. */
  protected boolean checkOnly() {
    return false;
  }

  /** A limit of zero or less would refuse everything (or, wrapped, nothing): a usage error naming the option. */
  private static void positive(String option, Long value) {
    if (value != null && value <= 0) {
      throw dev.airlock.core.AirlockException.usage(option + " must be a positive number, got " + value);
    }
  }

  private Limits limits() {
    positive("--max-medium-bytes", maxMediumBytes);
    positive("--max-blob-bytes", maxBlobBytes);
    positive("--max-entries", maxEntries);
    positive("--max-expansion-ratio", maxRatio);
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

  private static String table(List<ImportService.Row> rows) {
    if (rows.isEmpty()) {
      return "No images on the medium.";
    }
    Table t = new Table("IMAGE", "DIGEST", "DECISION", "REASONS");
    for (ImportService.Row r : rows) {
      t.row(r.reference(), shortDigest(r.digest()), r.decision(), r.reasons());
    }
    StringBuilder sb = new StringBuilder(t.render());
    long admitted = rows.stream().filter(r -> r.decision().equals("admit")).count();
    sb.append(rows.size()).append(" image(s): ").append(admitted).append(" admitted, ")
        .append(rows.size() - admitted).append(" denied or rejected.");
    return sb.toString();
  }

  /** {@code sha256:} and the first 12 hex digits, as in every table. */
  static String shortDigest(String digest) {
    return digest.length() > 19 ? digest.substring(0, 19) : digest;
  }

  /**
   * A progress line on stderr (terminal only): a bar, bytes copied and the rate; the time left
   * only after {@link #ETA_AFTER_NANOS} (a first estimate from a fraction of a second of copying is
   * noise). Each redraw overwrites the previous one completely, and the last line replaces it with
   * the total, so nothing of the bar is left on the screen.
   */
  static final class Progress {
    static final long ETA_AFTER_NANOS = 3_000_000_000L;
    private final java.io.PrintWriter out;
    private final long total;
    private final java.util.function.LongSupplier nanoTime;
    private final long start;
    private long bytes;
    private long lastPrint;
    private int shown;

    Progress(java.io.PrintWriter out, long total) {
      this(out, total, System::nanoTime);
    }

    Progress(java.io.PrintWriter out, long total, java.util.function.LongSupplier nanoTime) {
      this.out = out;
      this.total = total;
      this.nanoTime = nanoTime;
      this.start = nanoTime.getAsLong();
      this.lastPrint = start - 1_000_000_000L;
    }

    synchronized void add(long n) {
      bytes += n;
      if (out == null) {
        return;
      }
      long t = nanoTime.getAsLong();
      if (t - lastPrint < 200_000_000L) {
        return;
      }
      lastPrint = t;
      long elapsed = t - start;
      double rate = bytes / Math.max(1e-3, elapsed / 1e9);
      int width = 30;
      int done = total > 0 ? (int) Math.min(width, width * bytes / total) : 0;
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  [%s%s] %s of %s", "#".repeat(done),
          " ".repeat(width - done), human(bytes), human(total)));
      if (elapsed >= ETA_AFTER_NANOS && rate > 0) {
        long left = total > bytes ? (long) Math.ceil((total - bytes) / rate) : 0;
        line.append(String.format(Locale.ROOT, " at %s/s, %d:%02d left", human((long) rate), left / 60, left % 60));
      }
      draw(line.toString());
    }

    synchronized void done() {
      if (out != null && bytes > 0) {
        draw("  copied " + human(bytes));
        out.println();
        out.flush();
      }
    }

    /** Overwrites the current line: the new text, then blanks over what the previous one had beyond it. */
    private void draw(String line) {
      out.print("\r" + line + " ".repeat(Math.max(0, shown - line.length())));
      shown = line.length();
      out.flush();
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
