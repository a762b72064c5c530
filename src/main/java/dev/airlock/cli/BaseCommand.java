package dev.airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.core.json.Document;
import dev.airlock.core.json.Documents;
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

  /**
   * Where the command runs when picocli did not build it ({@link PlainLine}, a cold
   * {@code verify-bundle} or {@code verify}): the root with its global options, the streams and
   * the command's name. Null under picocli, which fills {@link #spec} instead.
   */
  record Invocation(AirlockCommand root, PrintWriter out, PrintWriter err, String name) {}

  Invocation invocation;

  /** The command's work. Returns the exit code; failures throw {@link AirlockException}. */
  protected abstract ExitCode execute() throws Exception;

  @Override
  public final Integer call() throws Exception {
    // After every commit that grew the audit log, sign a fresh checkpoint into the home.
    dev.airlock.appliance.StateViews.signAuditCheckpointsAfterCommit();
    return execute().code();
  }

  protected AirlockCommand root() {
    return invocation != null ? invocation.root() : (AirlockCommand) spec.root().userObject();
  }

  protected Globals globals() {
    return root().globals;
  }

  protected boolean json() {
    return globals().json;
  }

  protected PrintWriter out() {
    return invocation != null ? invocation.out() : spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return invocation != null ? invocation.err() : spec.commandLine().getErr();
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
    return invocation != null ? invocation.name() : spec.qualifiedName(" ").replaceFirst("^airlock ", "");
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

  /** {@link #emit(JsonNode, String)} for a typed document, written by its one serialiser. */
  protected void emit(Document document, String human) {
    if (json()) {
      out().println(Documents.write(document));
    } else if (human != null) {
      out().print(human.endsWith("\n") ? human : human + "\n");
    }
    out().flush();
  }

  /**
   * Warnings and errors for people: stderr, always, also with {@code --quiet} (so stdout stays one
   * JSON document with --json).
   */
  protected void note(String line) {
    err().println(line);
    err().flush();
  }

  /** Informational chatter on stderr (what is being done, notes): suppressed by {@code --quiet}. */
  protected void info(String line) {
    if (!quiet()) {
      note(line);
    }
  }

  /** {@code --quiet}: no progress bars and no informational notes. */
  protected boolean quiet() {
    return globals().quiet;
  }

  /** The host name for audit events: {@code $HOSTNAME}, else /etc/hostname, else "unknown". */
  protected String host() {
    String h = root().env().get("HOSTNAME");
    if (h != null && !h.isBlank()) {
      return h.strip();
    }
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(Path.of("/etc/hostname"))) {
      String s = new String(in.readNBytes(256), java.nio.charset.StandardCharsets.UTF_8).strip();
      if (!s.isEmpty()) {
        return s;
      }
    } catch (java.io.IOException | RuntimeException e) {
      // fall through: no host name available
    }
    return "unknown";
  }

  /**
   * Reports on stderr a trusted time (max of the system clock and the highest verified time seen)
   * whose system clock was behind; callers add {@link Reason#CLOCK_BEHIND} to the event's reasons
   * via {@link #auditEvent}.
   */
  protected dev.airlock.core.TrustedTime clockBehindNote(dev.airlock.core.TrustedTime t) {
    if (t.clockBehind()) {
      note("airlock: warning: the system clock (" + t.system() + ") is behind the highest verified time ("
          + t.now() + "); using the verified time (" + Reason.CLOCK_BEHIND + ")");
    }
    return t;
  }

  /**
   * An audit event with operator, host and command filled in. If {@code time} came from a clock
   * that was behind, {@link Reason#CLOCK_BEHIND} is added to the reasons.
   */
  protected dev.airlock.audit.AuditEvent auditEvent(dev.airlock.core.TrustedTime time, String action,
      String subject, String outcome, java.util.List<String> reasons, JsonNode detail) {
    return auditContext().event(time, action, subject, outcome, reasons, detail);
  }

  /** Who acts and why, for the audit events the services write. */
  protected dev.airlock.appliance.AuditContext auditContext() {
    String account = root().env().get("USER");
    if (account == null || account.isBlank()) {
      account = System.getProperty("user.name", "unknown");
    }
    String sudo = root().env().get("SUDO_USER");
    return new dev.airlock.appliance.AuditContext(operator(), account, sudo == null || sudo.isBlank() ? null : sudo,
        host(), commandName(), globals().reason, systemClock());
  }

  protected static AirlockException notImplemented(String what) {
    return new AirlockException(AirlockException.Kind.INTERNAL, Reason.NOT_IMPLEMENTED,
        what + ": not implemented yet");
  }
}
