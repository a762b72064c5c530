package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command contract of DESIGN.md section 4: commands, help, exit codes. */
class CliContractTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

  /** Result of one in-process CLI run. */
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, CLOCK, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  static final List<List<String>> COMMANDS = List.of(
      List.of("init"), List.of("import"), List.of("trust", "update"), List.of("trust", "show"),
      List.of("checkpoint", "import"), List.of("checkpoint", "show"),
      List.of("checkpoint", "clear-alarm"), List.of("policy", "set"), List.of("policy", "show"),
      List.of("policy", "from-mercure"), List.of("images"), List.of("verify"),
      List.of("verify-attestation"), List.of("verify-bundle"), List.of("export"), List.of("audit", "export"),
      List.of("audit", "verify"), List.of("medium", "check"), List.of("checkpoint", "request"), List.of("keygen"),
      List.of("sign"), List.of("pack"), List.of("repo", "init"));

  @Test
  void everyCommandHasHelp() {
    for (List<String> cmd : COMMANDS) {
      String[] args = new java.util.ArrayList<String>(cmd) {{ add("--help"); }}.toArray(new String[0]);
      Run r = run(args);
      assertEquals(0, r.code(), "help of " + cmd);
      assertTrue(r.out().contains("Usage: airlock " + String.join(" ", cmd)), r.out());
    }
  }

  @Test
  void topLevelHelpListsExitCodes() {
    Run r = run("--help");
    assertEquals(0, r.code());
    for (ExitCode c : ExitCode.values()) {
      assertTrue(r.out().matches("(?s).*\\n\\s*" + c.code() + "\\s+.*"), "exit code " + c + " in help:\n" + r.out());
    }
    for (List<String> cmd : COMMANDS) {
      assertTrue(r.out().contains(cmd.get(0)), cmd.get(0));
    }
  }

  @Test
  void unknownCommandIsUsageError() {
    Run r = run("frobnicate");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("frobnicate"), r.err());
  }

  @Test
  void missingRequiredOptionIsUsageErrorAndJsonDocumentWithJson() {
    Run r = run("--json", "verify-bundle", "x");
    assertEquals(2, r.code());
    assertTrue(r.out().startsWith("{") && r.out().contains("\"exitCode\":2"), r.out());
  }

  @Test
  void exitCodesAreTheContract() {
    assertEquals(List.of(0, 1, 2, 3, 4, 70),
        java.util.Arrays.stream(ExitCode.values()).map(ExitCode::code).toList());
  }
}
