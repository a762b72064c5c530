package dev.airlock.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.cli.Main;
import dev.airlock.testing.Corpus;
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

/** {@code airlock verify-bundle} in-process: exit codes, one JSON verdict with --json. */
class VerifyBundleCommandTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, CLOCK, Map.of("AIRLOCK_HOME", tmp.resolve("no-home").toString()),
        new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  static JsonNode kase(String id) {
    return Corpus.ofKind("sigstore-bundle").stream().filter(c -> c.path("id").asText().equals(id))
        .findFirst().orElseThrow();
  }

  List<String> args(JsonNode c, boolean json, String artifact) throws Exception {
    List<String> a = new ArrayList<>();
    if (json) {
      a.add("--json");
    }
    a.addAll(List.of("verify-bundle", "--bundle", Corpus.file(c, "bundle").toString(),
        "--trusted-root", CorpusCases.trustedRootPath(c).toString()));
    if (c.path("identity").isTextual()) {
      a.addAll(List.of("--certificate-identity", c.path("identity").asText(),
          "--certificate-oidc-issuer", c.path("issuer").asText()));
    }
    if (Corpus.hasFile(c, "public_key")) {
      a.addAll(List.of("--key", Corpus.file(c, "public_key").toString()));
    }
    a.add(artifact != null ? artifact : Corpus.file(c, "artifact").toString());
    return a;
  }

  @Test
  void happyPathVerifiesWithExitZeroAndOneJsonVerdict() throws Exception {
    Run r = run(args(kase("conformance.happy-path-v0.3"), true, null).toArray(String[]::new));
    assertEquals(0, r.code(), r.err() + r.out());
    JsonNode v = new ObjectMapper().readTree(r.out());
    assertEquals("application/vnd.airlock.verdict.v1+json", v.path("mediaType").asText());
    assertEquals("admit", v.path("decision").asText());
    assertEquals("keyless", v.path("signatures").get(0).path("kind").asText());
    assertEquals("rekor-set", v.path("signatures").get(0).path("timeSource").asText());
  }

  @Test
  void byDigestToo() throws Exception {
    JsonNode c = kase("conformance.happy-path-v0.2");
    String digest = "sha256:" + dev.airlock.crypto.Hashing.sha256Hex(Files.readAllBytes(Corpus.file(c, "artifact")));
    Run r = run(args(c, false, digest).toArray(String[]::new));
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(r.out().startsWith("verified: keyless"), r.out());
  }

  @Test
  void tamperedBundleIsDeniedWithExitOneAndReason() throws Exception {
    Run r = run(args(kase("conformance.checkpoint-wrong-roothash_fail"), true, null).toArray(String[]::new));
    assertEquals(1, r.code(), r.err() + r.out());
    JsonNode v = new ObjectMapper().readTree(r.out());
    assertEquals("deny", v.path("decision").asText());
    assertEquals("CHECKPOINT_MISMATCH", v.path("reasons").get(0).asText());
  }

  @Test
  void keyBased() throws Exception {
    Run r = run(args(kase("conformance.managed-key-happy-path"), false, null).toArray(String[]::new));
    assertEquals(0, r.code(), r.err() + r.out());
  }

  @Test
  void keylessWithoutIdentityIsRefused() throws Exception {
    JsonNode c = kase("conformance.happy-path-v0.3");
    Run r = run("verify-bundle", "--bundle", Corpus.file(c, "bundle").toString(),
        "--trusted-root", Corpus.file(c, "trusted_root").toString(), Corpus.file(c, "artifact").toString());
    // DESIGN.md 4: (--certificate-identity ID --certificate-oidc-issuer URL | --key PEM) is required:
    // a usage error (exit 2) naming what is missing (issue 16; was exit 1)
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("IDENTITY_POLICY_MISSING") && r.err().contains("--certificate-identity"), r.err());
  }

  @Test
  void garbageBundleIsDeniedNotACrash() throws Exception {
    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"mediaType\":1}");
    JsonNode c = kase("conformance.happy-path-v0.3");
    Run r = run("verify-bundle", "--bundle", bad.toString(), "--trusted-root", Corpus.file(c, "trusted_root").toString(),
        "--certificate-identity", "x", "--certificate-oidc-issuer", "y", Corpus.file(c, "artifact").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.out().contains("BUNDLE_MALFORMED"), r.out());
  }

  @Test
  void decisionIsAuditedWhenAHomeExists() throws Exception {
    Path home = tmp.resolve("home");
    dev.airlock.db.Database db = dev.airlock.db.Database.create(dev.airlock.core.Home.at(home));
    List<String> a = new ArrayList<>(List.of("--home", home.toString()));
    a.addAll(args(kase("conformance.happy-path-v0.3"), false, null));
    assertEquals(0, run(a.toArray(String[]::new)).code());
    List<String> b = new ArrayList<>(List.of("--home", home.toString()));
    b.addAll(args(kase("conformance.signature-mismatch_fail"), false, null));
    assertEquals(1, run(b.toArray(String[]::new)).code());
    List<String> outcomes = db.jdbcTransaction(tx -> {
      List<String> out = new ArrayList<>();
      try (var st = tx.connection().prepareStatement("SELECT action, outcome FROM audit_event ORDER BY seq");
          var rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1) + ":" + rs.getString(2));
        }
      }
      return out;
    });
    assertEquals(List.of("verify-bundle:admit", "verify-bundle:deny"),
        outcomes.stream().filter(o -> o.startsWith("verify-bundle")).toList());
  }

  @Test
  void noTrustNoHomeCannotDecide() throws Exception {
    JsonNode c = kase("conformance.happy-path-v0.3");
    Run r = run("verify-bundle", "--bundle", Corpus.file(c, "bundle").toString(),
        "--certificate-identity", "x", "--certificate-oidc-issuer", "y", Corpus.file(c, "artifact").toString());
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().contains("--trusted-root"), r.err());
  }
}
