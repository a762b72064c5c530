package dev.airlock.cli;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import dev.airlock.core.json.Documents;
import dev.airlock.core.json.ErrorDocument;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** Entry point: {@code airlock ...}. Maps every failure onto the contract's exit codes. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Warmup.start(args); // class initialisers and first signatures on the second core (issue 17)
    if (args.length == 2 && args[0].equals(AotTraining.OPTION)) {
      // scripts/aot-train: several commands in one recorded JVM (AotTraining)
      System.exit(AotTraining.run(java.nio.file.Path.of(args[1]), System.getenv(),
          new PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8), true)));
    }
    int code = run(args, Clock.systemUTC(), System.getenv(),
        new PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), true),
        new PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8), true));
    System.exit(code);
  }

  /** Runs one command line with the given clock, environment and streams; returns the exit code. */
  public static int run(String[] args, Clock clock, Map<String, String> env, PrintWriter out, PrintWriter err) {
    PlainLine plain = PlainLine.parse(args);
    if (plain != null) {
      return plain.run(clock, env, out, err); // a plain verify-bundle or verify, read as picocli reads it (issue 17)
    }
    return commandLine(clock, env, out, err, named(args)).execute(args);
  }

  /** The subcommands in the order {@code airlock --help} lists them. */
  static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

  private static Map<String, Supplier<Object>> subcommands() {
    Map<String, Supplier<Object>> m = new LinkedHashMap<>();
    m.put("init", InitCommand::new);
    m.put("import", ImportCommand::new);
    m.put("trust", TrustCommand::new);
    m.put("checkpoint", CheckpointCommand::new);
    m.put("policy", PolicyCommand::new);
    m.put("images", ImagesCommand::new);
    m.put("verify", VerifyCommand::new);
    m.put("verify-attestation", VerifyAttestationCommand::new);
    m.put("verify-bundle", VerifyBundleCommand::new);
    m.put("export", ExportCommand::new);
    m.put("audit", AuditCommand::new);
    m.put("serve", ServeCommand::new);
    m.put("keygen", KeygenCommand::new);
    m.put("sign", SignCommand::new);
    m.put("repo", RepoCommand::new);
    m.put("pack", PackCommand::new);
    m.put("medium", MediumCommand::new);
    m.put("store", StoreCommand::new);
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * The subcommands an argument list names (any argument equal to a subcommand's name, so the one
   * picocli will pick is always among them), or all of them when it names none: then the command
   * line is a root option, help, or a mistyped name that deserves suggestions.
   */
  static Set<String> named(String[] args) {
    Set<String> out = new LinkedHashSet<>();
    for (String a : args) {
      if (SUBCOMMANDS.containsKey(a)) {
        out.add(a);
      }
    }
    return out.isEmpty() ? SUBCOMMANDS.keySet() : out;
  }

  /**
   * Joins the lines of every command description into paragraphs, so that picocli wraps the help
   * text at the terminal's width and the command list shows each summary whole, instead of the
   * source's hard line breaks in mid-sentence. An empty line, or one that starts with blanks, "-"
   * or "*", starts a new paragraph (lists and examples keep their shape).
   */
  static void paragraphs(CommandLine cl) {
    picocli.CommandLine.Model.UsageMessageSpec u = cl.getCommandSpec().usageMessage();
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String line : u.description()) {
      boolean fresh = out.isEmpty() || line.isEmpty() || out.get(out.size() - 1).isEmpty()
          || line.startsWith(" ") || line.startsWith("-") || line.startsWith("*");
      if (fresh) {
        out.add(line);
      } else {
        out.set(out.size() - 1, out.get(out.size() - 1) + " " + line);
      }
    }
    u.description(out.toArray(new String[0]));
    if (u.header().length == 0 && !out.isEmpty()) {
      // the parent's command list shows the header: the description's first sentence, whole; the
      // command's own help starts with the full description, so the header section is left out
      u.header(out.get(0).split("(?<=[.!?])(?<!e\\.g\\.)(?<!i\\.e\\.)(?<!\\.\\.\\.)\\s+(?=[A-Za-z'(-])", 2)[0]);
      java.util.List<String> keys = new java.util.ArrayList<>(cl.getHelpSectionKeys());
      keys.remove(CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER_HEADING);
      keys.remove(CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER);
      cl.setHelpSectionKeys(keys);
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      paragraphs(sub);
    }
  }

  /** A configured picocli command line with every subcommand. */
  public static CommandLine commandLine(Clock clock, Map<String, String> env, PrintWriter out, PrintWriter err) {
    return commandLine(clock, env, out, err, SUBCOMMANDS.keySet());
  }

  /** A configured picocli command line with the given subcommands (see {@link #named}). */
  static CommandLine commandLine(Clock clock, Map<String, String> env, PrintWriter out, PrintWriter err,
      Set<String> subcommands) {
    AirlockCommand root = new AirlockCommand(clock, env);
    CommandLine cl = new CommandLine(root);
    for (Map.Entry<String, Supplier<Object>> e : SUBCOMMANDS.entrySet()) {
      if (subcommands.contains(e.getKey())) {
        cl.addSubcommand(e.getKey(), e.getValue().get());
      }
    }
    paragraphs(cl);
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExitCodeExceptionMapper(t -> t instanceof AirlockException a
        ? ExitCode.of(a.kind()).code() : ExitCode.INTERNAL.code());
    cl.setParameterExceptionHandler(
        (ParameterException e, String[] a) -> {
          CommandLine c = e.getCommandLine();
          c.getErr().println("airlock: " + e.getMessage());
          if (!UnmatchedArgumentException.printSuggestions(e, c.getErr())) {
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
          }
          if (root.globals != null && root.globals.json) {
            c.getOut().println(Documents.write(errorDocument(ExitCode.USAGE, null, e.getMessage())));
            c.getOut().flush();
          }
          c.getErr().flush();
          return ExitCode.USAGE.code();
        });
    cl.setExecutionExceptionHandler(
        (Exception e, CommandLine c, CommandLine.ParseResult pr) -> failed(e, root.globals, c.getOut(), c.getErr()));
    return cl;
  }

  /**
   * A command threw {@code e}: the message on stderr (the stack trace with --debug), the error
   * document on stdout with --json; returns the exit code. Under picocli and for
   * {@link PlainLine} alike.
   */
  static int failed(Exception e, Globals globals, PrintWriter out, PrintWriter err) {
    boolean debug = globals != null && globals.debug;
    boolean json = globals != null && globals.json;
    ExitCode code;
    Reason reason;
    String message;
    if (e instanceof AirlockException a) {
      code = ExitCode.of(a.kind());
      // a usage error carries no reason code of its own (AirlockException.usage's placeholder)
      reason = a.kind() == AirlockException.Kind.USAGE && a.reason() == Reason.INTERNAL_ERROR ? null : a.reason();
      message = a.getMessage();
    } else {
      code = ExitCode.INTERNAL;
      reason = Reason.INTERNAL_ERROR;
      // no exception class names or stack traces for operators (issue 16); --debug has them
      message = "internal error: an unexpected failure inside airlock; nothing was accepted"
          + (debug ? ": " + e.getMessage() : " (run with --debug for details)");
    }
    err.println("airlock: " + message);
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    if (json) {
      out.println(Documents.write(errorDocument(code, reason, message)));
      out.flush();
    }
    return code.code();
  }

  static ErrorDocument errorDocument(ExitCode code, Reason reason, String message) {
    return new ErrorDocument(code.code(), reason == null ? null : reason.name(), message);
  }
}
