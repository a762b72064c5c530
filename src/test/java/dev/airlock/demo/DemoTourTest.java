package dev.airlock.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.cli.Main;
import dev.airlock.core.Json;
import dev.airlock.demo.DemoMedium.Image;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README tour on the committed demo, through the CLI in-process: init with the demo root and
 * policy, import the demo medium (trust, checkpoints, five images), then verify each image and get
 * the decision bundles/README.md promises (exit 0 admitted, 1 denied).
 */
class DemoTourTest {
  static final Path REPO = Path.of("").toAbsolutePath();

  record Run(int code, String out, String err) {
    JsonNode json() {
      return Json.parse(out.getBytes(StandardCharsets.UTF_8), "stdout");
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, Clock.systemUTC(), Map.of("USER", "demo", "HOSTNAME", "demohost"),
        new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void theTourDecidesEachImageAsTheReadmeSays(@TempDir Path dir) {
    String home = dir.resolve("home").toString();
    Run init = run("--home", home, "init", "--root", REPO.resolve("trust-root/demo/root.json").toString(),
        "--policy", REPO.resolve("bundles/demo/policy.yaml").toString());
    assertEquals(0, init.code(), init.err());

    Run imp = run("--home", home, "--json", "import", REPO.resolve("bundles/demo").toString());
    assertEquals(0, imp.code(), imp.err());
    JsonNode medium = imp.json().path("media").path(0);
    assertEquals(2, medium.path("checkpoints").path("added").asInt(), imp.out());
    assertEquals(Image.values().length, medium.path("images").size(), imp.out());

    // importing the same medium again changes nothing and still succeeds
    Run again = run("--home", home, "--json", "import", REPO.resolve("bundles/demo").toString());
    assertEquals(0, again.code(), again.err());
    assertEquals(2, again.json().path("media").path(0).path("checkpoints").path("unchanged").asInt(), again.out());

    for (Image img : Image.values()) {
      Run v = run("--home", home, "--json", "verify", img.reference);
      JsonNode verdict = v.json();
      assertEquals(img.decision, verdict.path("decision").asText(), img + ": " + v.out());
      assertEquals("admit".equals(img.decision) ? 0 : 1, v.code(), img + ": " + v.err());
      List<String> reasons = new ArrayList<>();
      verdict.path("reasons").forEach(r -> reasons.add(r.asText()));
      if (img.reasons.isEmpty()) {
        assertEquals(List.of(), reasons, img.name());
      }
      for (String r : img.reasons.isEmpty() ? List.<String>of() : List.of(img.reasons.split(", "))) {
        assertTrue(reasons.contains(r), img + " lacks " + r + ": " + reasons);
      }
      assertEquals("demo-hospital", verdict.path("policy").path("name").asText());
    }

    // the human text says which signatures were logged: qa's and hospital-it's (airlock sign, tlog: false) were not
    Run dicom = run("--home", home, "verify", Image.DICOM_ANON.reference);
    assertEquals(0, dicom.code(), dicom.err());
    assertTrue(dicom.err().contains("No transparency-log entry was required") && !dicom.err().contains("Existence in the"),
        dicom.err());
    Run seg = run("--home", home, "verify", Image.SEG.reference);
    assertTrue(seg.err().contains("verified offline for 4 of 5 signatures; the others have no log entry"), seg.err());
  }
}
