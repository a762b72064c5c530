package dev.airlock.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.core.json.Documents;
import dev.airlock.core.json.VerdictDocument;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The verdict document (DESIGN.md 5) is a fixed contract: the typed template and its one
 * serialiser must write, byte for byte, what the ObjectNode code wrote before them (golden files
 * in {@code golden/}, printed by the CLI on the demo medium), including the per-command fields.
 */
class VerdictDocumentGoldenTest {

  @ParameterizedTest
  @ValueSource(strings = {"verify-admit", "verify-deny", "verify-flags", "verify-whatif", "verify-unknown"})
  void writesTheGoldenDocumentByteForByte(String name) throws IOException {
    String golden = golden(name);
    JsonNode n = Json.parse(golden.getBytes(StandardCharsets.UTF_8), name);
    VerdictDocument d = Verdict.fromJson(n).document();
    if (n.has("whatIf")) {
      d = d.withWhatIf(n.get("whatIf").asText());
    }
    if (n.has("flags")) {
      d = d.withFlags(n.get("flags").asText());
    }
    if (n.has("cached")) {
      d = d.withCached(n.get("cached").asBoolean());
    }
    assertEquals(golden, Documents.write(d));
    // the tree for audit details is the same document
    assertEquals(golden, Json.write(Documents.tree(d)));
  }

  /** Absent versus null, the order of the optional fields, and JSON escaping. */
  @Test
  void optionalFieldsAreAbsentAndInContractOrder() {
    Verdict v = Verdict.builder()
        .subject(null, "sha256:ab")
        .decision(Verdict.Decision.ADMIT)
        .policy(null, "sha256:cd", null)
        .trust(null, null)
        .checkpoint("z.example - 2", 7)
        .checkpoint("a.example - 1", 12_000_000_000L)
        .time(Instant.parse("2026-11-22T10:00:00Z"), null)
        .signature(new SignatureVerdict(null, null, "line\n\"q\"", null, null, null,
            List.of(Check.fail("tlog.inclusion", Reason.INCLUSION_ROOT_MISMATCH, "e", "a"))))
        .informational(Check.unknown("authority.qa", Reason.AUTHORITY_NOT_SATISFIED, "d"))
        .threshold(1, 1)
        .warning("mode warn: ü")
        .build();
    String expected = "{\"mediaType\":\"application/vnd.airlock.verdict.v1+json\",\"subject\":{\"digest\":\"sha256:ab\"},"
        + "\"decision\":\"admit\",\"policy\":{\"digest\":\"sha256:cd\"},"
        + "\"trust\":{\"checkpoints\":{\"a.example - 1\":12000000000,\"z.example - 2\":7}},"
        + "\"time\":{\"now\":\"2026-11-22T10:00:00Z\",\"source\":\"system\"},"
        + "\"signatures\":[{\"kind\":null,\"identity\":\"line\\n\\\"q\\\"\",\"checks\":[{\"id\":\"tlog.inclusion\","
        + "\"outcome\":\"fail\",\"reason\":\"INCLUSION_ROOT_MISMATCH\",\"expected\":\"e\",\"actual\":\"a\"}]}],"
        + "\"checks\":[{\"id\":\"authority.qa\",\"outcome\":\"unknown\",\"reason\":\"AUTHORITY_NOT_SATISFIED\","
        + "\"detail\":\"d\"}],\"threshold\":{\"required\":1,\"satisfied\":1},\"reasons\":[],"
        + "\"warnings\":[\"mode warn: ü\"]";
    VerdictDocument d = v.document();
    assertEquals(expected + "}", Documents.write(d));
    assertEquals(expected + ",\"bundle\":\"b.json\",\"predicateType\":\"p\",\"whatIf\":\"w.yaml\",\"flags\":\"f\","
        + "\"cached\":true}",
        Documents.write(d.withCached(true).withFlags("f").withWhatIf("w.yaml").withBundle("b.json", "p")));
    assertEquals(expected + ",\"bundle\":\"b.json\"}", Documents.write(d.withBundle("b.json", null).withCached(false)));
    assertEquals("[" + expected + "}," + expected + "}]", Documents.writeArray(List.of(d, d)));
  }

  private static String golden(String name) throws IOException {
    try (InputStream in = VerdictDocumentGoldenTest.class.getResourceAsStream("golden/" + name + ".json")) {
      assertNotNull(in, name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }
}
