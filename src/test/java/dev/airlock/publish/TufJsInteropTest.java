package dev.airlock.publish;

import static dev.airlock.publish.RepoLab.airlock;
import static dev.airlock.publish.RepoLab.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.crypto.Hashing;
import dev.airlock.trust.TrustLab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository written by {@code airlock repo} is read by an independent TUF client: tuf-js 5.x's
 * {@code Updater} (theupdateframework/tuf-js) with a fetcher that reads files. {@code .ci/run}
 * installs tuf-js into {@code target/interop} ({@code npm install --prefix target/interop tuf-js@5});
 * {@code TUF_JS_NODE_MODULES} may point elsewhere. Under {@code CI=true} a missing node or tuf-js
 * fails the test; elsewhere it is skipped with the reason.
 */
class TufJsInteropTest {
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final ObjectMapper M = new ObjectMapper();

  @TempDir Path tmp;

  static Path nodeModules() {
    String env = System.getenv("TUF_JS_NODE_MODULES");
    Path p = env != null && !env.isBlank() ? Path.of(env) : Path.of("target", "interop", "node_modules");
    String problem = null;
    if (!Files.isRegularFile(p.resolve("tuf-js").resolve("package.json"))) {
      problem = "tuf-js is not installed in " + p.toAbsolutePath() + " (npm install --prefix target/interop tuf-js@5)";
    } else {
      try {
        Process v = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
        if (!v.waitFor(30, TimeUnit.SECONDS) || v.exitValue() != 0) {
          problem = "node does not run";
        }
      } catch (IOException | InterruptedException e) {
        problem = "node is not installed: " + e.getMessage();
      }
    }
    if (problem != null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("CI=true and the tuf-js interoperability test cannot run: " + problem);
      }
      Assumptions.abort(problem);
    }
    return p.toAbsolutePath();
  }

  record Node(int code, String out, String err) {}

  Node tufJs(Path modules, Path repo, Path trustedRoot, String work) throws Exception {
    Path script = Path.of("src", "test", "resources", "interop", "tufjs-verify.cjs").toAbsolutePath();
    ProcessBuilder pb = new ProcessBuilder("node", script.toString(), repo.toString(), trustedRoot.toString(),
        tmp.resolve(work).toString());
    pb.environment().put("NODE_PATH", modules.toString());
    pb.redirectError(tmp.resolve(work + ".err").toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "tuf-js finished");
    return new Node(p.exitValue(), out, Files.readString(tmp.resolve(work + ".err")));
  }

  @Test
  void tufJsReadsWhatAirlockRepoWrites() throws Exception {
    Path modules = nodeModules();
    Path keys = tmp.resolve("keys");
    Path repo = tmp.resolve("repo");
    assertEquals(0, airlock(T0, RepoLab.initArgs(keys, repo).toArray(new String[0])).code());
    List<String> content = RepoLab.contentKeys(keys);
    Path tr = tmp.resolve("trusted_root.json");
    byte[] trustedRoot = TrustLab.productionTrustedRoot();
    Files.write(tr, trustedRoot);
    assertEquals(0, airlock(T0, args(plus(List.of("repo", "add-trusted-root", repo.toString(), tr.toString()), content))).code());
    Path[] vendor = RepoLab.keyFiles(keys, "vendor", true);
    assertEquals(0, airlock(T0, args(plus(List.of("repo", "add-key", repo.toString(), "vendor", vendor[1].toString(),
        "--valid-until", "2027-12-31"), content))).code());
    // a root rotation: tuf-js must walk 1.root.json -> 2.root.json with both thresholds
    Path[] n1 = RepoLab.keyFiles(keys, "n1", false);
    RepoLab.Run rot = airlock(T0, "repo", "rotate-root", repo.toString(), "--root-key", n1[1].toString(),
        "--root-threshold", "1", "--key", keys.resolve("root1.pem").toString(), "--key",
        keys.resolve("root2.pem").toString(), "--key", n1[0].toString());
    assertEquals(0, rot.code(), rot.toString());

    Node ok = tufJs(modules, repo, repo.resolve("metadata/1.root.json"), "ok");
    assertEquals(0, ok.code(), ok.err());
    JsonNode r = M.readTree(ok.out());
    assertEquals(2, r.path("root").asInt());
    assertEquals(3, r.path("targets").asInt());
    assertEquals(3, r.path("snapshot").asInt());
    assertEquals(Hashing.sha256Hex(trustedRoot), r.path("files").path("trusted_root.json").asText());
    assertEquals(Hashing.sha256Hex(Files.readAllBytes(vendor[1])), r.path("files").path("keys/vendor.pub").asText());
    assertEquals(2, r.path("files").size());

    // and tuf-js refuses the same repository once a signed byte changes
    Path ts = repo.resolve("metadata/timestamp.json");
    Files.writeString(ts, Files.readString(ts).replaceFirst("\"version\" : 3", "\"version\" : 4"));
    Node bad = tufJs(modules, repo, repo.resolve("metadata/1.root.json"), "bad");
    assertNotEquals(0, bad.code(), bad.out());
    assertTrue(bad.err().contains("UnsignedMetadataError: timestamp was signed by 0/1 keys"), bad.err());
  }

  static List<String> plus(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
