package dev.airlock.cli;

import picocli.CommandLine.Command;

@Command(name = "images", mixinStandardHelpOptions = true,
    description = "List stored images with their references, digest, decision, time and reasons.")
final class ImagesCommand extends BaseCommand {
  @Override
  protected ExitCode execute() {
    throw notImplemented("images");
  }
}
