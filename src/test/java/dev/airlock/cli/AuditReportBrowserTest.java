package dev.airlock.cli;

import static dev.airlock.testing.ApplianceLab.logged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.testing.ApplianceLab;
import dev.airlock.testing.ApplianceLab.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML audit report as an auditor sees it (issue 16 "What people look at"): rendered by
 * headless Chromium (Debian {@code chromium}; {@code scripts/ci-install-chromium}), its DOM after
 * the page's own script ran shows the summary counts and one row per event, a linked filter hides
 * the other rows, and 30 events print on at most 5 PDF pages. Chromium runs with no profile, no
 * background networking and no sandbox (containers); the page itself forbids every fetch (CSP).
 * Skipped where Chromium is missing, except under CI ({@code CI} set), where that is a failure.
 */
class AuditReportBrowserTest {
  @TempDir Path tmp;

  static final String SEG = ApplianceLab.SEG;

  @Test
  void reportRendersWithSummaryRowsFilterAndFitsFivePrintedPages() throws Exception {
    String chromium = chromium();
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("p", ApplianceLab.ONE_VENDOR_KEY)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor));
      m.image("unsigned", List.of("vendor.example/radiology/unsigned:1.0"));
      assertEquals(0, l.run("import", m.path().toString()).code());
      Path again = l.policy("again", ApplianceLab.ONE_VENDOR_KEY.replace("name: lax", "name: lax-2"));
      assertEquals(0, l.run("policy", "set", again.toString()).code());
      for (int i = 0; i < 26; i++) { // with init, import, its decisions and the policy change: 30+ events
        l.run("verify", i % 3 == 0 ? "vendor.example/radiology/unsigned:1.0" : SEG + ":4.0");
      }
      Path html = tmp.resolve("audit.html");
      Run export = l.run("audit", "export", "-o", html.toString(), "--format", "html");
      assertEquals(0, export.code(), export.toString());
      Path jsonl = tmp.resolve("audit.jsonl");
      assertEquals(0, l.run("audit", "export", "-o", jsonl.toString()).code());
      List<JsonNode> events = new ArrayList<>();
      for (String line : Files.readAllLines(jsonl)) {
        JsonNode n = ApplianceLab.JSON.readTree(line);
        if ("event".equals(n.path("type").asText())) {
          events.add(n);
        }
      }
      events = events.subList(0, events.size() - 1); // the JSONL export's own event is not in the page
      assertTrue(events.size() >= 30 && events.size() <= 34, "about 30 events: " + events.size());
      long admits = events.stream().filter(e -> e.path("outcome").asText().equals("admit")).count();
      long denies = events.stream().filter(e -> e.path("outcome").asText().equals("deny")).count();
      long policy = events.stream().filter(e -> e.path("action").asText().startsWith("policy.")).count();
      String page = Files.readString(html);
      assertFalse(Pattern.compile("(src|href)\\s*=\\s*\"(https?:|//)").matcher(page).find(),
          "no external resource");

      String dom = run(chromium, "--dump-dom", html.toUri().toString());
      assertTrue(dom.contains("data-script=\"ready\""), "the page's script ran without error");
      assertEquals(admits, count(dom, "admit"), "summary admits");
      assertEquals(denies, count(dom, "deny"), "summary denies");
      assertEquals(policy, count(dom, "policy"), "summary policy changes");
      assertTrue(count(dom, "trust") >= 1, "init pins the trust root");
      assertEquals(events.size(), occurrences(dom, "<tr class=\"ev "), "one row per event");
      assertTrue(dom.contains("id=\"checkpoint\""), "the signed checkpoint is in the summary");
      assertTrue(dom.contains("<svg id=\"chart\""), "the chart is inline SVG");
      assertTrue(dom.indexOf("id=\"summary\"") < dom.indexOf("id=\"events\""), "summary first");
      assertTrue(dom.contains("title=\"sha256:") && dom.contains("data-copy=\"sha256:"),
          "digests are shortened with the full value in title and copyable");

      // a linked view: #category=deny shows only the denials (the page's filter ran in the browser)
      String denied = run(chromium, "--dump-dom", html.toUri() + "#category=deny");
      assertEquals(denies + " of " + events.size() + " shown", shown(denied), "filtered count");
      assertEquals(events.size() - denies, occurrences(denied, "hidden=\"\""), "the other rows are hidden");

      Path pdf = tmp.resolve("audit.pdf");
      run(chromium, "--no-pdf-header-footer", "--print-to-pdf=" + pdf, html.toUri().toString());
      int pages = pages(pdf);
      assertTrue(pages >= 1 && pages <= 5, events.size() + " events printed on " + pages + " pages");
    }
  }

  /** The number in the summary's count row of a category. */
  private static long count(String dom, String category) {
    Matcher m = Pattern.compile("<tr data-category=\"" + category + "\">.*?<td class=\"n\">(\\d+)</td>",
        Pattern.DOTALL).matcher(dom);
    assertTrue(m.find(), "count row " + category);
    return Long.parseLong(m.group(1));
  }

  private static String shown(String dom) {
    Matcher m = Pattern.compile("<span id=\"shown\">([^<]*)</span>").matcher(dom);
    assertTrue(m.find());
    return m.group(1);
  }

  private static long occurrences(String s, String what) {
    long n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /** Chromium's path, or the test is skipped (outside CI) or fails (under CI). */
  private static String chromium() {
    String problem = null;
    String path = null;
    for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (Files.isExecutable(Path.of(c))) {
        path = c;
        break;
      }
    }
    if (path == null) {
      problem = "chromium is not installed (scripts/ci-install-chromium): the HTML report is not checked in a browser";
    }
    if (problem != null) {
      if (System.getenv("CI") != null) {
        fail("CI is set and " + problem);
      }
      Assumptions.abort(problem);
    }
    return path;
  }

  /** Runs headless Chromium with no profile state and no background traffic; returns its stdout. */
  private String run(String chromium, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(tmp, "profile")));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "chromium", ".out");
    Path err = Files.createTempFile(tmp, "chromium", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("chromium did not finish in 120 s: " + String.join(" ", cmd));
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      fail("chromium exited " + p.exitValue() + ": " + Files.readString(err, StandardCharsets.UTF_8));
    }
    return stdout;
  }

  /** The page count: pdfinfo (poppler-utils) when installed, else the PDF's page objects. */
  private static int pages(Path pdf) throws IOException, InterruptedException {
    if (Files.isExecutable(Path.of("/usr/bin/pdfinfo"))) {
      Process p = new ProcessBuilder("/usr/bin/pdfinfo", pdf.toString()).redirectErrorStream(true).start();
      String info = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(60, TimeUnit.SECONDS);
      Matcher m = Pattern.compile("(?m)^Pages:\\s+(\\d+)").matcher(info);
      assertTrue(m.find(), info);
      return Integer.parseInt(m.group(1));
    }
    String raw = new String(Files.readAllBytes(pdf), StandardCharsets.ISO_8859_1);
    return (int) Pattern.compile("/Type\\s*/Page(?![s\\w])").matcher(raw).results().count();
  }
}
