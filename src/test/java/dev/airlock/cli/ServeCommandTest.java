package dev.airlock.cli;

import static dev.airlock.testing.ApplianceLab.logged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.testing.ApplianceLab;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code airlock serve} as a command: its usage errors, and a real process started and stopped. */
class ServeCommandTest {

  @Test
  void usageErrorsNameTheOptionAndServeNothing() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("p", ApplianceLab.ONE_VENDOR_KEY)).code());
      ApplianceLab.Run noTls = l.run("serve", "--listen", "127.0.0.1:0");
      assertEquals(2, noTls.code(), noTls.toString());
      assertTrue(noTls.err().contains("--tls-cert"), noTls.err());
      ApplianceLab.Run badListen = l.run("serve", "--listen", "nowhere", "--insecure-http");
      assertEquals(2, badListen.code(), badListen.toString());
      assertTrue(badListen.err().contains("HOST:PORT"), badListen.err());
      ApplianceLab.Run both = l.run("serve", "--listen", "127.0.0.1:0", "--insecure-http", "--tls-cert", "x.pem");
      assertEquals(2, both.code(), both.toString());
      ApplianceLab.Run network = l.run("serve", "--listen", "10.1.2.3:5000", "--insecure-http");
      assertEquals(2, network.code(), network.toString());
      assertTrue(network.err().contains("loopback"), network.err());
      assertTrue(!noTls.all().contains("Exception") && !network.all().contains("at dev.airlock"), network.toString());
    }
  }

  @Test
  void aServeProcessAnswersAndItsStartAndStopAreAudited() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("p", ApplianceLab.ONE_VENDOR_KEY)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("x", List.of(ApplianceLab.SEG + ":4.0"), logged(l.vendor));
      assertEquals(0, l.run("import", m.path().toString()).code());
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          System.getProperty("java.class.path"), "dev.airlock.cli.Main", "--home", l.home.toString(), "--operator", "ops",
          "serve", "--listen", "127.0.0.1:0", "--insecure-http").redirectErrorStream(true).start();
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
        String base = null;
        StringBuilder seen = new StringBuilder();
        for (String line; base == null && (line = out.readLine()) != null; ) {
          seen.append(line).append('\n');
          Matcher mm = listening.matcher(line);
          if (mm.find()) {
            base = mm.group(1);
          }
        }
        assertNotNull(base, "serve did not say where it listens:\n" + seen);
        HttpClient http = HttpClient.newHttpClient();
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode());
        HttpResponse<String> manifest = http.send(HttpRequest.newBuilder(
            URI.create(base + "/v2/" + ApplianceLab.SEG + "/manifests/4.0")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, manifest.statusCode(), manifest.body());
        // the CLI works beside the running server
        assertEquals(0, l.run("images").code());
      } finally {
        p.destroy(); // SIGTERM: the shutdown hook stops the server and records serve.stop
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
      }
      Path log = l.dir.resolve("audit.jsonl");
      assertEquals(0, l.run("audit", "export", "-o", log.toString()).code());
      String events = Files.readString(log);
      assertTrue(events.contains("\"serve.start\""), events);
      assertTrue(events.contains("\"serve.stop\""), events);
      assertTrue(events.contains("\"serve.manifest\""), events);
      assertTrue(events.contains("\"operator\":\"ops\""), events);
    }
  }
}
