package dev.airlock.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "init", mixinStandardHelpOptions = true,
    description = {
      "Pin the initial TUF root and create the appliance home:",
      "the H2 database, the content store, the TUF client state and the audit signing key.",
      "ROOT.json must be a TUF root signed by a threshold of its own root keys and not expired."
    })
final class InitCommand extends BaseCommand {
  @Option(names = "--root", paramLabel = "ROOT.json", required = true,
      description = "The TUF root.json to pin as the start of the trust chain.")
  Path root;

  @Option(names = "--policy", paramLabel = "FILE", description = "Install this policy file.")
  Path policy;

  @Option(names = "--force", description = "Re-initialise an existing home (its state is replaced).")
  boolean force;

  @Override
  protected ExitCode execute() {
    throw notImplemented("init");
  }
}
