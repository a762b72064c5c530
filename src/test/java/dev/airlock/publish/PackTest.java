package dev.airlock.publish;

import static dev.airlock.publish.RepoLab.airlock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.crypto.Hashing;
import dev.airlock.lab.oci.DockerArchiveWriter;
import dev.airlock.lab.oci.OciLayoutWriter;
import dev.airlock.oci.Descriptor;
import dev.airlock.tlog.Checkpoint;
import dev.airlock.tlog.SignedNote;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code airlock pack}: the demo medium repacked and imported, docker-archives, Rekor responses, refusals. */
class PackTest {
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final ObjectMapper M = new ObjectMapper();
  static final Path DEMO = Path.of("bundles", "demo");
  // the demo medium's two Rekor checkpoints and the proof between them (scripts/make-demo; pack names them
  // <origin>-<size>.checkpoint and <origin>-<old>-<new>.proof.json)
  static final JsonNode DEMO_PROOF = demoProof();
  static final String ORIGIN = DEMO_PROOF.path("origin").asText();
  static final long OLD = DEMO_PROOF.path("oldSize").asLong();
  static final int NEW = DEMO_PROOF.path("newSize").asInt();
  static final int PROOF_HASHES = DEMO_PROOF.path("hashes").size();
  static final String CP_OLD = ORIGIN.replace(" ", "_") + "-" + OLD + ".checkpoint";
  static final String CP_NEW = ORIGIN.replace(" ", "_") + "-" + NEW + ".checkpoint";
  static final String CP_PROOF = ORIGIN.replace(" ", "_") + "-" + OLD + "-" + NEW + ".proof.json";

  private static JsonNode demoProof() {
    try (java.util.stream.Stream<Path> s = Files.list(DEMO.resolve("checkpoints"))) {
      Path p = s.filter(x -> x.getFileName().toString().endsWith(".proof.json")).findFirst().orElseThrow();
      return M.readTree(Files.readAllBytes(p));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @TempDir Path tmp;

  static List<String> children(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(Path::toString).sorted().toList();
    }
  }

  @Test
  void demoMediumPackedAsTarZstImportsWithTheSameDecisions() throws Exception {
    Path out = tmp.resolve("m.tar.zst");
    List<String> args = new ArrayList<>(List.of("--json", "pack", "-o", out.toString(), "--tuf", DEMO.resolve("tuf").toString(),
        "--checkpoints"));
    args.addAll(children(DEMO.resolve("checkpoints")));
    args.add("--images");
    args.addAll(children(DEMO.resolve("images")));
    RepoLab.Run p = airlock(T0, args.toArray(new String[0]));
    assertEquals(0, p.code(), p.toString());
    JsonNode inv = M.readTree(p.out());
    assertEquals("application/vnd.airlock.medium-inventory.v1+json", inv.path("mediaType").asText());
    assertEquals(1, inv.path("tuf").path("root").path("version").asInt());
    assertEquals(3, inv.path("checkpoints").size());
    assertEquals(5, inv.path("images").size());
    int sigs = 0;
    for (JsonNode src : inv.path("images")) {
      for (JsonNode img : src.path("images")) {
        assertTrue(img.path("digest").asText().startsWith("sha256:"));
        assertTrue(img.path("size").asLong() > 0);
        sigs += img.path("signatures").asInt();
      }
    }
    assertTrue(sigs >= 5, "every demo image is signed: " + inv);

    // tuf/ first, then checkpoints/, then images/, inventory.json last
    List<String> names = new ArrayList<>();
    Map<String, byte[]> small = new HashMap<>();
    try (InputStream in = new ZstdInputStream(Files.newInputStream(out)); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        names.add(e.getName());
        assertTrue(e.isFile() || e.isDirectory(), e.getName());
        if (e.getName().equals("inventory.json")) {
          small.put(e.getName(), tar.readAllBytes());
        }
      }
    }
    int lastTuf = -1;
    int firstCp = Integer.MAX_VALUE;
    int lastCp = -1;
    int firstImg = Integer.MAX_VALUE;
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      if (n.startsWith("tuf/")) {
        lastTuf = i;
      } else if (n.startsWith("checkpoints/")) {
        firstCp = Math.min(firstCp, i);
        lastCp = i;
      } else if (n.startsWith("images/")) {
        firstImg = Math.min(firstImg, i);
      }
    }
    assertTrue(lastTuf < firstCp && lastCp < firstImg, names.toString());
    assertEquals("inventory.json", names.get(names.size() - 1));
    assertEquals(inv, M.readTree(small.get("inventory.json")));

