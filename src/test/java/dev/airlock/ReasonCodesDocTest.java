package dev.airlock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.airlock.core.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/reason-codes.md documents the closed enum exactly. On a mismatch the expected file is written
 * to target/reason-codes.md: review and copy it to docs/.
 */
class ReasonCodesDocTest {
  static String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Reason codes\n\n");
    sb.append("Every failed check, refused medium and denied image carries one or more of these codes\n");
    sb.append("(`reasons` in the verdict document, `reason` in each failed check, `reasons` in audit\n");
    sb.append("events). The set is closed: it is the enum `dev.airlock.core.Reason`, and a test keeps\n");
    sb.append("this page equal to it.\n\n");
    sb.append("| code | meaning |\n| --- | --- |\n");
    for (Reason r : Reason.values()) {
      sb.append("| `").append(r.name()).append("` | ").append(r.description().replace("|", "\\|")).append(" |\n");
    }
    return sb.toString();
  }

  @Test
  void docsListEveryReason() throws IOException {
    String expected = render();
    Path docs = Path.of(System.getProperty("airlock.basedir", "."), "docs", "reason-codes.md");
    String actual = Files.exists(docs) ? Files.readString(docs, StandardCharsets.UTF_8) : "";
    if (!expected.equals(actual)) {
      Path out = Path.of(System.getProperty("airlock.basedir", "."), "target", "reason-codes.md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, expected, StandardCharsets.UTF_8);
    }
    assertEquals(expected, actual, "docs/reason-codes.md is out of date; see target/reason-codes.md");
  }
}
