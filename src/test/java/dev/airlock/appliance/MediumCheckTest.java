package dev.airlock.appliance;

import static dev.airlock.testing.ApplianceLab.logged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.testing.ApplianceLab;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code airlock medium check}: everything {@code import} does, nothing stored (issue 14, DESIGN.md 10). */
class MediumCheckTest {
  static final String POLICY = """
      apiVersion: airlock/v1
      kind: Policy
      name: check
      authorities:
        vendor: {key: {tuf: keys/vendor.pub}}
      images:
        - match: "vendor.example/**"
          signatures: {threshold: 1, from: [vendor]}
      """;

  @Test
  void aCheckDecidesLikeAnImportAndStoresNothing() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("check", POLICY)).code());
      TreeSet<String> before = l.storedBlobs();
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("good", List.of("vendor.example/app:1.0"), logged(l.vendor));
      m.image("bad", List.of("vendor.example/tool:1.0"), logged(l.dev));
      ApplianceLab.Run check = l.run("--json", "medium", "check", m.path().toString());
      assertEquals(0, check.code(), check.toString());
      JsonNode rep = check.json();
      assertEquals(ImportService.CHECK_MEDIA_TYPE, rep.path("mediaType").asText());
      JsonNode images = rep.path("media").get(0).path("images");
      assertEquals(2, images.size(), rep.toString());
      for (JsonNode i : images) {
        String want = i.path("reference").asText().contains("app") ? "admit" : "deny";
        assertEquals(want, i.path("decision").asText(), i.toString());
      }
      // nothing was stored: no blob, no image, no trust, no staging left
      assertEquals(before, l.storedBlobs());
      assertEquals(0, l.run("--json", "images").json().path("images").size());
      ApplianceLab.Run v = l.run("--json", "verify", "vendor.example/app:1.0");
      assertEquals(1, v.code(), v.toString());
      assertTrue(v.out().contains("IMAGE_NOT_STORED"), v.out());
      try (Stream<java.nio.file.Path> s = Files.exists(l.home.resolve("staging"))
          ? Files.list(l.home.resolve("staging")) : Stream.empty()) {
        assertEquals(0, s.count(), "staging is cleaned");
      }
      // the check is audited; the real import afterwards stores and admits as the check said
      java.nio.file.Path export = l.dir.resolve("audit.jsonl");
      assertEquals(0, l.run("audit", "export", "-o", export.toString()).code());
      assertTrue(Files.readString(export).contains("\"medium.check\""), "the check is audited");
      assertEquals(0, l.run("import", m.path().toString()).code());
      assertEquals(0, l.run("verify", "vendor.example/app:1.0").code());
      assertEquals(1, l.run("verify", "vendor.example/tool:1.0").code());
    }
  }

  @Test
  void aCheckOfARefusedMediumExitsAsImportWouldAndStoresNothing() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("check", POLICY)).code());
      l.tuf.expires("timestamp", ApplianceLab.EPOCH.plus(Duration.ofHours(1)));
      l.tuf.publish();
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("good", List.of("vendor.example/app:1.0"), logged(l.vendor));
      ApplianceLab.Run check = l.run("--json", "medium", "check", m.path().toString());
      assertEquals(3, check.code(), check.toString());
      assertTrue(check.all().contains("TUF_EXPIRED"), check.toString());
      assertEquals(new TreeSet<>(), l.storedBlobs());
    }
  }
}
