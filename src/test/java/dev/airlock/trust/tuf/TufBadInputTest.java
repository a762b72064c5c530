package dev.airlock.trust.tuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.lab.tuf.TufRepoBuilder;
import dev.airlock.lab.tuf.TufRepoBuilder.Key;
import dev.airlock.trust.TrustLab;
import dev.airlock.trust.TrustStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile or broken media: each is refused with a clear reason naming the file, and nothing is
 * installed (home/tuf and the trust store unchanged).
 */
class TufBadInputTest {
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final ObjectMapper M = new ObjectMapper();

  @TempDir Path tmp;
  Path repoDir;
  TufRepoBuilder repo;
  Home home;

  @BeforeEach
  void setUp() {
    repoDir = tmp.resolve("medium");
    repo = new TufRepoBuilder(repoDir, T0);
    repo.target("trusted_root.json", TrustLab.productionTrustedRoot(), null);
    repo.publishRoot();
    repo.publish();
    home = TrustLab.home(tmp.resolve("home"), repo.initialRoot(), T0);
  }

  AirlockException refused(Set<Reason> reasons, String file) throws IOException {
    byte[] rootBefore = Files.readAllBytes(home.tuf().resolve("root.json"));
    List<String> filesBefore;
    try (var s = Files.walk(home.tuf())) {
      filesBefore = s.map(Path::toString).sorted().toList();
    }
    AirlockException e = assertThrows(AirlockException.class,
        () -> dev.airlock.appliance.TrustService.install(home, repoDir, Clock.fixed(T0, ZoneOffset.UTC), false, null));
    assertTrue(reasons.contains(e.reason()), e.reason() + ": " + e.getMessage());
    assertTrue(e.getMessage().contains(file), "message names " + file + ": " + e.getMessage());
    assertArrayEquals(rootBefore, Files.readAllBytes(home.tuf().resolve("root.json")));
    try (var s = Files.walk(home.tuf())) {
      assertEquals(filesBefore, s.map(Path::toString).sorted().toList());
    }
    assertTrue(Database.open(home).transaction(t -> t.trust().history()).isEmpty());
    try (var s = Files.list(home.staging())) {
      assertEquals(0, s.count(), "staging cleaned up");
    }
    return e;
  }

  void editTimestamp(Consumer<ObjectNode> edit, List<Key> signers) throws IOException {
    ObjectNode env = (ObjectNode) M.readTree(repo.read("timestamp.json"));
    ObjectNode signed = (ObjectNode) env.get("signed");
    edit.accept(signed);
    repo.overwrite("timestamp.json", M.writeValueAsBytes(TufRepoBuilder.sign(signed, signers)));
  }

  @Test
  void notJson() throws IOException {
    repo.overwrite("timestamp.json", "{\"signed\": ".getBytes(StandardCharsets.UTF_8));
    refused(Set.of(Reason.TUF_MALFORMED), "timestamp.json");
  }

  @Test
  void duplicateJsonKeys() throws IOException {
    String ts = new String(repo.read("timestamp.json"), StandardCharsets.UTF_8);
    repo.overwrite("timestamp.json", ts.replaceFirst("\\{", "{\"signatures\": [],").getBytes(StandardCharsets.UTF_8));
    refused(Set.of(Reason.TUF_MALFORMED), "timestamp.json");
  }

  @Test
  void signatureOverNonCanonicalBytes() throws IOException {
    ObjectNode env = (ObjectNode) M.readTree(repo.read("timestamp.json"));
    Key k = repo.keys("timestamp").get(0);
    // signed over pretty-printed JSON instead of the canonical form: does not verify
    byte[] pretty = M.writerWithDefaultPrettyPrinter().writeValueAsBytes(env.get("signed"));
    ObjectNode other = TufRepoBuilder.sign(M.createObjectNode().put("x", 1), List.of(k));
    ((ObjectNode) other.get("signatures").get(0)).put("sig", Hashing.hex(
        dev.airlock.crypto.Signatures.sign(keyPrivate(k), dev.airlock.crypto.SignatureAlgorithm.ED25519, pretty)));
    env.set("signatures", other.get("signatures"));
    repo.overwrite("timestamp.json", M.writeValueAsBytes(env));
    refused(Set.of(Reason.TUF_SIGNATURE_THRESHOLD), "timestamp.json");
  }

