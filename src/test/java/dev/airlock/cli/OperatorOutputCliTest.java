package dev.airlock.cli;

import static dev.airlock.testing.ApplianceLab.logged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.testing.ApplianceLab;
import dev.airlock.testing.ApplianceLab.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What an operator reads (issue 16 "What people look at"): the {@code images} table, the import
 * progress line, {@code --quiet}, and {@code --help}.
 */
class OperatorOutputCliTest {
  static final String SEG = ApplianceLab.SEG;

  @Test
  void imagesIsAnAlignedTableSortedByNameWithOneLinePerNameAndAStaleMarker() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("p", ApplianceLab.ONE_VENDOR_KEY)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("seg", List.of(SEG + ":4.0", SEG + ":latest"), logged(l.vendor));
      m.image("a-unsigned", List.of("vendor.example/radiology/aaa-unsigned:1.0"));
      assertEquals(0, l.run("import", m.path().toString()).code());
      Run r = l.run("images");
      assertEquals(0, r.code(), r.toString());
      List<String> lines = r.out().lines().toList();
      assertTrue(lines.get(0).startsWith("IMAGE "), r.out());
      assertEquals(List.of("vendor.example/radiology/aaa-unsigned:1.0", SEG + ":4.0", SEG + ":latest"),
          lines.subList(1, 4).stream().map(s -> s.split("\\s+")[0]).toList(), "sorted, one line per name");
      int digestColumn = lines.get(0).indexOf("DIGEST");
      for (String line : lines.subList(1, 4)) {
        assertEquals(digestColumn, line.indexOf("sha256:"), "aligned: " + r.out());
        assertEquals(line.stripTrailing(), line, "no trailing blanks");
      }
      int longest = (SEG + ":latest").length();
      assertEquals(longest + 2, digestColumn, "the first column fits its content: " + r.out());
      // a decision belongs to a name: the same image is admitted as :4.0 and denied as :latest
      assertTrue(lines.get(3).contains("MUTABLE_TAG"), r.out());
      assertTrue(lines.get(4).startsWith("2 image(s), 3 name(s): 1 admitted, 2 denied."), r.out());

