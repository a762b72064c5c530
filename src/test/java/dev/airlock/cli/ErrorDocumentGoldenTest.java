package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error document of {@code --json} is a fixed contract: the bytes below are what the CLI
 * printed before issue 12's typed templates (commit 5d33448), for a usage error (no reason code)
 * and for a cannot-decide error (with one).
 */
class ErrorDocumentGoldenTest {
  @TempDir Path dir;

  @Test
  void usageErrorHasNoReason() {
    CliContractTest.Run r = CliContractTest.run("--home", dir.resolve("h").toString(), "--json", "verify");
    assertEquals(2, r.code(), r.err());
    assertEquals("{\"mediaType\":\"application/vnd.airlock.error.v1+json\",\"exitCode\":2,"
        + "\"message\":\"Missing required parameter: 'IMAGE'\"}", r.out().strip());
  }

  @Test
  void cannotDecideNamesItsReason() {
    Path home = dir.resolve("h");
    CliContractTest.Run r = CliContractTest.run("--home", home.toString(), "--json", "verify", "reg.example/a:1");
    assertEquals(3, r.code(), r.err());
    assertEquals("{\"mediaType\":\"application/vnd.airlock.error.v1+json\",\"exitCode\":3,"
        + "\"reason\":\"HOME_NOT_INITIALISED\",\"message\":\"" + home + ": not an airlock home (no airlock.mv.db);"
        + " run 'airlock init --root ROOT.json'\"}", r.out().strip());
  }

  @Test
  void aMissingCommandIsAUsageError() {
    CliContractTest.Run r = CliContractTest.run("--json");
    assertEquals(2, r.code(), r.err());
    assertEquals("{\"mediaType\":\"application/vnd.airlock.error.v1+json\",\"exitCode\":2,"
        + "\"message\":\"a command is required\"}", r.out().strip());
  }

  @Test
  void nullMessageIsWrittenAsNull() {
    assertEquals("{\"mediaType\":\"application/vnd.airlock.error.v1+json\",\"exitCode\":70,"
        + "\"reason\":\"INTERNAL_ERROR\",\"message\":null}",
        dev.airlock.core.json.Documents.write(
            Main.errorDocument(ExitCode.INTERNAL, dev.airlock.core.Reason.INTERNAL_ERROR, null)));
  }
}