    // the human table
    Path out2 = tmp.resolve("m2");
    RepoLab.Run h = airlock(T0, "pack", "-o", out2.toString(), "--images", DEMO.resolve("images/seg").toString());
    assertEquals(0, h.code(), h.toString());
    assertTrue(h.out().contains("reg.vendor.example/ai/seg:2.1"), h.out());
    assertTrue(Files.isRegularFile(out2.resolve("images/seg/index.json")));

    // the appliance imports the packed medium and decides as for the original
    Path home = tmp.resolve("home");
    assertEquals(0, airlock(T0, "--home", home.toString(), "init", "--root", "trust-root/demo/root.json",
        "--policy", DEMO.resolve("policy.yaml").toString()).code());
    RepoLab.Run imp = airlock(T0, "--home", home.toString(), "--json", "import", out.toString());
    assertEquals(0, imp.code(), imp.toString());
    JsonNode m = M.readTree(imp.out()).path("media").get(0);
    Map<String, String> decisions = new HashMap<>();
    m.path("images").forEach(i -> decisions.put(i.path("reference").asText(), i.path("decision").asText()));
    assertEquals(Map.of("reg.hospital.example/tools/dicom-anon:1.0", "admit", "reg.vendor.example/ai/seg:2.1", "admit",
        "reg.vendor.example/ai/cls:1.0", "deny", "reg.vendor.example/ai/det:3.0", "deny",
        "reg.vendor.example/ai/triage:0.9", "deny"), decisions);
    assertTrue(m.path("checkpoints").path("added").asInt() >= 1, m.toString());
  }

  @Test
  void layoutWithAMissingBlobIsRefusedAndNothingIsWritten() throws Exception {
    Path layout = tmp.resolve("in/app");
    OciLayoutWriter w = new OciLayoutWriter(layout, 7);
    Descriptor img = w.image(2, 1000);
    w.list(img, Map.of("org.opencontainers.image.ref.name", "1.0")).writeIndex();
    JsonNode manifest = M.readTree(Files.readAllBytes(w.blobPath(img.digest())));
    String layer = manifest.path("layers").get(1).path("digest").asText();
    Files.delete(w.blobPath(dev.airlock.oci.Digest.parse(layer)));
    for (String name : List.of("m.tar", "m.tar.zst", "folder")) {
      Path out = tmp.resolve("out").resolve(name);
      Files.createDirectories(out.getParent());
      RepoLab.Run r = airlock(T0, "pack", "-o", out.toString(), "--images", layout.toString());
      assertEquals(1, r.code(), r.toString());
      assertTrue(r.err().contains("blob " + layer) && r.err().contains("is missing"), r.err());
      assertEquals(List.of(), children(tmp.resolve("out")), "nothing written, no temporary folder left");
    }
    // a blob that does not hash to its name is refused too
    Files.write(w.blobPath(dev.airlock.oci.Digest.parse(layer)), "other bytes".getBytes(StandardCharsets.UTF_8));
    RepoLab.Run r = airlock(T0, "pack", "-o", tmp.resolve("out/x.tar").toString(), "--images", layout.toString());
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("does not hash to its name"), r.err());
    assertEquals(List.of(), children(tmp.resolve("out")));
  }

  @Test
  void symlinkedDockerArchiveIsRepackedWithTheSameDigest() throws Exception {
    // a docker-archive as skopeo writes it: <id>/layer.tar are symbolic links to <digest>.tar
    Path plain = tmp.resolve("plain");
    DockerArchiveWriter.legacy(plain, List.of("reg.example/app:1.0"), 2, 11);
    JsonNode mf = M.readTree(Files.readAllBytes(plain.resolve("manifest.json"))).get(0);
    Path archive = tmp.resolve("skopeo-style.tar");
    try (OutputStream o = Files.newOutputStream(archive); TarArchiveOutputStream tar = new TarArchiveOutputStream(o)) {
      ObjectNode entry = (ObjectNode) mf.deepCopy();
      for (JsonNode l : mf.path("Layers")) {
        byte[] b = Files.readAllBytes(plain.resolve(l.asText()));
        String hex = Hashing.sha256Hex(b);
        add(tar, hex + ".tar", b);
        TarArchiveEntry link = new TarArchiveEntry(l.asText(), TarArchiveEntry.LF_SYMLINK);
        link.setLinkName("../" + hex + ".tar");
        tar.putArchiveEntry(link);
        tar.closeArchiveEntry();
      }
      add(tar, mf.path("Config").asText(), Files.readAllBytes(plain.resolve(mf.path("Config").asText())));
      add(tar, "manifest.json", M.writeValueAsBytes(M.createArrayNode().add(entry)));
    }
    // the appliance refuses the links on a medium ...
    Path home = tmp.resolve("home");
    assertEquals(0, airlock(T0, "--home", home.toString(), "init", "--root", "trust-root/demo/root.json").code());
    assertEquals(0, airlock(T0, "--home", home.toString(), "trust", "update", DEMO.resolve("tuf").toString()).code());
    Path raw = tmp.resolve("raw");
    Files.createDirectories(raw.resolve("images"));
    Files.copy(archive, raw.resolve("images/app.tar"));
    RepoLab.Run refused = airlock(T0, "--home", home.toString(), "import", raw.toString());
    assertEquals(1, refused.code(), refused.toString());
    assertTrue(refused.err().contains("link"), refused.err());
    // ... pack repacks it into an OCI layout whose manifest digest is the one the appliance computes for
    // the same docker-archive without links
    RepoLab.Run packed = airlock(T0, "--json", "pack", "-o", tmp.resolve("m").toString(), "--images", archive.toString());
    assertEquals(0, packed.code(), packed.toString());
    JsonNode img = M.readTree(packed.out()).path("images").get(0);
    assertEquals("docker-archive (repacked as OCI layout)", img.path("format").asText());
    assertEquals("reg.example/app:1.0", img.path("images").get(0).path("references").get(0).asText());
    Path plainMedium = tmp.resolve("plain-medium");
    Files.createDirectories(plainMedium.resolve("images"));
    dev.airlock.publish.Trees.copy(plain, plainMedium.resolve("images/app"));
    RepoLab.Run a = airlock(T0, "--home", home.toString(), "--json", "import", plainMedium.toString());
    RepoLab.Run b = airlock(T0, "--home", tmp.resolve("home").toString(), "--json", "import", tmp.resolve("m").toString());
    assertEquals(0, a.code(), a.toString());
    assertEquals(0, b.code(), b.toString());
    String da = M.readTree(a.out()).path("media").get(0).path("images").get(0).path("digest").asText();
    String db = M.readTree(b.out()).path("media").get(0).path("images").get(0).path("digest").asText();
    assertEquals(img.path("images").get(0).path("digest").asText(), da);
    assertEquals(da, db);
  }

  static void add(TarArchiveOutputStream tar, String name, byte[] b) throws Exception {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(b.length);
    tar.putArchiveEntry(e);
    tar.write(b);
    tar.closeArchiveEntry();
  }

  @Test
  void rekorLogInfoAndProofResponsesBecomeDesignProofFiles() throws Exception {
    Path cps = DEMO.resolve("checkpoints");
    Rekor rekor = rekorResponses();
    byte[] newNote = rekor.newNote();
    ObjectNode logInfo = rekor.logInfo();
    JsonNode demoProof = rekor.demoProof();
    ObjectNode proof = rekor.proof();
    Path li = rekor.logInfoFile();
    Path pr = rekor.proofFile();

    RepoLab.Run noSize = airlock(T0, "pack", "-o", tmp.resolve("x").toString(), "--checkpoints", li.toString(), pr.toString());
    assertEquals(2, noSize.code(), noSize.toString());
    assertTrue(noSize.err().contains("--from-size"), noSize.err());

    Path out = tmp.resolve("m");
    RepoLab.Run r = airlock(T0, "pack", "-o", out.toString(), "--checkpoints", li.toString(), pr.toString(),
        cps.resolve(CP_OLD).toString(), "--from-size", String.valueOf(OLD));
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("proof " + OLD + " -> " + NEW + " (" + PROOF_HASHES + " hashes)"), r.out());
    String base = ORIGIN.replace(" ", "_");
    JsonNode written = M.readTree(Files.readAllBytes(out.resolve("checkpoints/" + base + "-" + OLD + "-" + NEW + ".proof.json")));
    assertEquals(demoProof, written);
    assertEquals(new String(newNote, StandardCharsets.UTF_8),
        Files.readString(out.resolve("checkpoints/" + base + "-" + NEW + ".checkpoint")));

    // the appliance accepts the converted files: the older checkpoint, then the newer one through the proof
    Path home = tmp.resolve("home");
    assertEquals(0, airlock(T0, "--home", home.toString(), "init", "--root", "trust-root/demo/root.json").code());
    assertEquals(0, airlock(T0, "--home", home.toString(), "trust", "update", DEMO.resolve("tuf").toString()).code());
    RepoLab.Run imp = airlock(T0, "--home", home.toString(), "checkpoint", "import",
        out.resolve("checkpoints/" + base + "-" + OLD + ".checkpoint").toString(),
        out.resolve("checkpoints/" + base + "-" + NEW + ".checkpoint").toString(),
        out.resolve("checkpoints/" + base + "-" + OLD + "-" + NEW + ".proof.json").toString());
    assertEquals(0, imp.code(), imp.toString());
    assertTrue(imp.out().contains("2 checkpoint(s) stored"), imp.out());

    // checkpoint import takes Rekor's responses too (issue 14): the older checkpoint on a fresh home,
    // then log-info + proof with --from-size: the newer one is stored through the converted proof
    Path home2 = tmp.resolve("home2");
    assertEquals(0, airlock(T0, "--home", home2.toString(), "init", "--root", "trust-root/demo/root.json").code());
    assertEquals(0, airlock(T0, "--home", home2.toString(), "trust", "update", DEMO.resolve("tuf").toString()).code());
    assertEquals(0, airlock(T0, "--home", home2.toString(), "checkpoint", "import",
        cps.resolve(CP_OLD).toString()).code());
    RepoLab.Run noFrom = airlock(T0, "--home", home2.toString(), "checkpoint", "import", li.toString(), pr.toString());
    assertEquals(2, noFrom.code(), noFrom.toString());
    assertTrue(noFrom.err().contains("--from-size"), noFrom.err());
    RepoLab.Run rekorImp = airlock(T0, "--home", home2.toString(), "--json", "checkpoint", "import", li.toString(),
        pr.toString(), "--from-size", String.valueOf(OLD));
    assertEquals(0, rekorImp.code(), rekorImp.toString());
    assertEquals(NEW, M.readTree(rekorImp.out()).path("added").get(0).path("treeSize").asInt(), rekorImp.out());
    // a proof response that does not lead there is refused (exit 1), nothing stored
    ObjectNode badProof = proof.deepCopy();
    ((com.fasterxml.jackson.databind.node.ArrayNode) badProof.get("hashes")).set(0,
        com.fasterxml.jackson.databind.node.TextNode.valueOf("11".repeat(32)));
    Files.write(pr, M.writeValueAsBytes(badProof));
    Path home3 = tmp.resolve("home3");
    assertEquals(0, airlock(T0, "--home", home3.toString(), "init", "--root", "trust-root/demo/root.json").code());
    assertEquals(0, airlock(T0, "--home", home3.toString(), "trust", "update", DEMO.resolve("tuf").toString()).code());
    assertEquals(0, airlock(T0, "--home", home3.toString(), "checkpoint", "import",
        cps.resolve(CP_OLD).toString()).code());
    RepoLab.Run badImp = airlock(T0, "--home", home3.toString(), "checkpoint", "import", li.toString(), pr.toString(),
        "--from-size", String.valueOf(OLD));
    assertEquals(1, badImp.code(), badImp.toString());
    Files.write(pr, M.writeValueAsBytes(proof));

    // a log-info response whose rootHash is not its checkpoint's is refused
    logInfo.put("rootHash", "00".repeat(32));
    Files.write(li, M.writeValueAsBytes(logInfo));
    RepoLab.Run bad = airlock(T0, "pack", "-o", tmp.resolve("y").toString(), "--checkpoints", li.toString());
    assertEquals(1, bad.code(), bad.toString());
    assertFalse(Files.exists(tmp.resolve("y")));
  }

  @Test
  void checkpointRequestSaysWhatTheApplianceHolds() throws Exception {
    Path home = tmp.resolve("home");
    Path req = tmp.resolve("request.json");
    assertEquals(0, airlock(T0, "--home", home.toString(), "init", "--root", "trust-root/demo/root.json").code());
    RepoLab.Run none = airlock(T0, "--home", home.toString(), "checkpoint", "request", "-o", req.toString());
    assertEquals(0, none.code(), none.toString());
    assertEquals(0, M.readTree(Files.readAllBytes(req)).path("logs").size());
    assertTrue(none.out().contains("no checkpoints stored"), none.out());
    assertEquals(0, airlock(T0, "--home", home.toString(), "trust", "update", DEMO.resolve("tuf").toString()).code());
    assertEquals(0, airlock(T0, "--home", home.toString(), "checkpoint", "import",
        DEMO.resolve("checkpoints").resolve(CP_OLD).toString()).code());
    RepoLab.Run r = airlock(T0, "--home", home.toString(), "checkpoint", "request", "-o", req.toString());
    assertEquals(0, r.code(), r.toString());
    JsonNode doc = M.readTree(Files.readAllBytes(req));
    assertEquals("application/vnd.airlock.checkpoint-request.v1+json", doc.path("mediaType").asText());
    JsonNode log = doc.path("logs").get(0);
    assertEquals(ORIGIN, log.path("origin").asText());
    assertEquals(OLD, log.path("treeSize").asLong());
    Checkpoint c = Checkpoint.parse(SignedNote.parse(Files.readAllBytes(DEMO.resolve("checkpoints").resolve(CP_OLD))).body());
    assertEquals(c.rootHex(), log.path("rootHash").asText());
    assertTrue(r.out().contains("holds tree size " + OLD), r.out());
  }

  @Test
  void packTakesTheAppliancesRequestAndRefusesCheckpointsItCannotProve() throws Exception {
    Path cps = DEMO.resolve("checkpoints");
    Rekor rekor = rekorResponses();
    Path li = rekor.logInfoFile();
    Path pr = rekor.proofFile();
    // the appliance holds the older size and says so
    Path home = tmp.resolve("home");
    Path req = tmp.resolve("request.json");
    assertEquals(0, airlock(T0, "--home", home.toString(), "init", "--root", "trust-root/demo/root.json").code());
    assertEquals(0, airlock(T0, "--home", home.toString(), "trust", "update", DEMO.resolve("tuf").toString()).code());
    assertEquals(0, airlock(T0, "--home", home.toString(), "checkpoint", "import",
        cps.resolve(CP_OLD).toString()).code());
    assertEquals(0, airlock(T0, "--home", home.toString(), "checkpoint", "request", "-o", req.toString()).code());

    // Rekor's responses need no --from-size: the request says where the proof starts
    Path out = tmp.resolve("m");
    RepoLab.Run r = airlock(T0, "pack", "-o", out.toString(), "--request", req.toString(), "--checkpoints",
        li.toString(), pr.toString());
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("proof " + OLD + " -> " + NEW), r.out());
    RepoLab.Run imp = airlock(T0, "--home", home.toString(), "checkpoint", "import",
        out.resolve("checkpoints").toFile().listFiles()[0].toString(),
        out.resolve("checkpoints").toFile().listFiles()[1].toString());
    assertEquals(0, imp.code(), imp.toString());

    // a newer checkpoint without a proof from the held size is refused before anything is written
    Path noProof = tmp.resolve("no-proof");
    RepoLab.Run unproven = airlock(T0, "pack", "-o", noProof.toString(), "--request", req.toString(),
        "--checkpoints", cps.resolve(CP_NEW).toString());
    assertEquals(2, unproven.code(), unproven.toString());
    assertTrue(unproven.err().contains("consistency proof from " + OLD), unproven.err());
    assertFalse(Files.exists(noProof));

    // a checkpoint older than what the appliance holds is refused too
    Files.writeString(req, Files.readString(req).replace("\"treeSize\" : " + OLD, "\"treeSize\" : 120"));
    Path old = tmp.resolve("old");
    RepoLab.Run older = airlock(T0, "pack", "-o", old.toString(), "--request", req.toString(), "--checkpoints",
        li.toString(), pr.toString());
    assertEquals(2, older.code(), older.toString());
    assertTrue(older.err().contains("older than or equal to) the size 120 the appliance holds"), older.err());
    assertFalse(Files.exists(old));

    // a file that is no request is named
    RepoLab.Run notReq = airlock(T0, "pack", "-o", tmp.resolve("x").toString(), "--request", li.toString(),
        "--checkpoints", li.toString());
    assertEquals(2, notReq.code(), notReq.toString());
    assertTrue(notReq.err().contains("log-info.json: not a checkpoint request"), notReq.err());
  }

  /** Rekor v1's log-info and proof responses for the demo log's step between its two checkpoints, saved as files. */
  record Rekor(byte[] newNote, ObjectNode logInfo, JsonNode demoProof, ObjectNode proof, Path logInfoFile,
      Path proofFile) {}

  Rekor rekorResponses() throws Exception {
    Path cps = DEMO.resolve("checkpoints");
    byte[] newNote = Files.readAllBytes(cps.resolve(CP_NEW));
    Checkpoint c = Checkpoint.parse(SignedNote.parse(newNote).body());
    ObjectNode logInfo = M.createObjectNode();
    logInfo.put("rootHash", c.rootHex()).put("treeSize", c.size()).put("signedTreeHead",
        new String(newNote, StandardCharsets.UTF_8)).put("treeID", ORIGIN.substring(ORIGIN.lastIndexOf(' ') + 1));
    logInfo.putArray("inactiveShards");
    JsonNode demoProof = M.readTree(Files.readAllBytes(cps.resolve(CP_PROOF)));
    ObjectNode proof = M.createObjectNode();
    proof.put("rootHash", c.rootHex());
    proof.set("hashes", demoProof.get("hashes"));
    Path li = tmp.resolve("log-info.json");
    Path pr = tmp.resolve("proof.json");
    Files.write(li, M.writeValueAsBytes(logInfo));
    Files.write(pr, M.writeValueAsBytes(proof));
    return new Rekor(newNote, logInfo, demoProof, proof, li, pr);
  }
}
