package dev.airlock.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.cli.Main;
import dev.airlock.core.Database;
import dev.airlock.core.Home;
import dev.airlock.core.Json;
import dev.airlock.core.Limits;
import dev.airlock.lab.oci.OciLayoutWriter;
import dev.airlock.media.ImageSource;
import dev.airlock.media.Medium;
import dev.airlock.oci.Annotations;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.ImageCandidate;
import dev.airlock.oci.Platform;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("--home", home.root().toString()));
    all.addAll(List.of(args));
    int code = Main.run(all.toArray(new String[0]), CLOCK, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeEach
  void importTwoImages() throws IOException {
    Path dir = tmp.resolve("medium/images/seg");
    OciLayoutWriter w = new OciLayoutWriter(dir, 21);
    Descriptor amd = w.image(2, 3000);
    Descriptor arm = w.image(2, 3000);
    Descriptor idx = w.index(List.of(amd, arm), List.of(new Platform("linux", "amd64", null, null, null),
        new Platform("linux", "arm64", "v8", null, null)));
    w.referrerBundle(idx, "https://sigstore.dev/cosign/sign/v1");
    Descriptor other = w.image(1, 100);
    w.list(idx, Map.of(Annotations.CONTAINERD_IMAGE_NAME, "reg.example/ai/seg:2.1", Annotations.REF_NAME, "2.1"))
        .list(other, Map.of(Annotations.CONTAINERD_IMAGE_NAME, "reg.example/ai/other:1"))
        .writeIndex();
    home = Home.at(Files.createDirectories(tmp.resolve("home")));
    db = Database.create(home);
    try (Medium m = Medium.open(tmp.resolve("medium"), home, Limits.defaults());
        ImageImporter importer = new ImageImporter(BlobStore.at(home), Limits.defaults(), 2, null)) {
      for (ImageSource s : m.images()) {
        for (ImageCandidate c : s.scan(Limits.defaults())) {
          assertTrue(importer.importImage(c).stored());
          db.transaction(tx -> {
            ImageStore.record(tx, c, CLOCK.instant());
            return null;
          });
          if (c.digest().equals(idx.digest())) {
            admitted = c;
          } else {
            denied = c;
          }
        }
      }
    }
    db.transaction(tx -> {
      ImageStore.setDecision(tx, admitted.digest(), "admit", "{\"reasons\":[]}", CLOCK.instant());
      ImageStore.setDecision(tx, denied.digest(), "deny", "{\"reasons\":[\"NO_SIGNATURES\"]}", CLOCK.instant());
      return null;
    });
  }

  long auditEvents() {
    return db.transaction(tx -> {
      try (ResultSet rs = tx.createStatement().executeQuery("SELECT COUNT(*) FROM audit_event WHERE action = 'export'")) {
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
      assertEquals(admitted.blobs().stream().map(Descriptor::digest).collect(Collectors.toSet()),
          c.blobs().stream().map(Descriptor::digest).collect(Collectors.toSet()));
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
      decisions.add(i.path("decision").asText());
      if (i.path("digest").asText().equals(admitted.digest().toString())) {
        assertEquals(2, i.path("platforms").size());
        assertEquals("reg.example/ai/seg:2.1", i.path("references").get(0).asText());
        assertEquals(1, i.path("signatures").asInt());
      } else {
        assertEquals("NO_SIGNATURES", i.path("reasons").get(0).asText());
      }
    }
    assertEquals(Set.of("admit", "deny"), decisions);
    Run human = run("images");
    assertEquals(0, human.code());
    assertTrue(human.out().contains("reg.example/ai/seg:2.1") && human.out().contains("admit"), human.out());
  }
}
