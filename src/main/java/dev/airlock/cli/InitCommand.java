package dev.airlock.cli;

import dev.airlock.audit.AuditKeys;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.core.json.AuditDetail;
import dev.airlock.core.json.Documents;
import dev.airlock.core.json.InitDocument;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import dev.airlock.trust.tuf.PinnedRoot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "init", mixinStandardHelpOptions = true,
    description = {
      "Pin the initial TUF root and create the appliance home:",
      "the H2 database, the content store, the TUF client state and the audit signing key.",
      "ROOT.json must be a TUF root signed by a threshold of its own root keys; it may be expired",
      "(TUF 5.3.2: only the newest root after an update must be unexpired).",
      "The home is built in a temporary folder next to it and renamed into place, so a failed",
      "init leaves nothing behind."
    })
final class InitCommand extends BaseCommand {
  @Option(names = "--root", paramLabel = "ROOT.json", required = true,
      description = "The TUF root.json to pin as the start of the trust chain.")
  Path root;

  @Option(names = "--policy", paramLabel = "FILE", description = "Install this policy file.")
  Path policy;

  @Option(names = "--force", description = "Re-initialise an existing home: the old home is moved aside"
      + " (HOME.replaced-TIME, kept with its audit log and key) and the new log's first event names it.")
  boolean force;

  @Override
  protected ExitCode execute() throws Exception {
    Home home = home();
    Path target = home.root();
    boolean exists = Files.exists(target) && !isEmptyDir(target);
    if (exists && force && !home.isInitialised()) {
      throw new AirlockException(AirlockException.Kind.USAGE, Reason.HOME_EXISTS,
          target + ": exists and is not an airlock home; --force only replaces an airlock home, "
              + "so nothing was changed; choose another folder with --home");
    }
    if (exists && !force) {
      throw new AirlockException(AirlockException.Kind.USAGE, Reason.HOME_EXISTS,
          target + ": already exists" + (home.isInitialised() ? " (an airlock home)" : " and is not empty")
              + "; use --force to replace it, or --home to choose another folder");
    }
    // --force on an airlock home: wait for its write lock (an import beside us), and remember its
    // identity and log head for the new log's first event; the old home is moved aside, never deleted
    dev.airlock.core.WriteLock oldLock = exists && home.isInitialised()
        ? dev.airlock.core.WriteLock.acquire(home, dev.airlock.appliance.WriteLocks.timeout(java.time.Duration.ofSeconds(30)))
        : null;
    try {
      return initialise(home, target, exists);
    } finally {
      if (oldLock != null) {
        oldLock.close();
      }
    }
  }

