package dev.airlock.cli;

import java.nio.file.Path;
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
        "the whole log and an inclusion proof per event. csv for spreadsheets; html for reading."
      })
  static final class Export extends BaseCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "Output file.")
    Path output;

    @Option(names = "--since", paramLabel = "T", description = "Only events at or after T (ISO-8601).")
    String since;

    @Option(names = "--until", paramLabel = "T", description = "Only events at or before T (ISO-8601).")
    String until;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl",
        description = "jsonl (default), csv or html.")
    Format format;

    @Override
    protected ExitCode execute() {
      throw notImplemented("audit export");
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {
        "Without EXPORT: recompute the hash chain and Merkle tree of the database's log.",
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
      throw notImplemented("audit verify");
    }
  }
}
