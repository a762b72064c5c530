package dev.airlock.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "trust", mixinStandardHelpOptions = true,
    description = "Update or show the installed trust (TUF roots, trusted roots, key authorities).",
    subcommands = {TrustCommand.Update.class, TrustCommand.Show.class})
final class TrustCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  @Command(name = "update", mixinStandardHelpOptions = true,
      description = {
        "Run the TUF client workflow over a repository folder (root rotation, timestamp,",
        "snapshot, targets) and install its trusted_root.json, key and policy targets."
      })
  static final class Update extends BaseCommand {
    @Parameters(paramLabel = "TUF_DIR", description = "A TUF repository (static files) on a medium.")
    Path tufDir;

    @Option(names = "--accept-expired-timestamp",
        description = {
          "Accept an expired timestamp/snapshot role (Sigstore's expires after 7 days) while",
          "still enforcing signatures, thresholds, versions, hashes and root expiry. Audited."
        })
    boolean acceptExpiredTimestamp;

    @Override
    protected ExitCode execute() {
      throw notImplemented("trust update");
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Show the installed trust snapshot, its CAs, logs, TSAs, keys and history.")
  static final class Show extends BaseCommand {
    @Override
    protected ExitCode execute() {
      throw notImplemented("trust show");
    }
  }
}
