package dev.airlock.classpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.testing.Corpus;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md section 7: "no network client library is on the runtime classpath" (issue 13 item 8).
 * The build writes the resolved runtime classpath to {@code target/runtime-classpath.txt}
 * (maven-dependency-plugin build-classpath, includeScope runtime, pom.xml); this test fails on any
 * HTTP/RPC client jar in it, and then runs the appliance on exactly that classpath (no test-scoped
 * jar) so that a class the offline paths need but the classpath lacks fails here, not in the field.
 */
class RuntimeClasspathTest {
  /**
   * HTTP and RPC client libraries by artifact file name (Maven artifactId-version.jar). jetty-http
   * is not one: it is the HTTP parser and field model of {@code airlock serve}'s Jetty server
   * (jetty-server depends on it); Jetty's client is jetty-client, banned here.
   */
  static final Pattern NETWORK_CLIENT = Pattern.compile(
      "(google-http-client.*|google-oauth-client.*|google-api-client.*|httpclient.*|httpcore.*|httpasyncclient.*"
          + "|httpclient5.*|httpcore5.*|okhttp.*|okio.*|retrofit.*|grpc-.*|netty-.*|jetty-client.*|jetty-http-spi.*|jetty-http2-client.*"
          + "|async-http-client.*|jersey-client.*|resteasy-client.*|feign-.*|unirest-.*|apache-mime4j.*"
          + "|opencensus-.*|reactor-netty.*|vertx-.*|websocket-.*|tyrus-.*|java-websocket.*)\\.jar");

  static List<String> runtimeJars() throws Exception {
    Path file = Path.of(System.getProperty("airlock.basedir", "."), "target", "runtime-classpath.txt");
    assertTrue(Files.exists(file), file + " is written at generate-test-resources by pom.xml (runtime-classpath)");
    String cp = Files.readString(file, StandardCharsets.UTF_8).strip();
    List<String> jars = new ArrayList<>();
    for (String e : cp.split(Pattern.quote(File.pathSeparator))) {
      if (!e.isBlank()) {
        jars.add(e);
      }
    }
    return jars;
  }

  @Test
  void noNetworkClientLibraryOnTheRuntimeClasspath() throws Exception {
    List<String> jars = runtimeJars();
    // the list is real: the libraries the appliance does use are on it
    for (String used : List.of("sigstore-java-", "bcprov-", "jackson-databind-", "picocli-", "h2-")) {
      assertTrue(jars.stream().anyMatch(j -> Path.of(j).getFileName().toString().startsWith(used)), used + " in " + jars);
    }
    List<String> banned = jars.stream().map(j -> Path.of(j).getFileName().toString())
        .filter(n -> NETWORK_CLIENT.matcher(n.toLowerCase(Locale.ROOT)).matches()).toList();
    assertTrue(banned.isEmpty(), "network client libraries on the runtime classpath: " + banned);
  }

  /** Runs {@link RuntimeClasspathMain} (then the CLI with {@code args}) on the runtime classpath alone. */
  static String child(Path tmp, String name, int expectedExit, String... args) throws Exception {
    Path base = Path.of(System.getProperty("airlock.basedir", "."));
    List<String> cp = new ArrayList<>();
    cp.add(base.resolve("target/classes").toString());
    // test-classes holds RuntimeClasspathMain; test-scoped jars are not on this path
    cp.add(base.resolve("target/test-classes").toString());
    cp.addAll(runtimeJars());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-cp", String.join(File.pathSeparator, cp), RuntimeClasspathMain.class.getName()));
    cmd.addAll(List.of(args));
    Path out = tmp.resolve(name + ".out");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("AIRLOCK_HOME", tmp.resolve("home").toString());
    Process p = pb.start();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), name + ": child JVM did not finish");
    String text = Files.readString(out);
    assertFalse(text.contains("NoClassDefFoundError") || text.contains("ClassNotFoundException"), name + ": " + text);
    assertTrue(text.contains("LOADED"), text);
    assertEquals(expectedExit, p.exitValue(), name + ": " + text);
    return text;
  }

  @Test
  void verifyBundleRunsOnTheRuntimeClasspathAlone(@TempDir Path tmp) throws Exception {
    JsonNode c = Corpus.ofKind("sigstore-bundle").stream()
        .filter(x -> x.path("id").asText().equals("conformance.happy-path-v0.3")).findFirst().orElseThrow();
    child(tmp, "verify-bundle", 0, "verify-bundle", "--bundle", Corpus.file(c, "bundle").toString(),
        "--trusted-root", Corpus.file(c, "trusted_root").toString(),
        "--certificate-identity", c.path("identity").asText(), "--certificate-oidc-issuer", c.path("issuer").asText(),
        Corpus.file(c, "artifact").toString());
  }

  @Test
  void tufInitAndImportRunOnTheRuntimeClasspathAlone(@TempDir Path tmp) throws Exception {
    Path base = Path.of(System.getProperty("airlock.basedir", "."));
    child(tmp, "init", 0, "init", "--root", base.resolve("trust-root/demo/root.json").toString(),
        "--policy", base.resolve("bundles/demo/policy.yaml").toString());
    String out = child(tmp, "import", 0, "import", base.resolve("bundles/demo").toString());
    assertTrue(out.contains("dicom-anon"), out);
  }
}
