package dev.airlock.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.airlock.core.AirlockException;
import dev.airlock.crypto.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TrustStore#toSnapshot} gives back the last parse for equal contents (issue 17): a parse
 * is never reused for contents that differ in one byte, one path or their order, and a mutated
 * trusted root is refused after a good one was parsed, not answered from the reuse.
 */
class TrustStoreParseReuseTest {
  private static final Instant AT = Instant.parse("2026-12-01T00:00:00Z");

  private static byte[] demoRoot() throws IOException {
    try (var s = Files.list(Path.of("bundles/demo/tuf/targets"))) {
      return Files.readAllBytes(s.filter(p -> p.getFileName().toString().endsWith(".trusted_root.json"))
          .findFirst().orElseThrow());
    }
  }

  private static InstalledSnapshot info(String id) {
    return new InstalledSnapshot(1, id, AT, "test", 1, AT, 1, AT, 1, AT, 1, AT, false);
  }

  private static TrustContent root(String path, byte[] bytes) {
    return new TrustContent(path, TrustContent.Kind.TRUSTED_ROOT, bytes, null);
  }

  private static String digestOf(TrustSnapshot s, int i) {
    return s.roots().get(i).digest().toString();
  }

  @Test
  void equalContentsReuseAndDifferentContentsParse() throws IOException {
    byte[] demo = demoRoot();
    byte[] production = TrustLab.productionTrustedRoot();
    TrustSnapshot a = TrustStore.toSnapshot(info("a"), List.of(root("trusted_root.json", demo)));
    assertEquals("sha256:" + Hashing.sha256Hex(demo), digestOf(a, 0));
    // the same contents under another install: the snapshot's own fields are its own
    TrustSnapshot again = TrustStore.toSnapshot(info("b"), List.of(root("trusted_root.json", demo.clone())));
    assertEquals("b", again.id());
    assertEquals(a.roots(), again.roots());
    // another root: parsed, not reused
    TrustSnapshot other = TrustStore.toSnapshot(info("a"), List.of(root("trusted_root.json", production)));
    assertEquals("sha256:" + Hashing.sha256Hex(production), digestOf(other, 0));
    // another path with the same bytes: the root's name is the path
    TrustSnapshot renamed = TrustStore.toSnapshot(info("a"), List.of(root("private/trusted_root.json", production)));
    assertEquals("private/trusted_root.json", renamed.roots().get(0).name());
    // order matters
    TrustSnapshot two = TrustStore.toSnapshot(info("a"),
        List.of(root("trusted_root.json", demo), root("private/trusted_root.json", production)));
    TrustSnapshot swapped = TrustStore.toSnapshot(info("a"),
        List.of(root("private/trusted_root.json", production), root("trusted_root.json", demo)));
    assertNotEquals(digestOf(two, 0), digestOf(swapped, 0));
  }

  @Test
  void aMutatedRootIsRefusedAfterTheGoodOneWasParsed() throws IOException {
    byte[] demo = demoRoot();
    TrustStore.toSnapshot(info("a"), List.of(root("trusted_root.json", demo)));
    byte[] truncated = Arrays.copyOf(demo, demo.length - 2);
    assertThrows(AirlockException.class,
        () -> TrustStore.toSnapshot(info("a"), List.of(root("trusted_root.json", truncated))));
    byte[] flipped = demo.clone();
    int brace = new String(demo, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf('{');
    flipped[brace] ^= 0x01; // '{' becomes 'z': not JSON
    assertThrows(AirlockException.class,
        () -> TrustStore.toSnapshot(info("a"), List.of(root("trusted_root.json", flipped))));
  }
}
