package dev.airlock.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** Entry point: {@code airlock ...}. Maps every failure onto the contract's exit codes. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code = run(args, Clock.systemUTC(), System.getenv(),
        new PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), true),
        new PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8), true));
    System.exit(code);
  }

  /** Runs one command line with the given clock, environment and streams; returns the exit code. */
  public static int run(String[] args, Clock clock, Map<String, String> env, PrintWriter out, PrintWriter err) {
    return commandLine(clock, env, out, err).execute(args);
  }

  /** A configured picocli command line (tests call {@code execute} on it). */
  public static CommandLine commandLine(Clock clock, Map<String, String> env, PrintWriter out, PrintWriter err) {
    AirlockCommand root = new AirlockCommand(clock, env);
    CommandLine cl = new CommandLine(root);
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
            c.getOut().println(Json.write(errorDocument(ExitCode.USAGE, null, e.getMessage())));
            c.getOut().flush();
          }
          c.getErr().flush();
          return ExitCode.USAGE.code();
        });
    cl.setExecutionExceptionHandler(
        (Exception e, CommandLine c, CommandLine.ParseResult pr) -> {
          boolean debug = root.globals != null && root.globals.debug;
          boolean json = root.globals != null && root.globals.json;
          ExitCode code;
          Reason reason;
          String message;
          if (e instanceof AirlockException a) {
            code = ExitCode.of(a.kind());
            reason = a.reason();
            message = a.getMessage();
          } else {
            code = ExitCode.INTERNAL;
            reason = Reason.INTERNAL_ERROR;
            message = "internal error: " + e + (debug ? "" : " (run with --debug for details)");
          }
          c.getErr().println("airlock: " + message);
          if (debug) {
            e.printStackTrace(c.getErr());
          }
          c.getErr().flush();
          if (json) {
            c.getOut().println(Json.write(errorDocument(code, reason, message)));
            c.getOut().flush();
          }
          return code.code();
        });
    return cl;
  }

  static ObjectNode errorDocument(ExitCode code, Reason reason, String message) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("mediaType", "application/vnd.airlock.error.v1+json");
    n.put("exitCode", code.code());
    if (reason != null) {
      n.put("reason", reason.name());
    }
    n.put("message", message);
    return n;
  }
}