  private ExitCode initialise(Home home, Path target, boolean exists) throws Exception {
    dev.airlock.appliance.InitService.Previous prev = exists && home.isInitialised() ? dev.airlock.appliance.InitService.previous(home) : null;
    byte[] rootBytes = readInput(root, Limits.defaults().maxTufMetadataBytes(), "TUF root");
    Instant system = systemClock().instant();
    Instant highest = exists && home.isInitialised() ? dev.airlock.appliance.InitService.previousTrustedTime(home) : null;
    boolean behind = highest != null && highest.isAfter(system);
    Instant now = behind ? highest : system;
    if (behind) {
      note("airlock: warning: the system clock (" + system + ") is behind the highest verified time ("
          + highest + ") of the home being replaced; using the verified time (" + Reason.CLOCK_BEHIND + ")");
    }
    // TUF spec v1.0.34 5.3.2 / 5.3.10: the trusted (pinned) root may be expired; only the newest root
    // after an update must be unexpired, and every decision checks the installed trust's expiry
    // (DESIGN.md 6b). So the pin is checked for form and self-signature only (as RepoVerifier does),
    // and an expired pin is reported, not refused.
    PinnedRoot pinned = PinnedRoot.check(rootBytes, root.toString(), Instant.EPOCH);
    if (!now.isBefore(pinned.expires())) {
      info("airlock: note: the pinned root (version " + pinned.version() + ") expired at " + pinned.expires()
          + "; that is allowed for the root you pin (TUF 5.3.2), but the first medium must carry newer roots"
          + " (N+1.root.json ...) up to one that is unexpired, else its import is refused with TUF_EXPIRED");
    }
    byte[] policyBytes = policy == null ? null : readInput(policy, Limits.defaults().maxJsonBytes(), "policy");
    Path policyDir = policy == null ? null : policy.toAbsolutePath().normalize().getParent();
    // validated before anything is created: a bad policy leaves no home behind
    dev.airlock.policy.Policy parsedPolicy = policyBytes == null ? null
        : dev.airlock.policy.PolicyParser.parse(policyBytes, policy.toString(), policyDir,
            "sha256:" + Hashing.sha256Hex(policyBytes));

    Path parent = target.getParent();
    Path tmp;
    try {
      Files.createDirectories(parent);
      tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".init-");
    } catch (IOException e) {
      throw writeFailed(parent, e);
    }
    Home staged = Home.at(tmp);
    Path movedAside = exists ? aside(target, now) : null;
    String applianceId;
    KeyPair kp;
    try {
      Files.createDirectories(staged.blobs().resolve("sha256"));
      Files.createDirectories(staged.tuf());
      // the pinned root, byte-exact: the TUF client starts its chain from these bytes
      Files.write(staged.tuf().resolve("root.json"), rootBytes);
      kp = AuditKeys.generate(staged);
      byte[] idBytes = new byte[16];
      new SecureRandom().nextBytes(idBytes);
      applianceId = Hashing.hex(idBytes);
      String pubPem = Keys.toPem(kp.getPublic());
      dev.airlock.core.TrustedTime time = new dev.airlock.core.TrustedTime(now, system, behind);
      AuditDetail.Init detail = new AuditDetail.Init(applianceId, root.toString(), Hashing.sha256Hex(rootBytes),
          pinned.version(), pinned.expires().toString(), pinned.threshold(),
          Hashing.sha256Hex(kp.getPublic().getEncoded()), exists,
          // DESIGN.md 6b: the new log names the old appliance and its last log head
          prev == null ? null
              : new AuditDetail.Previous(prev.applianceId(), prev.logSize(), prev.logHead(), movedAside.toString()),
          policyBytes == null ? null
              : new AuditDetail.InitPolicy(policy.toString(), parsedPolicy.name(), parsedPolicy.digest()));
      dev.airlock.appliance.InitService.create(staged, applianceId, now, pubPem, highest,
          policyBytes == null ? null
              : new dev.airlock.appliance.InitService.InitialPolicy(parsedPolicy, policyBytes, policyDir),
          auditEvent(time, "init", "tuf-root:v" + pinned.version() + " sha256:"
              + Hashing.sha256Hex(rootBytes), "ok", List.of(), Documents.tree(detail)));
      publish(tmp, target, movedAside);
    } catch (IOException e) {
      deleteTree(tmp);
      throw writeFailed(target, e);
    } catch (RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
    String pem = Keys.toPem(kp.getPublic());
    InitDocument doc = new InitDocument(target.toString(), applianceId, pinned.version(), pinned.expires().toString(),
        pem, AuditKeys.publicKeyFile(home).toString());
    emit(doc, "Initialised airlock home " + target + "\n"
        + "  appliance id:   " + applianceId + "\n"
        + "  pinned TUF root: version " + pinned.version() + ", expires " + pinned.expires() + "\n"
        + (policy != null ? "  policy:         " + policy + "\n" : "")
        + "Audit public key (give it to your auditors; also in " + AuditKeys.publicKeyFile(home) + "):\n" + pem);
    return ExitCode.OK;
  }

  /** Where a forced init keeps the old home: beside it, named by the time it was replaced. */
  private static Path aside(Path target, Instant now) {
    String stamp = now.toString().replace(":", "").replace("-", "");
    Path p = target.resolveSibling(target.getFileName() + ".replaced-" + stamp);
    for (int i = 2; Files.exists(p); i++) {
      p = target.resolveSibling(target.getFileName() + ".replaced-" + stamp + "-" + i);
    }
    return p;
  }

  /**
   * Moves the staged home into place. With --force the old home is moved aside to {@code aside}
   * and kept: the appliance never deletes an audit log or key (DESIGN.md 6b).
   */
  private static void publish(Path tmp, Path target, Path aside) throws IOException {
    if (Files.isDirectory(target) && isEmptyDir(target)) {
      Files.delete(target);
    }
    if (aside == null || !Files.exists(target)) {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
      throw e;
    }
  }

  private static byte[] readInput(Path p, long max, String what) {
    try (InputStream in = Files.newInputStream(p)) {
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (b.length > max) {
        throw AirlockException.denied(Reason.LIMIT_EXCEEDED, p + ": " + what + " is larger than " + max + " bytes");
      }
      return b;
    } catch (NoSuchFileException e) {
      throw AirlockException.cannotDecide(Reason.MEDIUM_UNREADABLE, p + ": " + what + " file not found");
    } catch (AccessDeniedException e) {
      throw AirlockException.cannotDecide(Reason.MEDIUM_UNREADABLE, p + ": " + what + " file is not readable (permission denied)");
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.MEDIUM_UNREADABLE, p + ": cannot read " + what + ": " + e.getMessage(), e);
    }
  }

  private static AirlockException writeFailed(Path where, IOException e) {
    String why = e instanceof AccessDeniedException ? "permission denied"
        : e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.toString();
    return AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED,
        where + ": cannot create the airlock home (" + why + "); nothing was created", e);
  }

  private static boolean isEmptyDir(Path p) {
    if (!Files.isDirectory(p)) {
      return false;
    }
    try (Stream<Path> s = Files.list(p)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  static void deleteTree(Path p) {
    dev.airlock.core.FileTrees.deleteQuietly(p);
  }

}
