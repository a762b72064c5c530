package dev.airlock.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.Json;
import dev.airlock.core.json.Documents;
import dev.airlock.core.json.ImportReport;
import dev.airlock.core.json.SnapshotDocument;
import dev.airlock.verify.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The import report and the medium check report are fixed contracts: the typed template and its
 * one serialiser must write, byte for byte, what the ObjectNode code wrote before (golden files in
 * {@code golden/}, printed by the CLI for the demo medium).
 */
class ImportReportGoldenTest {

  @ParameterizedTest
  @ValueSource(strings = {"import", "medium-check"})
  void writesTheGoldenReportByteForByte(String name) throws IOException {
    String golden = golden(name);
    JsonNode n = Json.parse(golden.getBytes(StandardCharsets.UTF_8), name);
    List<ImportReport.Medium> media = new ArrayList<>();
    for (JsonNode m : n.path("media")) {
      JsonNode t = m.get("trust");
      JsonNode c = m.get("checkpoints");
      List<ImportReport.Image> images = new ArrayList<>();
      m.path("images").forEach(i -> images.add(new ImportReport.Image(i.path("reference").asText(),
          i.path("digest").asText(), i.path("decision").asText(), strings(i.path("reasons")),
          Verdict.fromJson(i.path("verdict")).document())));
      List<ImportReport.Rejected> rejected = new ArrayList<>();
      m.path("rejected").forEach(r -> rejected.add(new ImportReport.Rejected(r.path("source").asText(),
          r.has("digest") ? r.path("digest").asText() : null, r.path("reason").asText(), r.path("message").asText())));
      media.add(new ImportReport.Medium(m.path("medium").asText(),
          t == null ? null : new ImportReport.TrustChange(snapshot(t.path("snapshot")), t.path("changed").asBoolean()),
          c == null ? null : new ImportReport.Checkpoints(c.path("added").asInt(), c.path("unchanged").asInt(),
              c.path("proofs").asInt()),
          m.has("warning") ? m.path("warning").asText() : null, images, rejected));
    }
    assertEquals(golden, Documents.write(new ImportReport(n.path("mediaType").asText(), media)));
  }

  /** The parts the demo medium does not show: no trust part, a warning, rejected images. */
  @Test
  void absentPartsWarningAndRejections() {
    ImportReport r = new ImportReport(ImportService.REPORT_MEDIA_TYPE, List.of(new ImportReport.Medium("/m", null,
        null, "no policy", List.of(), List.of(new ImportReport.Rejected("images/a", null, "INDEX_MALFORMED", "bad"),
            new ImportReport.Rejected("images/b", "sha256:ab", "BLOB_DIGEST_MISMATCH", null)))));
    assertEquals("{\"mediaType\":\"application/vnd.airlock.import-report.v1+json\",\"media\":[{\"medium\":\"/m\","
        + "\"warning\":\"no policy\",\"images\":[],\"rejected\":[{\"source\":\"images/a\",\"reason\":\"INDEX_MALFORMED\","
        + "\"message\":\"bad\"},{\"source\":\"images/b\",\"digest\":\"sha256:ab\",\"reason\":\"BLOB_DIGEST_MISMATCH\","
        + "\"message\":null}]}]}", Documents.write(r));
  }

  private static SnapshotDocument snapshot(JsonNode s) {
    JsonNode tuf = s.path("tuf");
    return new SnapshotDocument(s.path("seq").asLong(), s.path("id").asText(), s.path("installedAt").asText(),
        s.path("source").asText(), role(tuf.path("root")), role(tuf.path("timestamp")), role(tuf.path("snapshot")),
        role(tuf.path("targets")), s.path("expiredTimestampAccepted").asBoolean());
  }

  private static SnapshotDocument.Role role(JsonNode r) {
    return new SnapshotDocument.Role(r.path("version").asInt(), r.path("expires").asText());
  }

  private static List<String> strings(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(x -> out.add(x.asText()));
    return out;
  }

  private static String golden(String name) throws IOException {
    try (InputStream in = ImportReportGoldenTest.class.getResourceAsStream("golden/" + name + ".json")) {
      assertNotNull(in, name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }
}
