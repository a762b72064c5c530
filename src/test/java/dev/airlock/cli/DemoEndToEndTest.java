package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole story through the CLI on the committed demo medium (bundles/demo) and demo root
 * (trust-root/demo): init, import, images, verify (policy and cosign flags, as mercure calls it),
 * export, and the audit trail. Each expected decision is the one bundles/README.md promises.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoEndToEndTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
  static final Path REPO = Path.of(System.getProperty("airlock.basedir", "."));
  static final Path MEDIUM = REPO.resolve("bundles/demo");
  static final Path ROOT = REPO.resolve("trust-root/demo/root.json");
  static final Path POLICY = MEDIUM.resolve("policy.yaml");
  static final String VENDOR_ID = "https://ci.vendor.example/ai/release@refs/heads/main";
  static final String VENDOR_ISSUER = "https://oidc.lab.internal";
  static final ObjectMapper JSON = new ObjectMapper();

  /** expected decision and, for denials, a reason that must be among the verdict's. */
  static final Map<String, String[]> EXPECTED = Map.of(
      "reg.hospital.example/tools/dicom-anon:1.0", new String[] {"admit", null},
      "reg.vendor.example/ai/seg:2.1", new String[] {"admit", null},
      "reg.vendor.example/ai/cls:1.0", new String[] {"deny", "ATTESTATION_MISSING"},
      "reg.vendor.example/ai/det:3.0", new String[] {"deny", "VULNERABILITY_TOO_SEVERE"},
      "reg.vendor.example/ai/triage:0.9", new String[] {"deny", "IDENTITY_MISMATCH"});

  Path dir;
  Path home;
  JsonNode report;

  record Run(int code, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + out + err, e);
      }
    }
  }

  Run run(String... args) {
    List<String> all = new ArrayList<>(List.of("--home", home.toString(), "--operator", "e2e"));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(all.toArray(new String[0]), CLOCK, Map.of("HOSTNAME", "test"),
        new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeAll
  void initAndImport() throws IOException {
    dir = Files.createTempDirectory("airlock-e2e");
    home = dir.resolve("home");
    Run init = run("init", "--root", ROOT.toString(), "--policy", POLICY.toString());
    assertEquals(0, init.code(), init.err());
    Run imp = run("--json", "import", MEDIUM.toString());
    assertEquals(0, imp.code(), imp.err() + imp.out());
    report = imp.json();
  }

  @org.junit.jupiter.api.AfterAll
  void cleanUp() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Test
  void importReportHasTheExpectedDecisions() {
    assertEquals(ImportCommand.REPORT_MEDIA_TYPE, report.path("mediaType").asText());
    JsonNode m = report.path("media").get(0);
    assertTrue(m.path("trust").path("snapshot").path("id").asText().startsWith("sha256:"), m.toString());
    assertTrue(m.path("checkpoints").path("added").asInt() >= 1, m.toString());
    Map<String, JsonNode> byRef = new HashMap<>();
    m.path("images").forEach(i -> byRef.put(i.path("reference").asText(), i));
    assertEquals(EXPECTED.keySet(), byRef.keySet());
    EXPECTED.forEach((ref, want) -> {
      JsonNode i = byRef.get(ref);
      assertEquals(want[0], i.path("decision").asText(), ref + ": " + i.path("reasons"));
      if (want[1] != null) {
        assertTrue(i.path("reasons").toString().contains(want[1]), ref + ": " + i.path("reasons"));
      } else {
        assertEquals(0, i.path("reasons").size(), ref + ": " + i.path("reasons"));
      }
    });
  }

  @Test
  void verifyEachImageByReferenceAndDigest() {
    EXPECTED.forEach((ref, want) -> {
      Run v = run("--json", "verify", ref);
      assertEquals(want[0].equals("admit") ? 0 : 1, v.code(), ref + v.err());
      JsonNode verdict = v.json();
      assertEquals("application/vnd.airlock.verdict.v1+json", verdict.path("mediaType").asText());
      assertEquals(want[0], verdict.path("decision").asText());
      assertEquals("demo-hospital", verdict.path("policy").path("name").asText());
      String digest = verdict.path("subject").path("digest").asText();
      Run byDigest = run("verify", digest);
      assertEquals(v.code(), byDigest.code(), "by digest: " + byDigest.out());
    });
  }

  @Test
  void mutableTagsAndUnknownImagesAreDenied() {
    Run latest = run("--json", "verify", "reg.vendor.example/ai/seg:latest");
    assertEquals(1, latest.code());
    assertTrue(latest.json().path("reasons").toString().contains("IMAGE_NOT_STORED"), latest.out());
    Run none = run("verify", "sha256:" + "0".repeat(64));
    assertEquals(1, none.code());
    // human text is on stderr (DESIGN.md 4: stdout carries cosign's payload array)
    assertTrue(none.err().contains("IMAGE_NOT_STORED"), none.err());
  }

  /** The exact command line mercure's processor runs with cosign, with airlock instead. */
  @Test
  void mercureCommandLine() {
    Run ok = run("verify", "reg.vendor.example/ai/seg:2.1", "--certificate-identity", VENDOR_ID,
        "--certificate-oidc-issuer", VENDOR_ISSUER);
    assertEquals(0, ok.code(), ok.out() + ok.err());
    assertTrue(ok.err().contains("The following checks were performed on each of these signatures"), ok.err());
    Run wrongId = run("verify", "reg.vendor.example/ai/seg:2.1", "--certificate-identity",
        "https://ci.vendor.example/ai/other@refs/heads/main", "--certificate-oidc-issuer", VENDOR_ISSUER);
    assertEquals(1, wrongId.code());
    assertTrue(wrongId.err().contains("IDENTITY_MISMATCH"), wrongId.err());
    Run wrongIssuer = run("verify", "reg.vendor.example/ai/seg:2.1", "--certificate-identity", VENDOR_ID,
        "--certificate-oidc-issuer", "https://oidc.evil.example");
    assertEquals(1, wrongIssuer.code());
    Run usage = run("verify", "reg.vendor.example/ai/seg:2.1", "--certificate-identity", VENDOR_ID);
    assertEquals(2, usage.code(), usage.err());
  }

  /** The demo policy with one change, for the decision kinds the demo images do not show. */
  Path policyVariant(String name, String from, String to) throws IOException {
    String text = Files.readString(POLICY);
    assertTrue(text.contains(from), "demo policy lacks: " + from);
    return Files.writeString(dir.resolve(name + ".yaml"), text.replace(from, to));
  }

  Run verifyWith(Path policy, String image) {
    return run("--json", "verify", "--policy", policy.toString(), image);
  }

  @Test
  void everyKindOfDecisionThroughTheCli() throws IOException {
    String seg = "reg.vendor.example/ai/seg:2.1";
    String det = "reg.vendor.example/ai/det:3.0";
    // warn: the CRITICAL finding is reported, the image admitted (exit 0)
    Run warn = verifyWith(policyVariant("warn", "mode: enforce", "mode: warn"), det);
    assertEquals(0, warn.code(), warn.out());
    assertEquals("admit", warn.json().path("decision").asText());
    assertTrue(warn.json().path("warnings").toString().contains("VULNERABILITY_TOO_SEVERE"), warn.out());
    // audit: recorded, admitted
    Run audit = verifyWith(policyVariant("audit", "mode: enforce", "mode: audit"), det);
    assertEquals(0, audit.code(), audit.out());
    assertTrue(audit.json().path("warnings").toString().contains("audit mode"), audit.out());
    // no rule matches
    Run noRule = verifyWith(policyVariant("norule", "reg.vendor.example/ai/**", "reg.vendor.example/other/**"), seg);
    assertEquals(1, noRule.code());
    assertTrue(noRule.json().path("reasons").toString().contains("NO_MATCHING_RULE"), noRule.out());
    // SLSA builder id differs
    Run builder = verifyWith(policyVariant("builder", "https://ci.vendor.example/builder",
        "https://ci.other.example/builder"), seg);
    assertEquals(1, builder.code());
    assertTrue(builder.json().path("reasons").toString().contains("ATTESTATION_REQUIREMENT_FAILED"), builder.out());
    // a licence the SBOM lists is denied
    Run licence = verifyWith(policyVariant("licence", "{type: \"https://spdx.dev/Document\", from: [vendor-ci]}",
        "{type: \"https://spdx.dev/Document\", from: [vendor-ci], deniedLicenses: [BSD-3-Clause]}"), seg);
    assertEquals(1, licence.code(), licence.out());
    assertTrue(licence.json().path("reasons").toString().contains("SBOM_LICENSE_DENIED"), licence.out());
    // the key authority's window does not contain the verified signing time
    Run window = verifyWith(policyVariant("window", "hospital-it: {key: {tuf: keys/hospital-it.pub, tlog: false}}",
        "hospital-it: {key: {tuf: keys/hospital-it.pub, tlog: false, validFrom: \"2099-01-01\"}}"),
        "reg.hospital.example/tools/dicom-anon:1.0");
    assertEquals(1, window.code(), window.out());
    assertTrue(window.json().path("reasons").toString().contains("KEY_NOT_VALID_AT_TIME"), window.out());
    // a threshold of 3 of 3 that the image cannot meet
    Run threshold = verifyWith(policyVariant("threshold", "threshold: 2, from: [vendor-ci, qa, hospital-it]",
        "threshold: 3, from: [vendor-ci, qa, hospital-it]"), seg);
    assertEquals(1, threshold.code());
    assertEquals(2, threshold.json().path("threshold").path("satisfied").asInt(), threshold.out());
    // checkpoints: by default a bundle checkpoint that cannot be linked to the stored ones is
    // reported as unknown and does not deny; the policy can make it a denial, or require witnesses
    JsonNode defaultVerdict = run("--json", "verify", seg).json();
    assertTrue(defaultVerdict.toString().contains("\"id\":\"tlog.checkpoint.consistent\""), defaultVerdict.toString());
    Run strict = verifyWith(policyVariant("strict", "mode: enforce",
        "mode: enforce\ntransparency: {requireCheckpointConsistency: true}"), seg);
    assertEquals(1, strict.code(), strict.out());
    assertTrue(strict.json().path("reasons").toString().contains("CHECKPOINT_CONSISTENCY_UNKNOWN"), strict.out());
    Run witnessed = verifyWith(policyVariant("witnessed", "mode: enforce",
        "mode: enforce\ntransparency: {witnesses: 1}"), seg);
    assertEquals(1, witnessed.code(), witnessed.out());
    assertTrue(witnessed.json().path("reasons").toString().contains("WITNESS_THRESHOLD_NOT_MET"), witnessed.out());
    // an invalid policy file is refused with its line
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "apiVersion: airlock/v1\nkind: Policy\nname: x\nmodee: warn\n");
    Run invalid = run("verify", "--policy", bad.toString(), seg);
    assertEquals(1, invalid.code());
    assertTrue(invalid.err().contains("line 4, column 1"), invalid.err());
  }

  @Test
  void keyFlagVerifiesTheKeyPairSignature() throws IOException {
    Path qa;
    try (Stream<Path> s = Files.walk(MEDIUM.resolve("tuf"))) {
      qa = s.filter(p -> p.getFileName().toString().endsWith("qa.pub")).findFirst().orElseThrow();
    }
    // qa signs with 'airlock sign' (scripts/make-demo): no transparency-log entry, so cosign's
    // --key verification needs cosign's own relaxation, and is denied without it
    assertEquals(0, run("verify", "--key", qa.toString(), "--insecure-ignore-tlog", "reg.vendor.example/ai/seg:2.1").code());
    assertEquals(1, run("verify", "--key", qa.toString(), "reg.vendor.example/ai/seg:2.1").code(),
        "a key signature without a log entry needs --insecure-ignore-tlog");
    assertEquals(1, run("verify", "--key", qa.toString(), "--insecure-ignore-tlog",
        "reg.hospital.example/tools/dicom-anon:1.0").code(), "dicom-anon is signed by hospital-it, not qa");
  }

  @Test
  void exportOnlyAdmittedAndTheExportReimports() throws IOException {
    Path out = dir.resolve("seg.tar");
    Run ok = run("export", "reg.vendor.example/ai/seg:2.1", "-o", out.toString());
    assertEquals(0, ok.code(), ok.err());
    assertTrue(Files.size(out) > 0);
    Run denied = run("--json", "export", "reg.vendor.example/ai/det:3.0", "-o", dir.resolve("det.tar").toString());
    assertEquals(1, denied.code());
    assertEquals("IMAGE_NOT_ADMITTED", denied.json().path("reason").asText());
    assertFalse(Files.exists(dir.resolve("det.tar")));
  }

  @Test
  void reimportChangesNoDecisionAndTheAuditLogVerifies() {
    Run again = run("--json", "import", MEDIUM.toString());
    assertEquals(0, again.code(), again.err());
    JsonNode m = again.json().path("media").get(0);
    assertFalse(m.path("trust").path("changed").asBoolean(), m.path("trust").toString());
    Run audit = run("audit", "verify");
    assertEquals(0, audit.code(), audit.out() + audit.err());
    Path export = dir.resolve("audit.jsonl");
    assertEquals(0, run("audit", "export", "-o", export.toString()).code());
    StringWriter out = new StringWriter();
    int code = Main.run(new String[] {"audit", "verify", export.toString(), "--key", home.resolve("audit.pub").toString()},
        CLOCK, Map.of(), new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
    assertEquals(0, code, out.toString());
  }

  @Test
  void aTarGzOfTheMediumImportsTheSame() throws IOException {
    Path tgz = dir.resolve("demo.tar.gz");
    try (OutputStream fo = Files.newOutputStream(tgz);
        GzipCompressorOutputStream gz = new GzipCompressorOutputStream(fo);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz);
        Stream<Path> files = Files.walk(MEDIUM)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Path p : files.sorted().toList()) {
        String name = MEDIUM.relativize(p).toString();
        if (name.isEmpty()) {
          continue;
        }
        TarArchiveEntry e = new TarArchiveEntry(p.toFile(), Files.isDirectory(p) ? name + "/" : name);
        tar.putArchiveEntry(e);
        if (Files.isRegularFile(p)) {
          Files.copy(p, tar);
        }
        tar.closeArchiveEntry();
      }
    }
    Path saved = home;
    home = dir.resolve("home-tgz");
    try {
      assertEquals(0, run("init", "--root", ROOT.toString(), "--policy", POLICY.toString()).code());
      Run imp = run("--json", "import", "--check-layers", tgz.toString());
      assertEquals(0, imp.code(), imp.err());
      assertEquals(0, imp.json().path("media").get(0).path("rejected").size(), "the demo layers match their diff_ids");
      long admitted = 0;
      for (JsonNode i : imp.json().path("media").get(0).path("images")) {
        admitted += i.path("decision").asText().equals("admit") ? 1 : 0;
      }
      assertEquals(2, admitted, imp.out());
    } finally {
      home = saved;
    }
  }

  @Test
  void importWithoutTrustCannotDecide() throws IOException {
    Path saved = home;
    home = dir.resolve("home-notrust");
    try {
      assertEquals(0, run("init", "--root", ROOT.toString()).code());
      Run r = run("--json", "import", MEDIUM.resolve("images").resolve("seg").toString());
      assertEquals(3, r.code(), r.err());
      assertEquals("TRUST_NOT_INSTALLED", r.json().path("reason").asText());
    } finally {
      home = saved;
    }
  }
}