  private static java.security.PrivateKey keyPrivate(Key k) {
    try {
      var f = Key.class.getDeclaredField("pair");
      f.setAccessible(true);
      return ((java.security.KeyPair) f.get(k)).getPrivate();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void duplicateSignatureKeyIdsDoNotCountTwice() throws IOException {
    Key k = repo.keys("timestamp").get(0);
    repo.role("timestamp", 2, List.of(k)); // threshold 2 with one key
    repo.publishRoot();
    repo.publish();
    ObjectNode env = (ObjectNode) M.readTree(repo.read("timestamp.json"));
    ArrayNode sigs = (ArrayNode) env.get("signatures");
    sigs.add(sigs.get(0).deepCopy());
    repo.overwrite("timestamp.json", M.writeValueAsBytes(env));
    refused(Set.of(Reason.TUF_SIGNATURE_THRESHOLD, Reason.TUF_MALFORMED), "timestamp.json");
  }

  @Test
  void absurdVersion() throws IOException {
    editTimestamp(s -> s.put("version", 99_999_999_999_999L), repo.keys("timestamp"));
    refused(Set.of(Reason.TUF_MALFORMED), "timestamp.json");
  }

  @Test
  void negativeVersion() throws IOException {
    editTimestamp(s -> s.put("version", -1), repo.keys("timestamp"));
    refused(Set.of(Reason.TUF_MALFORMED, Reason.TUF_ROLLBACK), "timestamp.json");
  }

  @Test
  void hugeMetadata() throws IOException {
    editTimestamp(s -> s.put("x-padding", "a".repeat(600_000)), repo.keys("timestamp"));
    refused(Set.of(Reason.TUF_TOO_LARGE), "timestamp.json");
  }

  @Test
  void missingTargetsMetadata() throws IOException {
    Files.delete(repo.metadataDir().resolve("1.targets.json"));
    refused(Set.of(Reason.TUF_MISSING_FILE), "1.targets.json");
  }

  @Test
  void missingTargetFile() throws IOException {
    try (var s = Files.list(repo.targetsDir())) {
      for (Path p : s.toList()) {
        Files.delete(p);
      }
    }
    refused(Set.of(Reason.TUF_MISSING_FILE), "trusted_root.json");
  }

  @Test
  void signatureByUnknownKey() throws IOException {
    editTimestamp(s -> s.put("version", 5), List.of(Key.ed25519()));
    refused(Set.of(Reason.TUF_SIGNATURE_THRESHOLD), "timestamp.json");
  }

  @Test
  void targetSymlinkLeadingOutOfTheMedium() throws IOException {
    Path outside = Files.write(tmp.resolve("outside.json"), TrustLab.productionTrustedRoot());
    try (var s = Files.list(repo.targetsDir())) {
      Path target = s.filter(p -> p.getFileName().toString().endsWith("trusted_root.json")).findFirst().orElseThrow();
      Files.delete(target);
      Files.createSymbolicLink(target, outside);
    }
    AirlockException e = refused(Set.of(Reason.TUF_MALFORMED), "trusted_root.json");
    assertTrue(e.getMessage().contains("link leading out"), e.getMessage());
  }

  @Test
  void fetcherRefusesNamesThatEscape() throws IOException {
    MediumFetcher f = new MediumFetcher(repo.metadataDir(), 1000, true, () -> true);
    for (String bad : List.of("../x.json", "/etc/passwd", "a/../../b.json", "a//b.json", "a\\b.json", "./timestamp.json")) {
      TufFailure e = assertThrows(TufFailure.class, () -> f.fetchResource(bad, 100), bad);
      assertEquals(Reason.TUF_MALFORMED, e.reason(), bad);
    }
    assertNull(f.fetchResource("404.root.json", 100));
    TufFailure big = assertThrows(TufFailure.class, () -> f.fetchResource("timestamp.json", 10));
    assertEquals(Reason.TUF_TOO_LARGE, big.reason());
  }
}
