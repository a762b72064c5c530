package dev.airlock.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Options every command accepts: {@code airlock [--home DIR] [--json] [--operator NAME] <command>}.
 * They may also follow the command name.
 */
public final class Globals {
  @Option(names = "--home", paramLabel = "DIR", scope = ScopeType.INHERIT,
      description = "Appliance state folder (default: $AIRLOCK_HOME, else ~/.airlock).")
  Path home;

  @Option(names = "--json", scope = ScopeType.INHERIT,
      description = "Print one JSON document on stdout; human text goes to stderr.")
  boolean json;

  @Option(names = "--operator", paramLabel = "NAME", scope = ScopeType.INHERIT,
      description = "Who is acting, for the audit log (default: the OS user).")
  String operator;

  @Option(names = "--reason", paramLabel = "TEXT", scope = ScopeType.INHERIT,
      description = "Why, for the audit log of a state change (21 CFR Part 11: who, what, when, why).")
  String reason;

  @Option(names = "--quiet", scope = ScopeType.INHERIT,
      description = "No progress bars and no informational notes on stderr; results, warnings and errors are still printed.")
  boolean quiet;

  @Option(names = "--debug", scope = ScopeType.INHERIT,
      description = "Print stack traces on errors.")
  boolean debug;
}
