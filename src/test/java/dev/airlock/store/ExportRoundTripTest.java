package dev.airlock.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.core.Json;
import dev.airlock.core.Limits;
import dev.airlock.media.ImageSource;
import dev.airlock.media.Medium;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.Digest;
import dev.airlock.oci.ImageCandidate;
import dev.airlock.oci.Platform;
import dev.airlock.testing.ApplianceLab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Import (service level) → decide → {@code airlock export} → re-read as a medium → same digests. */
class ExportRoundTripTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
  @TempDir Path tmp;
  Home home;
  Database db;
  ImageCandidate admitted;
  ImageCandidate denied;

  record Run(int code, String out, String err) {}

  ApplianceLab lab;

  Run run(String... args) {
    ApplianceLab.Run r = lab.run(args);
    return new Run(r.code(), r.out(), r.err());
  }

  static final String POLICY = """
      apiVersion: airlock/v1
      kind: Policy
      name: export-test
      authorities:
        vendor: {key: {tuf: keys/vendor.pub}}
      images:
        - match: "reg.example/**"
          signatures: {threshold: 1, from: [vendor]}
      """;

  /**
   * A real appliance: the lab's trust, a policy, and a medium with a signed two-platform index
   * (admitted) and an unsigned image (denied), imported through the CLI: export decides again, so
   * the decisions must be real ones (DESIGN.md 6b), not stored rows.
   */
  @BeforeEach
  void importTwoImages() throws IOException {
    lab = new ApplianceLab();
    lab.clock = CLOCK;
    ApplianceLab.MediumBuilder m = lab.medium("m1").withTuf();
    Descriptor[] idx = new Descriptor[1];
    m.imageMadeBy("seg", w -> {
      Descriptor amd = w.image(2, 3000);
      Descriptor arm = w.image(2, 3000);
      idx[0] = w.index(List.of(amd, arm), List.of(new Platform("linux", "amd64", null, null, null),
          new Platform("linux", "arm64", "v8", null, null)));
      w.referrerBundle(idx[0], "https://sigstore.dev/cosign/sign/v1");
      return idx[0];
    }, List.of("reg.example/ai/seg:2.1"), List.of(ApplianceLab.logged(lab.vendor)), List.of());
    m.image("other", List.of("reg.example/ai/other:1"));
    assertEquals(0, lab.init(lab.policy("export", POLICY)).code());
    assertEquals(0, lab.run("import", m.path().toString()).code());
    home = Home.at(lab.home);
    db = Database.open(home);
    try (Medium med = Medium.open(m.path(), Home.at(tmp.resolve("scan")), Limits.defaults())) {
      for (ImageSource s : med.images()) {
        for (ImageCandidate c : s.scan(Limits.defaults())) {
          if (c.digest().equals(idx[0].digest())) {
            admitted = c;
          } else {
            denied = c;
          }
        }
      }
    }
  }

  @org.junit.jupiter.api.AfterEach
  void closeLab() {
    lab.close();
  }

  long auditEvents() {
    return db.jdbcTransaction(tx -> {
      try (ResultSet rs = tx.connection().createStatement().executeQuery("SELECT COUNT(*) FROM audit_event WHERE action = 'export'")) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"oci", "docker-archive"})
  void exportedArchiveReadsBackWithTheSameDigests(String format) throws IOException {
    Path out = tmp.resolve("out/seg.tar");
    Run r = run("--json", "export", "reg.example/ai/seg:2.1", "-o", out.toString(), "--format", format);
    assertEquals(0, r.code(), r.err() + r.out());
    JsonNode doc = Json.parse(r.out().getBytes(StandardCharsets.UTF_8), "out");
    assertEquals(admitted.digest().toString(), doc.path("digest").asText());
    assertEquals(1, auditEvents());
    try (var s = Files.list(out.getParent())) {
      assertEquals(List.of(out), s.toList(), "no temporary file is left beside the output");
    }
    try (Medium m = Medium.open(out, Home.at(tmp.resolve("home2")), Limits.defaults())) {
      assertEquals(1, m.images().size());
      List<ImageCandidate> back = m.images().get(0).scan(Limits.defaults());
      assertEquals(1, back.size());
      ImageCandidate c = back.get(0);
      assertEquals(admitted.digest(), c.digest());
      assertEquals(List.of("reg.example/ai/seg:2.1"), c.references().stream().map(Object::toString).toList());
      // every blob read back is one of the stored image's, and every layer of both platforms is there
      // (the cosign .sig tag is not part of the export: only the image and its referrers are)
      Set<Digest> stored = admitted.blobs().stream().map(Descriptor::digest).collect(Collectors.toSet());
      Set<Digest> back2 = c.blobs().stream().map(Descriptor::digest).collect(Collectors.toSet());
      assertTrue(stored.containsAll(back2), back2 + " not within " + stored);
      assertEquals(4, c.blobs().stream().filter(b -> b.size() == 3000).count(), c.blobs().toString());
      assertEquals(1, c.signatures().size(), "the referrer survives as a loose blob");
      // every exported blob hashes to its name: re-import into a fresh store verifies it
      Home h3 = Home.at(Files.createDirectories(tmp.resolve("home3")));
      try (ImageImporter importer = new ImageImporter(BlobStore.at(h3), Limits.defaults(), 2, null)) {
        assertTrue(importer.importImage(c).stored());
      }
    }
    if (format.equals("docker-archive")) {
      try (Medium m = Medium.open(out, Home.at(tmp.resolve("home4")), Limits.defaults())) {
        JsonNode manifest = Json.parse(Files.readAllBytes(m.root().resolve("manifest.json")), "manifest.json");
        assertEquals("reg.example/ai/seg:2.1", manifest.get(0).path("RepoTags").get(0).asText());
        assertEquals(2, manifest.get(0).path("Layers").size());
        for (JsonNode l : manifest.get(0).path("Layers")) {
          assertTrue(Files.isRegularFile(m.root().resolve(l.asText())), l.asText());
        }
      }
    }
  }

  @Test
  void deniedAndUnknownImagesAreNotExported() throws IOException {
    Path out = tmp.resolve("x.tar");
    Run r = run("--json", "export", "reg.example/ai/other:1", "-o", out.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.out().contains("IMAGE_NOT_ADMITTED"), r.out());
    assertFalse(Files.exists(out));
    r = run("export", "reg.example/ai/nothing:1", "-o", out.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("not stored"), r.err());
    assertFalse(Files.exists(out));
    assertEquals(2, auditEvents(), "refusals are audited too");
  }

  @Test
  void aBlobChangedInTheStoreAbortsTheExport() throws IOException {
    BlobStore store = BlobStore.at(home);
    Descriptor layer = admitted.blobs().get(admitted.blobs().size() - 1);
    Path p = store.path(admitted.blobs().stream().filter(b -> b.size() == 3000).findFirst().orElse(layer).digest());
    byte[] b = Files.readAllBytes(p);
    b[0] ^= 1;
    Files.write(p, b);
    Path out = tmp.resolve("out/seg.tar");
    Run r = run("export", admitted.digest().toString(), "-o", out.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("BLOB_DIGEST_MISMATCH") || r.err().contains("stored blob changed"), r.err());
    try (var s = Files.list(out.getParent())) {
      assertEquals(0, s.count(), "no partial archive");
    }
  }

  @Test
  void imagesListsEveryStoredImage() {
    Run r = run("--json", "images");
    assertEquals(0, r.code(), r.err());
    JsonNode doc = Json.parse(r.out().getBytes(StandardCharsets.UTF_8), "out");
    Set<String> decisions = new java.util.HashSet<>();
    for (JsonNode i : doc.path("images")) {
      JsonNode d = i.path("decisions").get(0);
      decisions.add(d.path("decision").asText());
      if (i.path("digest").asText().equals(admitted.digest().toString())) {
        assertEquals(2, i.path("platforms").size());
        assertEquals("reg.example/ai/seg:2.1", i.path("references").get(0).asText());
        assertEquals("reg.example/ai/seg:2.1", d.path("reference").asText());
        assertEquals(2, i.path("signatures").asInt(), "the referrer bundle and the .sig layer");
      } else {
        assertTrue(d.path("reasons").toString().contains("NO_SIGNATURES"), d.toString());
      }
    }
    assertEquals(Set.of("admit", "deny"), decisions);
    Run human = run("images");
    assertEquals(0, human.code());
    assertTrue(human.out().contains("reg.example/ai/seg:2.1") && human.out().contains("admit"), human.out());
  }
}
