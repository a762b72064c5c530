package dev.airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every subcommand (STYLE.md rule 13): parse, call one service, render. Output goes only
 * through {@link #out()} and {@link #err()}; with {@code --json} exactly one JSON document is
 * printed on stdout via {@link #emit}.
 */
@picocli.CommandLine.Command
abstract class BaseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** The command's work. Returns the exit code; failures throw {@link AirlockException}. */
  protected abstract ExitCode execute() throws Exception;

  @Override
  public final Integer call() throws Exception {
    return execute().code();
  }

  protected AirlockCommand root() {
    return (AirlockCommand) spec.root().userObject();
  }

  protected Globals globals() {
    return root().globals;
  }

  protected boolean json() {
    return globals().json;
  }

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  protected Clock systemClock() {
    return root().systemClock();
  }

  /** {@code --home}, else {@code $AIRLOCK_HOME}, else {@code ~/.airlock}. */
  protected Home home() {
    Path p = globals().home;
    if (p == null) {
      String env = root().env().get("AIRLOCK_HOME");
      if (env != null && !env.isBlank()) {
        p = Path.of(env);
      } else {
        p = Path.of(System.getProperty("user.home"), ".airlock");
      }
    }
    return Home.at(p);
  }

  /** {@code --operator}, else the OS user. */
  protected String operator() {
    String o = globals().operator;
    if (o != null && !o.isBlank()) {
      return o;
    }
    String user = root().env().get("USER");
    return user != null && !user.isBlank() ? user : System.getProperty("user.name", "unknown");
  }

  /** The full command name, e.g. {@code trust update}, for audit events. */
  protected String commandName() {
    return spec.qualifiedName(" ").replaceFirst("^airlock ", "");
  }

  /**
   * Renders a result: the JSON document on stdout with {@code --json}, else the human text on
   * stdout (or nothing if {@code human} is null).
   */
  protected void emit(JsonNode document, String human) {
    if (json()) {
      out().println(Json.write(document));
    } else if (human != null) {
      out().print(human.endsWith("\n") ? human : human + "\n");
    }
    out().flush();
  }

  /** Human progress/notes: stderr, always (so stdout stays one JSON document with --json). */
  protected void note(String line) {
    err().println(line);
    err().flush();
  }

  protected static AirlockException notImplemented(String what) {
    return new AirlockException(AirlockException.Kind.INTERNAL, Reason.NOT_IMPLEMENTED,
        what + ": not implemented yet");
  }
}
