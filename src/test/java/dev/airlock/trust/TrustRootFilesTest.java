package dev.airlock.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.testing.Corpus;
import dev.airlock.trust.tuf.TufClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pinned roots in trust-root/ are what the README says, and the TUF client works from them. */
class TrustRootFilesTest {
  static final Path SIGSTORE_ROOT = Path.of("trust-root", "sigstore", "root.json");
  static final Path CASE = Path.of("cases", "tuf-chain", "root-signing.production-2026-08", "repository");

  @TempDir Path tmp;

  @Test
  void sigstoreRootMatchesTheReadmeAndTheCorpus() throws Exception {
    byte[] pinned = Files.readAllBytes(SIGSTORE_ROOT);
    assertEquals("73747011d0857ada15479a16c4cae0f3ed03aac698b523b97e1de314ac9d9ca8", Hashing.sha256Hex(pinned));
    String readme = Files.readString(Path.of("trust-root", "README.md"));
    assertTrue(readme.contains(Hashing.sha256Hex(pinned)), "README lists the sha256");
    byte[] corpus = Files.readAllBytes(Corpus.root().resolve(CASE).resolve("metadata/15.root.json"));
    assertEquals(Hashing.sha256Hex(corpus), Hashing.sha256Hex(pinned));
  }

  @Test
  void tufClientUpdatesFromThePinnedSigstoreRoot() throws Exception {
    Path store = Files.createDirectories(tmp.resolve("tuf"));
    Files.copy(SIGSTORE_ROOT, store.resolve("root.json"));
    Path repo = Corpus.root().resolve(CASE);
    TufClient client = TufClient.open(store, repo.resolve("metadata"), repo.resolve("targets"));
    TufClient.State s = client.refresh(Instant.parse("2026-08-22T00:00:00Z"), false);
    assertEquals(15, s.rootVersion());
    TrustedRoot root = TrustedRoot.parse(client.download("trusted_root.json"), "trusted_root.json");
    assertTrue(root.tlogs().size() >= 1);
    // after v15's expiry the same repository is refused unless a newer root is on the medium
    TufClient late = TufClient.open(store, repo.resolve("metadata"), repo.resolve("targets"));
    AirlockException e = org.junit.jupiter.api.Assertions.assertThrows(AirlockException.class,
        () -> late.refresh(Instant.parse("2026-11-22T00:00:00Z"), true));
    assertEquals(Reason.TUF_EXPIRED, e.reason());
    assertTrue(e.getMessage().contains("root.json"), e.getMessage());
  }
}
