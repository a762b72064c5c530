package dev.airlock.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.audit.AuditExport;
import dev.airlock.audit.AuditKeys;
import dev.airlock.audit.AuditLog;
import dev.airlock.audit.AuditTamperedException;
import dev.airlock.audit.AuditVerifier;
import dev.airlock.audit.ExportVerifier;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Export and verify the tamper-evident audit log.",
    subcommands = {AuditCommand.Export.class, AuditCommand.Verify.class})
final class AuditCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** Export formats. */
  enum Format { jsonl, csv, html }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = {
        "Export audit events. jsonl is the evidence format: the events, a signed checkpoint of",
        "the whole log and an inclusion proof per event. csv for spreadsheets; html for reading.",
        "The export is itself recorded in the audit log."
      })
  static final class Export extends BaseCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "Output file.")
    Path output;

    @Option(names = "--since", paramLabel = "T",
        description = "Only events at or after T (ISO-8601 instant, or a date: from its start, UTC).")
    String since;

    @Option(names = "--until", paramLabel = "T",
        description = "Only events at or before T (ISO-8601 instant, or a date: to its end, UTC).")
    String until;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl",
        description = "jsonl (default), csv or html.")
    Format format;

    @Override
    protected ExitCode execute() {
      Instant from = parseTime(since, "--since", false);
      Instant to = parseTime(until, "--until", true);
      if (from != null && to != null && from.isAfter(to)) {
        throw AirlockException.usage("--since " + since + " is after --until " + until);
      }
      Home home = home();
      AuditExport.Format f = AuditExport.Format.valueOf(format.name().toUpperCase(java.util.Locale.ROOT));
      AuditExport.Result r = dev.airlock.appliance.AuditService.export(home, output, f, from, to, auditContext(),
          this::clockBehindNote);
      ObjectNode doc = JsonNodeFactory.instance.objectNode();
      doc.put("file", output.toAbsolutePath().toString());
      doc.put("format", format.name());
      doc.put("events", r.events());
      doc.put("treeSize", r.checkpoint().size());
      doc.put("rootHash", Hashing.hex(r.checkpoint().root()));
      doc.put("checkpoint", r.checkpoint().note());
      doc.put("exportEvent", r.exportEventSeq());
      emit(doc, "Exported " + r.events() + " of " + r.checkpoint().size() + " audit events to " + output
          + " (" + format + ")\nSigned checkpoint:\n" + r.checkpoint().note()
          + (format == Format.jsonl ? "Check it anywhere with: airlock audit verify " + output + " --key audit.pub\n" : ""));
      return ExitCode.OK;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {
        "Without EXPORT: recompute the hash chain and Merkle tree of the database's log and",
        "check them against the signed checkpoint; report the first bad event (exit 1).",
        "With EXPORT --key audit.pub: check an export on any machine (checkpoint signature,",
        "inclusion proofs, event hashes); with --previous OLD, that the log only grew."
      })
  static final class Verify extends BaseCommand {
    @Parameters(paramLabel = "EXPORT", arity = "0..1", description = "A jsonl audit export.")
    Path export;

    @Option(names = "--key", paramLabel = "AUDIT_KEY.pub", description = "The appliance's audit public key.")
    Path key;

    @Option(names = "--previous", paramLabel = "OLD_EXPORT", description = "An earlier export of the same log.")
    Path previous;

    @Override
    protected ExitCode execute() {
      if (export == null) {
        if (key != null || previous != null) {
          throw AirlockException.usage("--key and --previous need an EXPORT file");
        }
        return verifyDatabase();
      }
      if (key == null) {
        throw AirlockException.usage("verifying an export needs --key AUDIT_KEY.pub (the appliance's audit.pub)");
      }
      if (!java.nio.file.Files.isRegularFile(key)) {
        throw AirlockException.usage("--key: no such file: " + key);
      }
      ExportVerifier.Report r = ExportVerifier.verify(export, AuditKeys.loadPublic(key), previous);
      ObjectNode doc = JsonNodeFactory.instance.objectNode();
      doc.put("result", "ok");
      doc.put("export", export.toString());
      doc.put("applianceId", r.applianceId());
      doc.put("treeSize", r.treeSize());
      doc.put("rootHash", r.rootHash());
      doc.put("events", r.events());
      doc.put("complete", r.complete());
      if (previous != null) {
        doc.put("previous", previous.toString());
        doc.put("previousTreeSize", r.previousSize());
      }
      emit(doc, "Export OK: " + r.events() + " events verified against a checkpoint of " + r.treeSize()
          + " events signed by appliance " + r.applianceId() + "\n"
          + (r.complete() ? "  complete: it holds every event of the log\n"
              : "  partial: a --since/--until selection; each event is proven to be in the log\n")
          + (previous != null ? "  the log only grew since " + previous + " (" + r.previousSize() + " -> "
              + r.treeSize() + " events)\n" : "")
          + "  root " + r.rootHash() + "\n");
      return ExitCode.OK;
    }

    private ExitCode verifyDatabase() {
      Home home = home();
      AuditVerifier.Report r = dev.airlock.appliance.AuditService.verify(home, auditContext(), this::clockBehindNote);
      ObjectNode doc = JsonNodeFactory.instance.objectNode();
      doc.put("result", "ok");
      doc.put("events", r.count());
      doc.put("head", r.headHash());
      doc.put("rootHash", r.root());
      doc.put("checkpointSize", r.checkpointSize());
      emit(doc, "Audit log OK: " + r.count() + " events, head " + r.headHash() + "\n"
          + "  Merkle root " + r.root() + ", consistent with the signed checkpoint of " + r.checkpointSize()
          + " events\n");
      return ExitCode.OK;
    }
  }

  static Instant parseTime(String s, String option, boolean endOfDay) {
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      try {
        LocalDate d = LocalDate.parse(s);
        return endOfDay ? d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1)
            : d.atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        throw AirlockException.usage(option + " " + s + ": not an ISO-8601 instant (2026-11-22T10:00:00Z) or date (2026-11-22)");
      }
    }
  }

}
