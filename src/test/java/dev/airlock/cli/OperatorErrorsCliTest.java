package dev.airlock.cli;

import static dev.airlock.testing.ApplianceLab.logged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.oci.Descriptor;
import dev.airlock.testing.ApplianceLab;
import dev.airlock.testing.ApplianceLab.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Errors and exit codes as an operator meets them (issue 16, DESIGN.md 4): plain messages naming the
 * option or path, the contract's exit codes, no stack traces or library class names, and with
 * {@code --json} one error document on stdout and human text on stderr.
 */
class OperatorErrorsCliTest {
  static final String SEG = ApplianceLab.SEG;
  static final String LAX = ApplianceLab.ONE_VENDOR_KEY;

  /** A Java class name (java.nio.file.AccessDeniedException, dev.airlock.x.Y) or a stack frame. */
  static final Pattern LEAK = Pattern.compile("(\\b(java|javax|sun|com|org|dev)\\.[a-z]+\\.[A-Za-z.]*[A-Z]\\w*)|(\\tat )|Exception\\b");

  static void plain(Run r) {
    assertFalse(LEAK.matcher(r.err()).find(), "class name or stack trace in:\n" + r.err());
    assertFalse(LEAK.matcher(r.out()).find(), "class name or stack trace in:\n" + r.out());
  }

  private static ApplianceLab admitted() {
    ApplianceLab l = new ApplianceLab();
    assertEquals(0, l.init(l.policy("p", LAX)).code());
    ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
    m.image("seg", (Descriptor) null, List.of(SEG + ":4.0"), List.of(logged(l.vendor)), List.of());
    assertEquals(0, l.run("import", m.path().toString()).code());
    return l;
  }

  @Test
  void exportToAnUnwritableOrSpecialPathIsExit3WithAPlainMessage() throws Exception {
    try (ApplianceLab l = admitted()) {
      Path file = Files.writeString(l.dir.resolve("a-file"), "x");
      for (Path out : List.of(Path.of("/dev/full"), Path.of("/dev/null"), l.dir, file.resolve("seg.tar"),
          Path.of("/proc/airlock-export-test.tar"))) {
        Run r = l.run("export", SEG + ":4.0", "-o", out.toString(), "--force");
        assertEquals(3, r.code(), out + ": " + r);
        assertTrue(r.err().contains("cannot write " + out), r.err());
        plain(r);
        Run j = l.run("--json", "export", SEG + ":4.0", "-o", out.toString(), "--force");
        assertEquals(3, j.code());
        JsonNode doc = ApplianceLab.JSON.readTree(j.out());
        assertEquals(3, doc.path("exitCode").asInt(), j.out());
        assertEquals("STATE_WRITE_FAILED", doc.path("reason").asText(), j.out());
        assertEquals(1, j.out().strip().lines().count(), "one JSON document: " + j.out());
      }
    }
  }

  @Test
  void exportNeverOverwritesWithoutForce() throws Exception {
    try (ApplianceLab l = admitted()) {
      Path out = Files.writeString(l.dir.resolve("seg.tar"), "precious");
      Run r = l.run("export", SEG + ":4.0", "-o", out.toString());
      assertEquals(2, r.code(), r.toString());
      assertTrue(r.err().contains("--force"), r.err());
      assertEquals("precious", Files.readString(out));
      Run forced = l.run("export", SEG + ":4.0", "-o", out.toString(), "--force");
      assertEquals(0, forced.code(), forced.toString());
      assertTrue(Files.size(out) > 100);
    }
  }

