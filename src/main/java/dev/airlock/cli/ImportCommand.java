package dev.airlock.cli;

import java.nio.file.Path;
import java.util.List;
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
  @Parameters(paramLabel = "MEDIUM", arity = "1..*", description = "Media folders or archives.")
  List<Path> media;

  @Option(names = "--policy", paramLabel = "FILE",
      description = "Decide images under this policy instead of the installed one.")
  Path policy;

  @Option(names = "--check-layers",
      description = "Also inflate every layer (within the limits) and check the config's diff_ids.")
  boolean checkLayers;

  @Override
  protected ExitCode execute() {
    throw notImplemented("import");
  }
}
