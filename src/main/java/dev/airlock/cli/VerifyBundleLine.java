package dev.airlock.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A plain {@code airlock [GLOBALS] verify-bundle OPTIONS FILE_OR_DIGEST} read without picocli
 * (issue 17, cold start). Building picocli's model of the root and the command took 80 to 130 ms
 * of the main thread's 180 to 220 ms in a cold verify-bundle from the release (timed in place):
 * the JDK's first annotation proxies (eight classes generated at run time, which the AOT cache
 * cannot keep) and picocli's own first run. Without it: 377 to 329 ms per cold verify-bundle,
 * medians of 21 in the same run.
 *
 * <p>It reads only the simplest form, and exactly as picocli reads it: each option once, written
 * {@code --name value} or as a flag, the global options before or after the command name, one
 * positional, no value that starts with "-" or "@" or names a command. Anything else (help,
 * {@code --name=value}, {@code --}, an argument file, an unknown or repeated option, a missing
 * value, option or positional) is left to picocli, which accepts it or prints its usage error:
 * {@link #parse} returns null. {@code VerifyBundleLineTest} holds this reader to picocli's: the
 * option names and kinds are those of the annotations, and over thousands of generated command
 * lines every one read here is read by picocli to the same values.
 *
 * <p>The command then runs as under picocli: the same {@link BaseCommand#call}, and a failure is
 * reported by the same {@link Main#failed}.
 */
final class VerifyBundleLine {
  static final String NAME = "verify-bundle";

  /** The global options ({@link Globals}) that take a value, and the flags. */
  static final Set<String> GLOBAL_VALUES = Set.of("--home", "--operator", "--reason");
  static final Set<String> GLOBAL_FLAGS = Set.of("--json", "--quiet", "--debug");
  /** {@link VerifyBundleCommand}'s options that take a value, and its flags. */
  static final Set<String> VALUES = Set.of("--bundle", "--certificate-identity", "--certificate-identity-regexp",
      "--certificate-oidc-issuer", "--certificate-oidc-issuer-regexp", "--key", "--trusted-root");
  static final Set<String> FLAGS = Set.of("--insecure-ignore-tlog", "--use-signed-timestamps");

  private final Globals globals;
  private final VerifyBundleCommand command;

  private VerifyBundleLine(Globals globals, VerifyBundleCommand command) {
    this.globals = globals;
    this.command = command;
  }

  /** The command line read, or null when it is not in the plain form (picocli reads it then). */
  static VerifyBundleLine parse(String[] args) {
    Globals g = new Globals();
    VerifyBundleCommand c = new VerifyBundleCommand();
    Set<String> seen = new HashSet<>();
    boolean named = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals(NAME) && !named) {
        named = true;
        continue;
      }
      boolean global = GLOBAL_VALUES.contains(a) || GLOBAL_FLAGS.contains(a);
      boolean own = named && (VALUES.contains(a) || FLAGS.contains(a));
      if (global || own) {
        if (!seen.add(a)) {
          return null; // picocli: "should be specified only once"
        }
        if (GLOBAL_FLAGS.contains(a) || FLAGS.contains(a)) {
          flag(g, c, a);
          continue;
        }
        if (i + 1 >= args.length || !plainValue(args[i + 1])) {
          return null;
        }
        if (!value(g, c, a, args[++i])) {
          return null;
        }
        continue;
      }
      if (!named || c.artifact != null || !plainValue(a)) {
        return null; // before the command name, a second positional, or an option not read here
      }
      c.artifact = a;
    }
    if (!named || c.artifact == null || c.bundle == null) {
      return null; // picocli prints the usage error
    }
    return new VerifyBundleLine(g, c);
  }

  /** A value picocli takes as it is: not an option, an argument file or a command's name. */
  private static boolean plainValue(String v) {
    return !v.startsWith("-") && !v.startsWith("@") && !Main.SUBCOMMANDS.containsKey(v);
  }

  private static void flag(Globals g, VerifyBundleCommand c, String name) {
    switch (name) {
      case "--json" -> g.json = true;
      case "--quiet" -> g.quiet = true;
      case "--debug" -> g.debug = true;
      case "--insecure-ignore-tlog" -> c.insecureIgnoreTlog = true;
      case "--use-signed-timestamps" -> c.useSignedTimestamps = true;
      default -> throw new IllegalArgumentException(name);
    }
  }

  /** Sets the option; false when picocli would refuse the value (a path it cannot convert). */
  private static boolean value(Globals g, VerifyBundleCommand c, String name, String v) {
    try {
      switch (name) {
        case "--home" -> g.home = Path.of(v);
        case "--operator" -> g.operator = v;
        case "--reason" -> g.reason = v;
        case "--bundle" -> c.bundle = Path.of(v);
        case "--certificate-identity" -> c.certificateIdentity = v;
        case "--certificate-identity-regexp" -> c.certificateIdentityRegexp = v;
        case "--certificate-oidc-issuer" -> c.certificateOidcIssuer = v;
        case "--certificate-oidc-issuer-regexp" -> c.certificateOidcIssuerRegexp = v;
        case "--key" -> c.key = Path.of(v);
        case "--trusted-root" -> c.trustedRoot = Path.of(v);
        default -> throw new IllegalArgumentException(name);
      }
      return true;
    } catch (InvalidPathException e) {
      return false;
    }
  }

  Globals globals() {
    return globals;
  }

  VerifyBundleCommand command() {
    return command;
  }

  /** Runs the command as picocli's {@code execute} would; returns the exit code. */
  int run(Clock clock, Map<String, String> env, PrintWriter out, PrintWriter err) {
    AirlockCommand root = new AirlockCommand(clock, env);
    root.globals = globals;
    command.invocation = new BaseCommand.Invocation(root, out, err, NAME);
    try {
      return command.call();
    } catch (Exception e) {
      return Main.failed(e, globals, out, err);
    }
  }
}
