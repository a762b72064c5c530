package dev.airlock.trust.tuf;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.WriteLock;
import dev.airlock.core.Reason;
import dev.airlock.trust.TrustContent;
import dev.airlock.trust.TrustRepository;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustStore;
import dev.airlock.trust.TrustedClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code trust update}: runs the TUF client over a repository folder on a medium and installs its
 * targets as a new trust snapshot. The service the {@code import} command calls too.
 *
 * <p>All-or-nothing (gap (c)): the TUF metadata store {@code home/tuf} is copied to a staging
 * folder under the home, the update runs there, the targets are installed in one database
 * transaction (with the caller's audit event), and only then, as the last step of that
 * transaction, is the staging folder swapped in for {@code home/tuf}. The caller (the appliance
 * layer, which owns transactions) opens that transaction: see {@link InstallTransaction}. A failed update leaves
 * {@code home/tuf} and the trust store as they were.
 */
public final class TufInstaller {
  private TufInstaller() {}

  /**
   * Opens the install transaction on the appliance's database (the appliance layer owns
   * transactions). An implementation MUST, in one transaction and in this order: call
   * {@link InstallWork#install} with the transaction's trust repository, run its own steps (the
   * audit event) with the result, call {@link InstallWork#finish}, then commit; if anything throws
   * it rolls back and rethrows.
   */
  @FunctionalInterface
  public interface InstallTransaction {
    Result run(InstallWork work);
  }

  /** The two halves of the install, run inside {@link InstallTransaction#run}. */
  public interface InstallWork {
    /** Installs the targets, reads the new current snapshot and raises the verified time. */
    Result install(TrustRepository trust);

    /** Swaps the staged TUF metadata in for {@code home/tuf}: the last step before the commit. */
    void finish() throws IOException;
  }

  /**
   * The outcome of an update.
   *
   * @param snapshot the trust snapshot now current (parsed)
   * @param installed the install record and what changed
   * @param tuf versions and expiries of the TUF metadata now trusted
   */
  public record Result(TrustSnapshot snapshot, TrustStore.Installed installed, TufClient.State tuf,
      Instant trustedTime) {}

  /**
   * Runs the update.
   *
   * @param home an initialised home with the pinned TUF root in {@code home/tuf/root.json}
   * @param tufDir the repository folder on the medium ({@code metadata/} and {@code targets/}
   *     subfolders, or metadata at the top and {@code targets/})
   * @param trustedClock the trusted clock (see {@link TrustedClock}); read once as the update time
   * @param acceptExpiredTimestamp accept an expired timestamp/snapshot by name (recorded)
   * @param transaction opens the install transaction (with the caller's audit event)
   * @throws AirlockException DENIED for TUF and target failures, CANNOT_DECIDE for TUF_EXPIRED,
   *     unreadable media and state errors; nothing is installed then
   */
  public static Result update(Home home, Path tufDir, Clock trustedClock, boolean acceptExpiredTimestamp,
      InstallTransaction transaction) {
    Path live = home.tuf();
    Path old = live.resolveSibling(live.getFileName() + ".old");
    if (!Files.exists(live, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(old, LinkOption.NOFOLLOW_LINKS)) {
      // a previous swap stopped between its two renames: put the last good store back
      try {
        Files.move(old, live, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED, old + ": cannot restore: " + e.getMessage(), e);
      }
    }
    if (!Files.isRegularFile(live.resolve("root.json"))) {
      throw AirlockException.cannotDecide(Reason.TRUST_NOT_INSTALLED,
          live.resolve("root.json") + ": no pinned TUF root; run 'airlock init --root ROOT.json'");
    }
    if (!Files.isDirectory(tufDir)) {
      throw AirlockException.cannotDecide(Reason.MEDIUM_UNREADABLE, tufDir + ": not a folder");
    }
    Instant now = trustedClock.instant();
    Path staging = null;
    try (WriteLock lock = WriteLock.acquire(home, java.time.Duration.ofSeconds(30))) {
      Files.createDirectories(home.staging());
      staging = Files.createTempDirectory(home.staging(), "tuf-");
      Path store = staging.resolve("tuf");
      copyTree(live, store);
      Path metadata = metadataDir(tufDir);
      TufClient client = TufClient.open(store, metadata, tufDir.resolve("targets"));
      TufClient.State state = client.refresh(now, acceptExpiredTimestamp);
      List<TrustContent> contents = new ArrayList<>();
      for (Map.Entry<String, TufClient.Target> t : state.targets().entrySet()) {
        TrustContent.Kind kind = TrustContent.Kind.of(t.getKey());
        if (kind != null) {
          contents.add(new TrustContent(t.getKey(), kind, client.download(t.getKey()), t.getValue().custom()));
        }
      }
      TrustStore.Install install = new TrustStore.Install(now, tufDir.toAbsolutePath().normalize().toString(),
          state.rootVersion(), state.rootExpires(), state.timestampVersion(), state.timestampExpires(),
          state.snapshotVersion(), state.snapshotExpires(), state.targetsVersion(), state.targetsExpires(),
          state.expiredTimestampAccepted(), contents);
      Path stagedStore = store;
      return transaction.run(new InstallWork() {
        @Override
        public Result install(TrustRepository trust) {
          TrustStore.Installed installed = trust.install(install);
          TrustSnapshot snapshot = trust.current().orElseThrow();
          TrustedClock.advance(trust, now);
          return new Result(snapshot, installed, state, now);
        }

        @Override
        public void finish() throws IOException {
          // Files first, the database reference last: if the swap fails the transaction rolls back;
          // a kill between the swap and the commit leaves home/tuf ahead of the installed snapshot
          // (seen once in 50 and once in 150 kills by TrustUpdateCrashTest). That is the safe
          // direction: repeating the update installs the new snapshot, while the old medium is
          // refused as a rollback. Swapping after the commit would allow the opposite: the old
          // metadata would accept the old medium again and roll the installed trust back.
          swap(stagedStore, live);
        }
      });
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED, home.root() + ": " + e.getMessage(), e);
    } finally {
      if (staging != null) {
        try {
          deleteTree(staging);
        } catch (UncheckedIOException e) {
          // leftover staging files are harmless; the next run uses a new folder
        }
      }
    }
  }

  /** {@code metadata/} if the folder has one (python-tuf / corpus layout), else the folder itself. */
  static Path metadataDir(Path tufDir) {
    Path m = tufDir.resolve("metadata");
    return Files.isDirectory(m, LinkOption.NOFOLLOW_LINKS) ? m : tufDir;
  }

  /** Replaces {@code live} by {@code staged} with two renames; restores {@code live} on failure. */
  private static void swap(Path staged, Path live) throws IOException {
    Path old = live.resolveSibling(live.getFileName() + ".old");
    deleteTree(old);
    Files.move(live, old, StandardCopyOption.ATOMIC_MOVE);
    try {
      Files.move(staged, live, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.move(old, live, StandardCopyOption.ATOMIC_MOVE);
      throw e;
    }
    deleteTree(old);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    dev.airlock.core.FileTrees.copy(from, to);
  }

  static void deleteTree(Path p) {
    dev.airlock.core.FileTrees.delete(p);
  }
}