      // another policy makes every stored decision stale: marked, with what it was
      assertEquals(0, l.run("policy", "set", l.policy("p2", ApplianceLab.ONE_VENDOR_KEY.replace("name: lax",
          "name: lax-2")).toString()).code());
      Run stale = l.run("images");
      assertTrue(stale.out().contains("stale* (was admit)"), stale.out());
      assertTrue(stale.out().contains("stale* (was deny)"), stale.out());
      assertTrue(stale.out().contains("* stale: decided under another policy"), stale.out());
      assertFalse(stale.out().contains(" admit  "), "a stale decision never reads as admit: " + stale.out());
    }
  }

  /** Human verify text: one line per distinct signer; the certificate line only when a certificate signed. */
  @Test
  void verifyNamesEachSignerOnceAndCertificatesOnlyForCertificates() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("p", ApplianceLab.ONE_VENDOR_KEY)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      // two co-signature layers by the same key: one signer
      m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor), logged(l.vendor));
      assertEquals(0, l.run("import", m.path().toString()).code());
      Run r = l.run("verify", SEG + ":4.0");
      assertEquals(0, r.code(), r.toString());
      assertEquals(1, r.err().lines().filter(x -> x.startsWith("  * vendor: key")).count(), r.err());
      assertFalse(r.err().contains("Certificates were verified"), "no certificate signed: " + r.err());
    }
  }

  /** An image folder whose index.json is malformed or missing is a rejected row, with no parser wording. */
  @Test
  void unusableImageFoldersAreListedAsRejected() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("p", ApplianceLab.ONE_VENDOR_KEY)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor));
      java.nio.file.Path broken = m.path().resolve("images/broken");
      java.nio.file.Files.createDirectories(broken);
      java.nio.file.Files.writeString(broken.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      java.nio.file.Files.writeString(broken.resolve("index.json"), "{not json");
      java.nio.file.Path missing = m.path().resolve("images/missing");
      java.nio.file.Files.createDirectories(missing);
      java.nio.file.Files.writeString(missing.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      Run r = l.run("import", m.path().toString());
      assertEquals(0, r.code(), r.toString());
      List<String> rejected = r.out().lines().filter(x -> x.contains("  rejected  ")).toList();
      assertEquals(2, rejected.size(), r.out());
      assertTrue(rejected.stream().anyMatch(x -> x.startsWith("images/broken ")), r.out());
      assertTrue(rejected.stream().anyMatch(x -> x.startsWith("images/missing ")), r.out());
      assertTrue(r.out().contains(SEG + ":4.0"), "the good image is imported: " + r.out());
      for (String leak : List.of("Unexpected character", "code 110", "double-quote", "Exception", "jackson")) {
        assertFalse(r.all().contains(leak), leak + " leaks: " + r);
      }
      Run json = l.run("--json", "import", m.path().toString());
      assertTrue(json.out().contains("\"source\":\"images/broken\""), json.out());
      assertTrue(json.out().contains("not valid JSON (unexpected text at line 1, column 2)"), json.out());
    }
  }

  /** An auditor handed the wrong file, or the files the wrong way round, is told so. */
  @Test
  void auditVerifySaysOnlyJsonlIsEvidenceAndNamesSwappedFiles() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("p", ApplianceLab.ONE_VENDOR_KEY)).code());
      String key = l.home.resolve("audit.pub").toString();
      String old = l.dir.resolve("old.jsonl").toString();
      String csv = l.dir.resolve("a.csv").toString();
      String html = l.dir.resolve("a.html").toString();
      String now = l.dir.resolve("new.jsonl").toString();
      assertEquals(0, l.run("audit", "export", "-o", old).code());
      assertEquals(0, l.run("audit", "export", "-o", csv, "--format", "csv").code());
      assertEquals(0, l.run("audit", "export", "-o", html, "--format", "html").code());
      assertEquals(0, l.run("audit", "export", "-o", now).code());
      for (String[] f : List.of(new String[] {csv, "a CSV"}, new String[] {html, "an HTML"})) {
        Run r = l.run("audit", "verify", f[0], "--key", key);
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains(f[1] + " export") && r.err().contains("Only a JSONL export is verified"), r.err());
      }
      Run swapped = l.run("audit", "verify", old, "--key", key, "--previous", now);
      assertEquals(1, swapped.code(), swapped.toString());
      assertTrue(swapped.err().contains("if the files are swapped"), swapped.err());
      assertEquals(0, l.run("audit", "verify", now, "--key", key, "--previous", old).code());
    }
  }

  @Test
  void quietSuppressesChatterButNotResultsOrErrors() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("p", ApplianceLab.ONE_VENDOR_KEY)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor));
      m.image("unsigned", List.of("vendor.example/radiology/unsigned:1.0"));
      Run loud = l.run("medium", "check", m.path().toString());
      assertTrue(loud.err().contains("verifying TUF repository"), loud.toString());
      Run quiet = l.run("--quiet", "import", m.path().toString());
      assertEquals(0, quiet.code(), quiet.toString());
      assertEquals("", quiet.err(), "no chatter");
      assertTrue(quiet.out().contains("2 image(s): 1 admitted"), "the result is still printed: " + quiet.out());
      Run admitted = l.run("--quiet", "verify", SEG + ":4.0");
      assertEquals(0, admitted.code());
      assertEquals("", admitted.err());
      assertTrue(admitted.out().startsWith("["), "cosign's payloads on stdout: " + admitted.out());
      Run denied = l.run("--quiet", "verify", "vendor.example/radiology/unsigned:1.0");
      assertEquals(1, denied.code());
      assertTrue(denied.err().contains("deny"), "a denial's reasons are kept: " + denied.err());
      Run error = l.run("--quiet", "verify", "vendor.example/radiology/absent:1");
      assertEquals(1, error.code(), error.toString());
      assertTrue(error.err().contains("IMAGE_NOT_STORED") || error.err().contains("not stored"), error.toString());
    }
  }

  @Test
  void progressShowsNoEtaBeforeThreeSecondsAndLeavesNothingBehind() {
    StringWriter s = new StringWriter();
    AtomicLong now = new AtomicLong(0);
    ImportCommand.Progress p = new ImportCommand.Progress(new PrintWriter(s, true), 100L << 20, now::get);
    now.set(500_000_000L);
    p.add(1L << 20);
    assertFalse(s.toString().contains("left"), "no ETA after half a second: " + s);
    now.set(4_000_000_000L);
    p.add(40L << 20);
    assertTrue(s.toString().contains("left"), "an ETA after a few seconds: " + s);
    p.done();
    String[] draws = s.toString().split("\r");
    String previous = draws[draws.length - 2];
    String last = draws[draws.length - 1];
    assertTrue(last.startsWith("  copied 41.0 MiB"), last);
    assertTrue(last.endsWith("\n") || last.endsWith(System.lineSeparator()), last);
    assertTrue(last.stripTrailing().length() < previous.length()
        && last.length() - System.lineSeparator().length() >= previous.length(),
        "the last line blanks out the whole bar: [" + previous + "] then [" + last + "]");
  }

  /** Every description is whole paragraphs (picocli wraps them) and every command has a one-sentence summary. */
  @Test
  void helpHasNoHardLineBreaksMidSentenceAndEverySummaryIsComplete() {
    CommandLine root = Main.commandLine(CliContractTest.CLOCK, Map.of(), new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()));
    List<String> problems = new ArrayList<>();
    check(root, problems);
    assertEquals(List.of(), problems);
    CliContractTest.Run help = CliContractTest.run("--help");
    assertTrue(help.out().contains("store               Housekeeping of the content store."), help.out());
  }

  private static void check(CommandLine cl, List<String> problems) {
    CommandLine.Model.CommandSpec spec = cl.getCommandSpec();
    String name = spec.qualifiedName();
    for (String d : spec.usageMessage().description()) {
      if (!d.isEmpty() && !d.strip().matches("(?s).*[.:;)!?]$")) {
        problems.add(name + ": description paragraph ends mid-sentence: " + d);
      }
    }
    if (spec.parent() != null) {
      String[] header = spec.usageMessage().header();
      if (header.length != 1 || !header[0].matches("(?s).*[.)]$")) {
        problems.add(name + ": summary is not one complete sentence: " + String.join("|", header));
      }
    }
    for (CommandLine.Model.ArgSpec a : spec.args()) {
      if (a.description().length > 1) {
        problems.add(name + " " + a.paramLabel() + ": option description split over lines");
      }
    }
    cl.getSubcommands().values().forEach(c -> check(c, problems));
  }
}
