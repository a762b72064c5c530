package dev.airlock.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared third-party corpus ({@code ../shared/corpus}, 413 cases). A missing corpus is a test
 * failure, never a skip.
 */
public final class Corpus {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Corpus() {}

  /** The corpus root folder. */
  public static Path root() {
    String shared = System.getProperty("airlock.shared");
    if (shared != null && Files.isRegularFile(Path.of(shared, "corpus", "manifest.jsonl"))) {
      return Path.of(shared, "corpus");
    }
    // a git worktree may sit deeper than the project; look upwards for shared/corpus
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path p = d.resolve("shared").resolve("corpus");
      if (Files.isRegularFile(p.resolve("manifest.jsonl"))) {
        return p;
      }
    }
    throw new IllegalStateException("corpus not found (expected ../shared/corpus/manifest.jsonl "
        + "next to the project; -Dairlock.shared=" + shared + ")");
  }

  /** Every case of the manifest. */
  public static List<JsonNode> all() {
    try {
      List<JsonNode> out = new ArrayList<>();
      for (String line : Files.readAllLines(root().resolve("manifest.jsonl"), StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          out.add(MAPPER.readTree(line));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The cases of one kind (sigstore-bundle, tuf-chain, checkpoint, ...). */
  public static List<JsonNode> ofKind(String kind) {
    return all().stream().filter(c -> c.path("kind").asText().equals(kind)).toList();
  }

  /** A file of a case by role, resolved against the corpus root. */
  public static Path file(JsonNode c, String role) {
    JsonNode p = c.path("files").path(role);
    if (p.isMissingNode() || p.isNull()) {
      throw new IllegalArgumentException(c.path("id").asText() + " has no file role " + role);
    }
    return root().resolve(p.asText());
  }

  public static boolean hasFile(JsonNode c, String role) {
    JsonNode p = c.path("files").path(role);
    return !p.isMissingNode() && !p.isNull();
  }

  public static boolean expectPass(JsonNode c) {
    return "pass".equals(c.path("expect").asText());
  }
}
