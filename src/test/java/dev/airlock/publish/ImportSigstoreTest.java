package dev.airlock.publish;

import static dev.airlock.publish.RepoLab.airlock;
import static dev.airlock.publish.RepoLab.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.crypto.Hashing;
import dev.airlock.testing.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code repo import-sigstore} over the real public-good repository of the corpus, intact and tampered. */
class ImportSigstoreTest {
  /** While the corpus's timestamp (and root v15) are current. */
  static final Instant T = Instant.parse("2026-08-22T00:00:00Z");
  static final Path UPSTREAM_ROOT = Path.of("trust-root", "sigstore", "root.json");
  static final ObjectMapper M = new ObjectMapper();

  @TempDir Path tmp;
  Path keys;
  Path repo;
  Path upstream;

  @BeforeEach
  void setUp() throws Exception {
    keys = tmp.resolve("keys");
    repo = tmp.resolve("repo");
    assertEquals(0, airlock(T, RepoLab.initArgs(keys, repo).toArray(new String[0])).code());
    upstream = tmp.resolve("upstream");
    Trees.copy(Corpus.root().resolve("cases/tuf-chain/root-signing.production-2026-08/repository"), upstream);
  }

  RepoLab.Run importSigstore(String... extra) {
    List<String> a = new ArrayList<>(List.of("repo", "import-sigstore", repo.toString(), upstream.toString(),
        "--upstream-root", UPSTREAM_ROOT.toString()));
    a.addAll(List.of(extra));
    a.addAll(RepoLab.contentKeys(keys));
    return airlock(T, a.toArray(new String[0]));
  }

  @Test
  void republishesTheVerifiedTrustedRoot() throws Exception {
    RepoLab.Run r = importSigstore("--name", "public-good");
    assertEquals(0, r.code(), r.toString());
    Path upstreamTarget;
    try (var s = Files.list(upstream.resolve("targets"))) {
      upstreamTarget = s.filter(p -> p.toString().endsWith(".trusted_root.json")).findFirst().orElseThrow();
    }
    byte[] expected = Files.readAllBytes(upstreamTarget);
    TufRepository opened = TufRepository.open(repo);
    assertEquals(Hashing.sha256Hex(expected), Hashing.sha256Hex(opened.targetBytes("public-good/trusted_root.json")));
    RepoLab.Run st = airlock(T, "--json", "repo", "status", repo.toString());
    JsonNode t = M.readTree(st.out()).path("targets").get(0);
    assertEquals("public-good/trusted_root.json", t.path("path").asText());
    assertEquals("trusted-root", t.path("kind").asText());
    assertEquals(15, t.path("provenance").path("upstreamRootVersion").asInt());
    assertEquals(false, t.path("provenance").path("expiredTimestampAccepted").asBoolean());
    RepoLab.Run human = airlock(T, "repo", "status", repo.toString());
    assertTrue(human.out().matches("(?s).*public-good/trusted_root.json +trusted-root +6787 .*from Sigstore TUF root v15.*"),
        human.out());
  }

  @Test
  void tamperedTargetIsRefused() throws Exception {
    List<String> before = RepoCommandTest.files(repo);
    Path target;
    try (var s = Files.list(upstream.resolve("targets"))) {
      target = s.filter(p -> p.toString().endsWith(".trusted_root.json")).findFirst().orElseThrow();
    }
    byte[] b = Files.readAllBytes(target);
    b[b.length / 2] ^= 1;
    Files.write(target, b);
    RepoLab.Run r = importSigstore();
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("does not verify from") && r.err().contains("trusted_root.json"), r.err());
    assertEquals(before, RepoCommandTest.files(repo));
  }

  @Test
  void tamperedMetadataIsRefused() throws Exception {
    List<String> before = RepoCommandTest.files(repo);
    Path targets = upstream.resolve("metadata/14.targets.json");
    Files.writeString(targets, Files.readString(targets).replace("2036-05-09T09:00:52Z", "2036-05-10T09:00:52Z"));
    RepoLab.Run r = importSigstore();
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("14.targets.json"), r.err());
    assertEquals(before, RepoCommandTest.files(repo));
  }

  @Test
  void anotherUpstreamRootIsRefused() throws Exception {
    List<String> before = RepoCommandTest.files(repo);
    // verifying public-good from our own root: nothing it signs is trusted
    List<String> a = new ArrayList<>(List.of("repo", "import-sigstore", repo.toString(), upstream.toString(),
        "--upstream-root", repo.resolve("metadata/1.root.json").toString()));
    a.addAll(RepoLab.contentKeys(keys));
    RepoLab.Run r = airlock(T, args(a));
    assertEquals(1, r.code(), r.toString());
    assertEquals(before, RepoCommandTest.files(repo));
  }
}
