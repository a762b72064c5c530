package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.testing.Corpus;
import dev.airlock.trust.TrustContent;
import dev.airlock.trust.TrustStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code airlock checkpoint import} end to end with installed trust: the production Sigstore trusted
 * root from the corpus and the real Rekor v1 checkpoints of the corpus {@code checkpoint} cases.
 */
class CheckpointCliTest {
  @TempDir Path dir;

  private CliContractTest.Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, CliContractTest.CLOCK, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliContractTest.Run(code, out.toString(), err.toString());
  }

  private static Path checkpointOf(String id) {
    JsonNode c = Corpus.ofKind("checkpoint").stream().filter(n -> n.path("id").asText().equals(id)).findFirst()
        .orElseThrow();
    return Corpus.file(c, "checkpoint");
  }

  private Path homeWithProductionTrust() throws Exception {
    Path h = dir.resolve("home");
    Database db = Database.create(Home.at(h));
    JsonNode bundleCase = Corpus.ofKind("sigstore-bundle").stream()
        .filter(c -> Corpus.hasFile(c, "trusted_root")).findFirst().orElseThrow();
    byte[] root = Files.readAllBytes(Corpus.file(bundleCase, "trusted_root"));
    Instant t = Instant.parse("2026-11-01T00:00:00Z");
    db.transaction(tx -> tx.trust().install(new TrustStore.Install(t, "test", 1, t.plusSeconds(86400 * 365), 1,
        t.plusSeconds(86400), 1, t.plusSeconds(86400), 1, t.plusSeconds(86400), false,
        List.of(new TrustContent("trusted_root.json", TrustContent.Kind.TRUSTED_ROOT, root, null)))));
    return h;
  }

  @Test
  void importsRealRekorCheckpointsUnderInstalledTrust() throws Exception {
    Path h = homeWithProductionTrust();
    Path cp = checkpointOf("sigstore-java.checkpoint-valid");
    // the file name is the role's; checkpoints are recognised by content when not *.checkpoint
    CliContractTest.Run first = run("--home", h.toString(), "--json", "checkpoint", "import", cp.toString());
    assertEquals(0, first.code(), first.err() + first.out());
    assertTrue(first.out().contains("\"origin\":\"rekor.sigstore.dev - 2605736670972794746\"")
        && first.out().contains("\"treeSize\":37795272") && first.out().contains("\"keyHint\":\"c0d23d6a\""),
        first.out());
    // the same checkpoint again, and with an extra line from an unknown signer: unchanged
    CliContractTest.Run again = run("--home", h.toString(), "--json", "checkpoint", "import", cp.toString(),
        checkpointOf("sigstore-java.checkpoint-valid-multi-sig").toString());
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("\"added\":[]") && again.out().contains("\"unchanged\":[{"), again.out());
    CliContractTest.Run show = run("--home", h.toString(), "checkpoint", "show");
    assertTrue(show.out().contains("rekor.sigstore.dev - 2605736670972794746: size 37795272"), show.out());
    // a malformed note is refused with exit 1 and names the file and the problem
    CliContractTest.Run bad = run("--home", h.toString(), "--json", "checkpoint", "import",
        checkpointOf("sigstore-java.checkpoint-error-no-newline-after-signature").toString());
    assertEquals(1, bad.code(), bad.err());
    assertTrue(bad.out().contains("CHECKPOINT_MALFORMED") && bad.err().contains("checkpoint.txt"), bad.out() + bad.err());
  }

  @Test
  void withoutTrustImportCannotDecide() {
    Path h = dir.resolve("bare");
    Database.create(Home.at(h));
    CliContractTest.Run r = run("--home", h.toString(), "--json", "checkpoint", "import",
        checkpointOf("sigstore-java.checkpoint-valid").toString());
    assertEquals(3, r.code(), r.err());
    assertTrue(r.out().contains("TRUST_NOT_INSTALLED"), r.out());
  }
}
