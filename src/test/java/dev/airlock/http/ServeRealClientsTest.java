package dev.airlock.http;

import static dev.airlock.testing.ApplianceLab.logged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.appliance.AuditContext;
import dev.airlock.appliance.Serving;
import dev.airlock.core.Home;
import dev.airlock.crypto.Hashing;
import dev.airlock.oci.Descriptor;
import dev.airlock.testing.ApplianceLab;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code airlock serve} with real clients on loopback: skopeo (Debian's package) over TLS with a
 * test CA reads exactly the stored bytes of an admitted image and is refused a denied one; and 16
 * parallel pulls while {@code import} and {@code policy set} run as separate processes, checked
 * against the policy digest recorded with each audited pull.
 */
class ServeRealClientsTest {
  static final String SEG = ApplianceLab.SEG;
  static final String EXP = ApplianceLab.EXP;

  static final String HOSPITAL = ApplianceLab.HOSPITAL;
  static final String DEV_FOR_ALL = ApplianceLab.ONE_DEV_KEY;

  @TempDir Path dir;

  static void skopeoPresent() {
    boolean present = Files.isExecutable(Path.of("/usr/bin/skopeo"));
    if (System.getenv("CI") != null) {
      assertTrue(present, "skopeo is not installed; .ci/run installs it");
    }
    assumeTrue(present, "skopeo is not installed (apt-get install skopeo): serve not checked with a real client");
  }

  record Run(int code, String out) {}

  static Run run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
    return new Run(p.exitValue(), out);
  }

  static Serving serving(ApplianceLab l) {
    return Serving.open(Home.at(l.home),
        new AuditContext("airlock-serve", "tester", null, "serve-lab", "serve", null, Clock.systemUTC()));
  }

  /** A server certificate for 127.0.0.1 from a fresh test CA; the CA lands in {@code certs/ca.crt}. */
  ServeOptions tls() throws Exception {
    TlsTest.Pki ca = TlsTest.ca("CN=Airlock Test CA,O=Hospital");
    TlsTest.Issued server = TlsTest.issue(ca, "CN=airlock.hospital.example", TlsTest.ec(),
        KeyPurposeId.id_kp_serverAuth, true);
    Path certs = Files.createDirectories(dir.resolve("certs"));
    Files.writeString(certs.resolve("ca.crt"), TlsTest.pem("CERTIFICATE", ca.cert().getEncoded()));
    Path chain = Files.writeString(dir.resolve("server.pem"), TlsTest.pem("CERTIFICATE", server.cert().getEncoded())
        + TlsTest.pem("CERTIFICATE", ca.cert().getEncoded()));
    Path key = Files.writeString(dir.resolve("server.key"),
        TlsTest.pem("PRIVATE KEY", server.key().getPrivate().getEncoded()));
    return ServeOptions.tls("127.0.0.1", 0, chain, key, null);
  }

  List<String> skopeo(String... args) {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/skopeo", "--insecure-policy"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  @Test
  void skopeoReadsTheStoredBytesOfAnAdmittedImageOverTlsAndIsRefusedADeniedOne() throws Exception {
    skopeoPresent();
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("hospital", HOSPITAL)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      Descriptor img = m.image("x", List.of(SEG + ":4.0", EXP + ":1"), logged(l.dev));
      assertEquals(0, l.run("import", m.path().toString()).code());
      ServeOptions options = tls();
      String certDir = dir.resolve("certs").toString();
      try (Serving backend = serving(l); ServeServer server = ServeServer.start(backend, options, System.err)) {
        String base = "docker://127.0.0.1:" + server.port() + "/";
        Run inspect = run(skopeo("inspect", "--cert-dir", certDir, base + EXP + ":1"));
        assertEquals(0, inspect.code(), inspect.out());
        JsonNode info = ApplianceLab.JSON.readTree(inspect.out());
        assertEquals(img.digest().toString(), info.path("Digest").asText(), inspect.out());

        Path out = dir.resolve("copy");
        Run copy = run(skopeo("copy", "--src-cert-dir", certDir, base + EXP + ":1", "dir:" + out));
        assertEquals(0, copy.code(), copy.out());
        byte[] manifest = Files.readAllBytes(out.resolve("manifest.json"));
        assertEquals(img.digest().toString(), "sha256:" + Hashing.sha256Hex(manifest), "the exact manifest bytes");
        JsonNode mj = ApplianceLab.JSON.readTree(manifest);
        Set<String> expected = new HashSet<>();
        expected.add(mj.path("config").path("digest").asText());
        mj.path("layers").forEach(x -> expected.add(x.path("digest").asText()));
        Set<String> got = new HashSet<>();
        try (Stream<Path> files = Files.list(out)) {
          for (Path f : files.toList()) {
            String name = f.getFileName().toString();
            if (name.matches("[0-9a-f]{64}")) {
              assertEquals(name, Hashing.sha256Hex(Files.readAllBytes(f)), "blob " + name + " is its digest");
              got.add("sha256:" + name);
            }
          }
        }
        assertEquals(expected, got, "every config and layer blob, each equal to the stored one");
        // the cosign signature tag is served with the admitted image
        Run sig = run(skopeo("inspect", "--raw", "--cert-dir", certDir,
            base + EXP + ":sha256-" + img.digest().hex() + ".sig"));
        assertEquals(0, sig.code(), sig.out());

        // the same digest under the segmenter's name: its rule (vendor AND qa) denies it
        Run denied = run(skopeo("inspect", "--cert-dir", certDir, base + SEG + ":4.0"));
        assertNotEquals(0, denied.code(), denied.out());
        assertTrue(denied.out().contains("denied"), denied.out());
        Run deniedCopy = run(skopeo("copy", "--src-cert-dir", certDir, base + SEG + "@" + img.digest(),
            "dir:" + dir.resolve("denied")));
        assertNotEquals(0, deniedCopy.code(), deniedCopy.out());
        // without the CA, skopeo refuses the appliance's certificate
        Run untrusted = run(skopeo("inspect", base + EXP + ":1"));
        assertNotEquals(0, untrusted.code(), untrusted.out());
      }
      String log = auditExport(l);
      assertTrue(log.contains("\"serve.manifest\""), log);
      assertTrue(log.contains("\"client\":\"127.0.0.1\""), log);
    }
  }

  static String auditExport(ApplianceLab l) throws IOException {
    Path file = l.dir.resolve("audit-" + System.nanoTime() + ".jsonl");
    ApplianceLab.Run r = l.run("audit", "export", "-o", file.toString());
    assertEquals(0, r.code(), r.toString());
    return Files.readString(file);
  }

  static Process cli(Path log, ApplianceLab l, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "dev.airlock.cli.Main", "--home", l.home.toString(),
        "--operator", "concurrency-test"));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /**
   * DESIGN 6b and 9: 16 clients pull over HTTP while an import of a new medium and a stricter
   * {@code policy set} run as separate processes. No request sent after {@code policy set} exited
   * is answered 200 for the image the new policy denies; and in the audit log, every pull that was
   * served was decided under the old policy's digest, every pull decided under the new one was
   * refused.
   */
  @Test
  void sixteenPullsWhileImportAndPolicySetRunInOtherProcesses() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", DEV_FOR_ALL)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("x", List.of(SEG + ":4.0", EXP + ":1"), logged(l.dev));
      assertEquals(0, l.run("import", m.path().toString()).code());
      ApplianceLab.MediumBuilder m2 = l.medium("m2");
      m2.image("y", List.of(EXP + ":2"), logged(l.dev));
      Path strict = l.policy("hospital", HOSPITAL);
      String oldDigest = ApplianceLab.JSON.readTree(l.run("--json", "policy", "show").out()).path("digest").asText();
      try (Serving backend = serving(l);
          ServeServer server = ServeServer.start(backend, ServeOptions.insecureHttp("127.0.0.1", 0, false), System.err)) {
        URI seg = URI.create("http://127.0.0.1:" + server.port() + "/v2/" + SEG + "/manifests/4.0");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<long[]> answers = new ConcurrentLinkedQueue<>(); // {sentAt, status}
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          Thread t = new Thread(() -> {
            while (!stop.get()) {
              long sent = System.nanoTime();
              try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(seg).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
                answers.add(new long[] {sent, r.statusCode()});
              } catch (IOException | InterruptedException e) {
                failures.add(e);
              }
            }
          });
          t.start();
          threads.add(t);
        }
        Thread.sleep(500);
        Process imp = cli(dir.resolve("import.log"), l, "import", m2.path().toString());
        Process set = cli(dir.resolve("policy.log"), l, "policy", "set", strict.toString());
        assertTrue(set.waitFor(120, TimeUnit.SECONDS));
        long exited = System.nanoTime();
        assertTrue(imp.waitFor(120, TimeUnit.SECONDS));
        Thread.sleep(700);
        stop.set(true);
        for (Thread t : threads) {
          t.join();
        }
        assertEquals(0, set.exitValue(), Files.readString(dir.resolve("policy.log")));
        assertEquals(0, imp.exitValue(), Files.readString(dir.resolve("import.log")));
        assertTrue(failures.isEmpty(), () -> "requests failed: " + failures);
        long okBefore = answers.stream().filter(a -> a[0] < exited && a[1] == 200).count();
        List<long[]> after = answers.stream().filter(a -> a[0] > exited).toList();
        assertTrue(okBefore > 0, "no pull was served before the policy change");
        assertTrue(after.size() > 0, "no pull was sent after policy set exited");
        assertTrue(after.stream().allMatch(a -> a[1] == 403),
            "a pull sent after policy set exited was not refused: " + after.stream().map(a -> a[1]).distinct().toList());
        // the medium imported meanwhile is served on the next request
        HttpResponse<Void> newer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
            + "/v2/" + EXP + "/manifests/2")).GET().build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, newer.statusCode());
      }
      String newDigest = ApplianceLab.JSON.readTree(l.run("--json", "policy", "show").out()).path("digest").asText();
      assertNotEquals(oldDigest, newDigest);
      int served = 0;
      int refusedUnderNew = 0;
      for (String line : auditExport(l).split("\n")) {
        JsonNode e = ApplianceLab.JSON.readTree(line);
        if (!"serve.manifest".equals(e.path("action").asText()) || !e.path("subject").asText().startsWith(SEG)) {
          continue;
        }
        String digest = e.path("detail").path("policyDigest").asText();
        if ("served".equals(e.path("outcome").asText())) {
          served++;
          assertEquals(oldDigest, digest, "a pull was served under the new policy: " + line);
        } else if (newDigest.equals(digest)) {
          refusedUnderNew++;
        }
      }
      assertTrue(served > 0 && refusedUnderNew > 0, "served " + served + ", refused under the new policy "
          + refusedUnderNew);
    }
  }
}