  @Test
  void zeroOrNegativeLimitsAreUsageErrorsNamingTheOption() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("p", LAX)).code());
      Path medium = l.medium("m1").withTuf().path();
      for (String opt : List.of("--max-blob-bytes", "--max-medium-bytes", "--max-entries", "--max-expansion-ratio")) {
        for (String v : List.of("-1", "0")) {
          Run r = l.run("import", medium.toString(), opt, v);
          assertEquals(2, r.code(), opt + " " + v + ": " + r);
          assertTrue(r.err().contains(opt), r.err());
          plain(r);
        }
      }
    }
  }

  @Test
  void aMissingKeyFileIsAUsageErrorNamingTheOption() throws Exception {
    try (ApplianceLab l = admitted()) {
      String missing = l.dir.resolve("nope.pub").toString();
      Path export = Files.writeString(l.dir.resolve("audit.jsonl"), "");
      for (String[] args : List.of(new String[] {"verify", SEG + ":4.0", "--key", missing},
          new String[] {"verify-attestation", SEG + ":4.0", "--type", "spdx", "--key", missing},
          new String[] {"audit", "verify", export.toString(), "--key", missing},
          new String[] {"verify-bundle", "--bundle", export.toString(), "--key", missing, export.toString()})) {
        Run r = l.run(args);
        assertEquals(2, r.code(), String.join(" ", args) + ": " + r);
        assertTrue(r.err().contains("--key") && r.err().contains("nope.pub"), r.err());
        plain(r);
      }
    }
  }

  @Test
  void verifyBundleWithoutAnExpectedSignerNamesWhatIsMissing() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      Path f = Files.writeString(l.dir.resolve("b.json"), "{}");
      Run none = l.run("verify-bundle", "--bundle", f.toString(), f.toString());
      assertEquals(2, none.code(), none.toString());
      assertTrue(none.err().contains("--certificate-identity") && none.err().contains("--key"), none.err());
      Run noIssuer = l.run("verify-bundle", "--bundle", f.toString(), "--certificate-identity", "a@b", f.toString());
      assertEquals(2, noIssuer.code());
      assertTrue(noIssuer.err().contains("--certificate-oidc-issuer"), noIssuer.err());
      Run noIdentity = l.run("--json", "verify-bundle", "--bundle", f.toString(), "--certificate-oidc-issuer",
          "https://oidc.example", f.toString());
      assertEquals(2, noIdentity.code());
      assertTrue(noIdentity.err().contains("--certificate-identity"), noIdentity.err());
      assertEquals("IDENTITY_POLICY_MISSING", ApplianceLab.JSON.readTree(noIdentity.out()).path("reason").asText());
    }
  }

  @Test
  void noArgumentsIsUsageExit2() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      Run r = l.run();
      assertEquals(2, r.code(), r.toString());
      assertTrue(r.err().contains("Usage: airlock"), r.err());
      assertEquals("", r.out());
      Run j = l.run("--json");
      assertEquals(2, j.code());
      assertEquals(2, ApplianceLab.JSON.readTree(j.out()).path("exitCode").asInt());
    }
  }

  @Test
  void versionNamesTheVersionAndCommit() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      Run r = l.run("--version");
      assertEquals(0, r.code());
      String v = r.out().strip();
      // "airlock 0.1.0-SNAPSHOT (1284288-dirty)" or, built without git, "(unknown commit)"
      assertTrue(v.matches("airlock \\S+ \\((unknown commit|[0-9a-zA-Z._-]+)\\)"), v);
      assertFalse(v.contains("${"), "unfiltered build info: " + v);
      assertFalse(v.equals("airlock dev"), v);
      // a build from a git checkout (CI's clean clone, a plain mvn verify) names its commit
      if (java.nio.file.Files.isDirectory(java.nio.file.Path.of(System.getProperty("airlock.basedir", "."), ".git"))) {
        assertFalse(v.contains("unknown commit"), "built from a git checkout: " + v);
      }
    }
  }

  @Test
  void usageErrorsWithJsonAreOneDocumentOnStdout() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      Run r = l.run("--json", "verify", SEG + ":4.0", "--rekor-url", "https://rekor.example");
      assertEquals(2, r.code());
      JsonNode doc = ApplianceLab.JSON.readTree(r.out());
      assertEquals(2, doc.path("exitCode").asInt());
      assertFalse(doc.has("reason"), "a usage error has no reason code: " + r.out());
      assertTrue(r.err().contains("offline"), r.err());
      plain(r);
    }
  }
}
