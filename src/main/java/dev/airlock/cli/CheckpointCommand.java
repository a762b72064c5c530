package dev.airlock.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "checkpoint", mixinStandardHelpOptions = true,
    description = "Import and show transparency-log checkpoints (signed tree heads).",
    subcommands = {CheckpointCommand.Import.class, CheckpointCommand.Show.class,
        CheckpointCommand.ClearAlarm.class})
final class CheckpointCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = {
        "Verify and store checkpoints (*.checkpoint, C2SP signed notes) and consistency proofs",
        "(*.proof.json). A larger checkpoint needs a consistency proof from a stored one."
      })
  static final class Import extends BaseCommand {
    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Checkpoint and proof files.")
    List<Path> files;

    @Override
    protected ExitCode execute() {
      throw notImplemented("checkpoint import");
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Show the stored checkpoints per log and any open fork alarms.")
  static final class Show extends BaseCommand {
    @Override
    protected ExitCode execute() {
      throw notImplemented("checkpoint show");
    }
  }

  @Command(name = "clear-alarm", mixinStandardHelpOptions = true,
      description = "Clear a log's fork alarm after investigation. Audited with the reason.")
  static final class ClearAlarm extends BaseCommand {
    @Parameters(paramLabel = "LOG", description = "The log's checkpoint origin.")
    String log;

    @Option(names = "--reason", paramLabel = "TEXT", required = true,
        description = "Why the alarm is cleared (recorded in the audit log).")
    String reason;

    @Override
    protected ExitCode execute() {
      throw notImplemented("checkpoint clear-alarm");
    }
  }
}
