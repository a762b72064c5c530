package dev.airlock.cli;

import java.time.Clock;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code airlock} command. Holds the environment every subcommand runs in. The
 * subcommands are registered by {@link Main#commandLine} (all of them, or only those a command line
 * names: picocli reflects over each one it is given, which is a fifth of a cold start).
 */
@Command(
    name = "airlock",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Offline verification appliance for signed container images.",
      "Imports update media, verifies cosign and Sigstore signatures with no network access,",
      "applies policy, stores admitted images and keeps a tamper-evident audit log."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "  0:verified / admitted / done",
      "  1:denied (a signature or policy check failed, or the input was refused)",
      "  2:usage error",
      "  3:cannot decide (unreadable medium, no or expired trust, database busy)",
      "  4:the audit record could not be written; the action was not taken",
      " 70:internal error"
    })
public final class AirlockCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Globals globals;

  private final Clock systemClock;
  private final Map<String, String> env;

  public AirlockCommand(Clock systemClock, Map<String, String> env) {
    this.systemClock = systemClock;
    this.env = env;
  }

  /** The system clock as given to the process (tests inject a fixed one). */
  Clock systemClock() {
    return systemClock;
  }

  Map<String, String> env() {
    return env;
  }

  /** {@code airlock} alone names no command: usage on stderr, exit 2 (usage error). */
  @Override
  public Integer call() {
    spec.commandLine().getErr().println("airlock: a command is required");
    spec.commandLine().usage(spec.commandLine().getErr());
    if (globals != null && globals.json) {
      spec.commandLine().getOut().println(dev.airlock.core.json.Documents.write(
          Main.errorDocument(ExitCode.USAGE, null, "a command is required")));
      spec.commandLine().getOut().flush();
    }
    spec.commandLine().getErr().flush();
    return ExitCode.USAGE.code();
  }
}
