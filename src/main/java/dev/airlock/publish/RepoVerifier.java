package dev.airlock.publish;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import dev.airlock.trust.tuf.PinnedRoot;
import dev.airlock.trust.tuf.TufClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs airlock's own TUF client (the one {@code trust update} and {@code import} use) over a
 * repository folder, from a pinned root, in a throw-away metadata store.
 */
public final class RepoVerifier {
  private RepoVerifier() {}

  /** A verified repository: what the client trusts and every top-level target's bytes. */
  public record Verified(TufClient.State state, Map<String, byte[]> targets) {}

  /**
   * Verifies a repository written by {@link TufRepository}, starting from its own
   * {@code metadata/1.root.json}, as a freshly initialised appliance would at {@code now}.
   */
  static TufClient.State verify(Path repo, Instant now) {
    Path first = repo.resolve("metadata").resolve("1.root.json");
    try {
      return verify(repo, Files.readAllBytes(first), now, false, null).state();
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.TUF_MISSING_FILE, first + ": " + e.getMessage(), e);
    } catch (AirlockException e) {
      throw new AirlockException(e.kind(), e.reason(), "the repository airlock would write does not verify with "
          + "airlock's TUF client, so nothing was written: " + e.getMessage(), e);
    }
  }

  /**
   * Verifies any TUF repository folder ({@code metadata/} and {@code targets/}, or metadata at the
   * top) from {@code pinnedRoot} at {@code now} and downloads every target (length and hashes
   * checked, TUF spec 5.7).
   *
   * @param only the one target to download, or null for all (an upstream mirror copy often carries
   *     only the targets airlock needs)
   * @throws AirlockException with the TUF client's reason when anything fails
   */
  public static Verified verify(Path repo, byte[] pinnedRoot, Instant now, boolean acceptExpiredTimestamp,
      String only) {
    Path store = null;
    try {
      // the pinned root must vouch for itself (spec 5.2); its expiry is judged after the root walk
      try {
        PinnedRoot.check(pinnedRoot, "pinned root", Instant.EPOCH);
      } catch (AirlockException e) {
        throw AirlockException.denied(e.reason(), e.getMessage());
      }
      store = Files.createTempDirectory("airlock-tuf-verify-");
      Files.write(store.resolve("root.json"), pinnedRoot);
      Path md = repo.resolve("metadata");
      Path metadata = Files.isDirectory(md, LinkOption.NOFOLLOW_LINKS) ? md : repo;
      TufClient client = TufClient.open(store, metadata, repo.resolve("targets"));
      TufClient.State state = client.refresh(now, acceptExpiredTimestamp);
      Map<String, byte[]> targets = new LinkedHashMap<>();
      for (String path : state.targets().keySet()) {
        if (only == null || only.equals(path)) {
          targets.put(path, client.download(path));
        }
      }
      return new Verified(state, targets);
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED, "temporary TUF store: " + e.getMessage(), e);
    } finally {
      Trees.deleteQuietly(store);
    }
  }
}
