package dev.airlock.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "policy", mixinStandardHelpOptions = true,
    description = "Install, show or convert the admission policy.",
    subcommands = {PolicyCommand.Set.class, PolicyCommand.Show.class, PolicyCommand.FromMercure.class})
final class PolicyCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Install a policy file (shows the difference to the current one). Audited.")
  static final class Set extends BaseCommand {
    @Parameters(paramLabel = "FILE", description = "Policy YAML (apiVersion airlock/v1, kind Policy).")
    Path file;

    @Override
    protected ExitCode execute() {
      throw notImplemented("policy set");
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show the installed policy.")
  static final class Show extends BaseCommand {
    @Override
    protected ExitCode execute() {
      throw notImplemented("policy show");
    }
  }

  @Command(name = "from-mercure", mixinStandardHelpOptions = true,
      description = "Write the airlock policy equivalent to mercure's module signature settings.")
  static final class FromMercure extends BaseCommand {
    @Parameters(paramLabel = "CONFIG.json", description = "mercure's configuration file.")
    Path config;

    @Option(names = "--module", paramLabel = "NAME", description = "Only this module.")
    String module;

    @Override
    protected ExitCode execute() {
      throw notImplemented("policy from-mercure");
    }
  }
}
