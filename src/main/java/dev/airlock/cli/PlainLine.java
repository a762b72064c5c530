package dev.airlock.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A plain command line of a hot command ({@code verify-bundle}, {@code verify}, {@code import})
 * read without picocli (issue 17, cold start and the fixed cost of an import). Building picocli's model of the root and the command took 80 to
 * 130 ms of the main thread's 180 to 220 ms in a cold verify-bundle from the release (timed in
 * place): the JDK's first annotation proxies (eight classes generated at run time, which the AOT
 * cache cannot keep) and picocli's own first run.
 *
 * <p>It reads only the simplest form, and exactly as picocli reads it: {@code airlock [GLOBALS]
 * COMMAND ...} with each option once, written {@code --name value} or as a flag, the global options
 * before or after the command name, the positionals after it, no value that starts with "-" or "@"
 * or names a command. Anything else (help, {@code --name=value}, {@code -ovalue}, {@code --}, an
 * argument file, an option with an optional value, an unknown or repeated option, a missing value,
 * option or positional) is left to picocli, which reads it or prints its usage error: {@link #parse}
 * returns null. {@code PlainLineTest} holds this reader to picocli's: each grammar's options are the
 * annotations' (names, value or flag, defaults), and over thousands of generated and mutated command
 * lines every one read here is read by picocli as the same command with equal values in every
 * option field.
 *
 * <p>The record holds the command line read: the global options, the command with its options, and
 * the command's name. The command then runs as under picocli: the same {@link BaseCommand#call}, and a failure is
 * reported by the same {@link Main#failed}.
 */
record PlainLine(Globals globals, BaseCommand command, String name) {
  /** The global options ({@link Globals}) that take a value, and the flags. */
  static final Map<String, BiConsumer<Globals, String>> GLOBAL_VALUES = Map.of(
      "--home", (g, v) -> g.home = Path.of(v),
      "--operator", (g, v) -> g.operator = v,
      "--reason", (g, v) -> g.reason = v);
  static final Map<String, Consumer<Globals>> GLOBAL_FLAGS = Map.of(
      "--json", g -> g.json = true,
      "--quiet", g -> g.quiet = true,
      "--debug", g -> g.debug = true);

  /**
   * What one command's plain form holds: its options that take a value (each alias under its own
   * name, with the canonical name that counts for "only once"), its flags, its positional (one, or
   * one or more) and what must be present.
   */
  record Grammar<C extends BaseCommand>(String name, Supplier<C> create, Map<String, BiConsumer<C, String>> values,
      Map<String, String> canonical, Map<String, Consumer<C>> flags, BiConsumer<C, String> positional,
      boolean severalPositionals, Predicate<C> complete) {}

  static final Grammar<VerifyBundleCommand> VERIFY_BUNDLE = new Grammar<>("verify-bundle", VerifyBundleCommand::new,
      Map.of(
          "--bundle", (c, v) -> c.bundle = Path.of(v),
          "--certificate-identity", (c, v) -> c.certificateIdentity = v,
          "--certificate-identity-regexp", (c, v) -> c.certificateIdentityRegexp = v,
          "--certificate-oidc-issuer", (c, v) -> c.certificateOidcIssuer = v,
          "--certificate-oidc-issuer-regexp", (c, v) -> c.certificateOidcIssuerRegexp = v,
          "--key", (c, v) -> c.key = Path.of(v),
          "--trusted-root", (c, v) -> c.trustedRoot = Path.of(v)),
      Map.of(),
      Map.of(
          "--insecure-ignore-tlog", c -> c.insecureIgnoreTlog = true,
          "--use-signed-timestamps", c -> c.useSignedTimestamps = true),
      (c, v) -> c.artifact = v, false,
      c -> c.bundle != null && c.artifact != null);

  static final Grammar<VerifyCommand> VERIFY = new Grammar<>("verify", PlainLine::verifyCommand,
      verifyValues(),
      Map.of("-o", "--output"),
      Map.of(
          "--insecure-ignore-tlog", c -> c.cosign.insecureIgnoreTlog = true,
          "--insecure-ignore-sct", c -> c.cosign.insecureIgnoreSct = true,
          "--use-signed-timestamps", c -> c.cosign.useSignedTimestamps = true),
      (c, v) -> c.images.add(v), true,
      c -> !c.images.isEmpty());

  static final Grammar<ImportCommand> IMPORT = new Grammar<>("import", PlainLine::importCommand,
      Map.of(
          "--policy", (c, v) -> c.policy = Path.of(v),
          "--max-medium-bytes", (c, v) -> c.maxMediumBytes = plainLong(v),
          "--max-blob-bytes", (c, v) -> c.maxBlobBytes = plainLong(v),
          "--max-entries", (c, v) -> c.maxEntries = plainLong(v),
          "--max-expansion-ratio", (c, v) -> c.maxRatio = plainLong(v)),
      Map.of(),
      Map.of(
          "--check-layers", c -> c.checkLayers = true,
          "--accept-expired-timestamp", c -> c.acceptExpiredTimestamp = true),
      (c, v) -> c.media.add(Path.of(v)), true,
      c -> !c.media.isEmpty());

  static final List<Grammar<? extends BaseCommand>> GRAMMARS = List.of(VERIFY_BUNDLE, VERIFY, IMPORT);

  private static ImportCommand importCommand() {
    ImportCommand c = new ImportCommand();
    c.media = new java.util.ArrayList<>();
    return c;
  }

  /**
   * A number written plainly in decimal (what picocli's conversion reads the same way: it decodes
   * "0x10" and "010" in other bases); anything else is left to picocli.
   */
  private static Long plainLong(String v) {
    if (!v.matches("0|[1-9][0-9]{0,17}")) {
      throw new NumberFormatException(v);
    }
    return Long.parseLong(v);
  }

  /** A {@code verify} with picocli's defaults: -o json, --check-claims true, the mixin in place. */
  private static VerifyCommand verifyCommand() {
    VerifyCommand c = new VerifyCommand();
    c.cosign = new CosignOptions();
    c.cosign.checkClaims = true;
    c.output = "json";
    return c;
  }

  private static Map<String, BiConsumer<VerifyCommand, String>> verifyValues() {
    Map<String, BiConsumer<VerifyCommand, String>> m = new LinkedHashMap<>();
    m.put("-o", (c, v) -> c.output = v);
    m.put("--output", (c, v) -> c.output = v);
    m.put("--policy", (c, v) -> c.policy = Path.of(v));
    m.put("--key", (c, v) -> c.cosign.key = Path.of(v));
    m.put("--certificate-identity", (c, v) -> c.cosign.certificateIdentity = v);
    m.put("--certificate-identity-regexp", (c, v) -> c.cosign.certificateIdentityRegexp = v);
    m.put("--certificate-oidc-issuer", (c, v) -> c.cosign.certificateOidcIssuer = v);
    m.put("--certificate-oidc-issuer-regexp", (c, v) -> c.cosign.certificateOidcIssuerRegexp = v);
    m.put("--certificate-github-workflow-trigger", (c, v) -> c.cosign.githubWorkflowTrigger = v);
    m.put("--certificate-github-workflow-sha", (c, v) -> c.cosign.githubWorkflowSha = v);
    m.put("--certificate-github-workflow-name", (c, v) -> c.cosign.githubWorkflowName = v);
    m.put("--certificate-github-workflow-repository", (c, v) -> c.cosign.githubWorkflowRepository = v);
    m.put("--certificate-github-workflow-ref", (c, v) -> c.cosign.githubWorkflowRef = v);
    return Map.copyOf(m);
  }

  /** The command line read, or null when it is not a plain form (picocli reads it then). */
  static PlainLine parse(String[] args) {
    for (String a : args) {
      for (Grammar<? extends BaseCommand> g : GRAMMARS) {
        if (a.equals(g.name())) {
          return parse(args, g); // the first command name decides; a second one is not plain
        }
      }
    }
    return null;
  }

  private static <C extends BaseCommand> PlainLine parse(String[] args, Grammar<C> grammar) {
    Globals g = new Globals();
    C c = grammar.create().get();
    Set<String> seen = new HashSet<>();
    boolean named = false;
    boolean positional = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals(grammar.name()) && !named) {
        named = true;
        continue;
      }
      BiConsumer<Globals, String> globalValue = GLOBAL_VALUES.get(a);
      Consumer<Globals> globalFlag = GLOBAL_FLAGS.get(a);
      BiConsumer<C, String> value = named ? grammar.values().get(a) : null;
      Consumer<C> flag = named ? grammar.flags().get(a) : null;
      if (globalValue == null && globalFlag == null && value == null && flag == null) {
        if (!named || (positional && !grammar.severalPositionals()) || !plainValue(a)) {
          return null; // before the command name, a second positional, or an option not read here
        }
        grammar.positional().accept(c, a);
        positional = true;
        continue;
      }
      if (!seen.add(grammar.canonical().getOrDefault(a, a))) {
        return null; // picocli: "should be specified only once"
      }
      if (globalFlag != null) {
        globalFlag.accept(g);
        continue;
      }
      if (flag != null) {
        flag.accept(c);
        continue;
      }
      if (i + 1 >= args.length || !plainValue(args[i + 1])) {
        return null;
      }
      String v = args[++i];
      try {
        if (globalValue != null) {
          globalValue.accept(g, v);
        } else {
          value.accept(c, v);
        }
      } catch (InvalidPathException | NumberFormatException e) {
        return null; // picocli reads it its own way, or refuses it with its usage error
      }
    }
    if (!named || !grammar.complete().test(c)) {
      return null; // picocli prints the usage error
    }
    return new PlainLine(g, c, grammar.name());
  }

  /** A value picocli takes as it is: not an option, an argument file or a command's name. */
  private static boolean plainValue(String v) {
    return !v.startsWith("-") && !v.startsWith("@") && !Main.SUBCOMMANDS.containsKey(v);
  }

  /** Runs the command as picocli's {@code execute} would; returns the exit code. */
  int run(Clock clock, Map<String, String> env, PrintWriter out, PrintWriter err) {
    AirlockCommand root = new AirlockCommand(clock, env);
    root.globals = globals;
    command.invocation = new BaseCommand.Invocation(root, out, err, name);
    try {
      return command.call();
    } catch (Exception e) {
      return Main.failed(e, globals, out, err);
    }
  }
}
