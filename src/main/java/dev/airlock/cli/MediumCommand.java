package dev.airlock.cli;

import picocli.CommandLine.Command;

/** {@code airlock medium check MEDIUM...} (DESIGN.md section 10, appliance side). */
@Command(name = "medium", mixinStandardHelpOptions = true,
    description = "Check update media on the appliance before importing them.",
    subcommands = {MediumCommand.Check.class})
final class MediumCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {
        "Run everything 'import' would on the media (TUF, checkpoints, every blob against its digest,",
        "every image decided under the trust the medium would install and the installed policy) and",
        "store nothing: no trust, checkpoint, image or blob changes; the check itself is audited.",
        "Exit codes as import: 0 the medium would be imported, 1 it would be refused, 3 unreadable."
      })
  static final class Check extends ImportCommand {
    @Override
    protected boolean checkOnly() {
      return true;
    }
  }
}
