package dev.airlock.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.appliance.AuditContext;
import dev.airlock.appliance.Serving;
import dev.airlock.cli.Main;
import dev.airlock.core.Home;
import dev.airlock.testing.ApplianceLab;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Podman (Debian's package) pulls through a registries.conf mirror with a location prefix, as a
 * mercure processing host would (docs/serve.md, operator guide section 8): the image keeps the
 * vendor's name, podman asks {@code /v2/reg.vendor.example/ai/seg/...} of the appliance, stores the
 * admitted image with its stored digest, and is refused the denied one. Uses the demo medium,
 * whose layers are real gzip tarballs that podman unpacks.
 */
class PodmanPullTest {
  static final Path REPO = Path.of(System.getProperty("airlock.basedir", "."));
  static final Clock DEMO_TIME = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  static void podmanPresent() {
    boolean present = Files.isExecutable(Path.of("/usr/bin/podman"));
    if (System.getenv("CI") != null) {
      assertTrue(present, "podman is not installed; .ci/run installs it");
    }
    assumeTrue(present, "podman is not installed (apt-get install podman): the mirror pull is not checked");
  }

  int airlock(Path home, String... args) {
    List<String> all = new ArrayList<>(List.of("--home", home.toString()));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    return Main.run(all.toArray(new String[0]), DEMO_TIME, Map.of("HOSTNAME", "podman-test"),
        new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
  }

  @Test
  void podmanPullsAnAdmittedImageThroughAPrefixMirrorAndIsRefusedADeniedOne() throws Exception {
    podmanPresent();
    Path home = dir.resolve("home");
    assertEquals(0, airlock(home, "init", "--root", REPO.resolve("trust-root/demo/root.json").toString(), "--policy",
        REPO.resolve("bundles/demo/policy.yaml").toString()));
    assertEquals(0, airlock(home, "import", REPO.resolve("bundles/demo").toString()));
    AuditContext who = new AuditContext("airlock-serve", "tester", null, "podman-test", "serve", null, DEMO_TIME);
    try (Serving backend = Serving.open(Home.at(home), who);
        ServeServer server = ServeServer.start(backend, ServeOptions.insecureHttp("127.0.0.1", 0, false), System.err)) {
      Path conf = Files.writeString(dir.resolve("registries.conf"), """
          unqualified-search-registries = []
          [[registry]]
          prefix = "reg.vendor.example"
          location = "127.0.0.1:%d/reg.vendor.example"
          insecure = true
          """.formatted(server.port()));
      ServeRealClientsTest.Run pulled = podman(conf, "pull", "reg.vendor.example/ai/seg:2.1");
      assertEquals(0, pulled.code(), pulled.out());
      ServeRealClientsTest.Run inspect = podman(conf, "image", "inspect", "reg.vendor.example/ai/seg:2.1");
      assertEquals(0, inspect.code(), inspect.out());
      JsonNode info = ApplianceLab.JSON.readTree(inspect.out()).get(0);
      StringWriter verdict = new StringWriter();
      assertEquals(0, Main.run(new String[] {"--home", home.toString(), "--json", "verify", "reg.vendor.example/ai/seg:2.1"},
          DEMO_TIME, Map.of("HOSTNAME", "podman-test"), new PrintWriter(verdict, true),
          new PrintWriter(new StringWriter(), true)));
      String stored = ApplianceLab.JSON.readTree(verdict.toString()).path("subject").path("digest").asText();
      assertTrue(stored.startsWith("sha256:"), verdict.toString());
      assertEquals(stored, info.path("Digest").asText(), "podman stored the appliance's digest");

      ServeRealClientsTest.Run denied = podman(conf, "pull", "reg.vendor.example/ai/det:3.0");
      assertNotEquals(0, denied.code(), denied.out());
      assertTrue(denied.out().contains("denied"), denied.out());
    }
  }

  ServeRealClientsTest.Run podman(Path conf, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/podman", "--root", dir.resolve("storage").toString(),
        "--runroot", dir.resolve("run").toString(), "--storage-driver", "vfs"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("CONTAINERS_REGISTRIES_CONF", conf.toString());
    pb.environment().put("XDG_RUNTIME_DIR", Files.createDirectories(dir.resolve("xdg")).toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(180, java.util.concurrent.TimeUnit.SECONDS), "podman timed out: " + cmd);
    return new ServeRealClientsTest.Run(p.exitValue(), out);
  }
}
