package dev.airlock.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.sigstore.json.JsonParseException;
import dev.sigstore.tuf.DuplicateKeyIdsException;
import dev.sigstore.tuf.FileExceedsMaxLengthException;
import dev.sigstore.tuf.FileNotFoundException;
import dev.sigstore.tuf.FileSystemTufStore;
import dev.sigstore.tuf.InvalidHashesException;
import dev.sigstore.tuf.MetaFetcher;
import dev.sigstore.tuf.RoleExpiredException;
import dev.sigstore.tuf.RollbackVersionException;
import dev.sigstore.tuf.RootProvider;
import dev.sigstore.tuf.SignatureVerificationException;
import dev.sigstore.tuf.SnapshotTargetMissingException;
import dev.sigstore.tuf.SnapshotTargetVersionException;
import dev.sigstore.tuf.SnapshotVersionMismatchException;
import dev.sigstore.tuf.TargetMetadataMissingException;
import dev.sigstore.tuf.TrustedMetaStore;
import dev.sigstore.tuf.TufException;
import dev.sigstore.tuf.Updater;
import dev.sigstore.tuf.model.SignedTufMeta;
import dev.sigstore.tuf.model.TargetMeta;
import dev.sigstore.tuf.model.TufMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The TUF client workflow (theupdateframework/specification v1.0.34 section 5) over a repository
 * folder, run by sigstore-java 2.0.0's {@link Updater} with airlock's fetcher, and with its gaps
 * closed here:
 *
 * <ol>
 *   <li>Freeze gap: sigstore-java stops when {@code timestamp.json} has the version already trusted
 *       and then never looks at expiry. After every run the trusted timestamp, snapshot and targets
 *       are checked against the trusted time here (TUF spec 5.4.3/5.5.6/5.6.5: expired metadata is
 *       never trusted, whether new or cached).
 *   <li>{@code consistent_snapshot: false} repositories: see {@link MediumFetcher}.
 *   <li>Accepting an expired timestamp/snapshot by name: the updater's clock is moved to just before
 *       the earlier of the two expiries (nothing else in the workflow reads the clock), and root and
 *       targets expiry are then re-checked here at the real trusted time.
 * </ol>
 *
 * The client works on a store folder it is given; callers stage a copy (see {@link TufInstaller}).
 */
public final class TufClient {
  private final Path store;
  private final MediumFetcher metaFetcher;
  private final MediumFetcher targetFetcher;
  private final Path metadataDir;
  private Updater updater;

  /** What the client trusts after a run. */
  public record State(
      int rootVersion,
      Instant rootExpires,
      int timestampVersion,
      Instant timestampExpires,
      int snapshotVersion,
      Instant snapshotExpires,
      int targetsVersion,
      Instant targetsExpires,
      boolean expiredTimestampAccepted,
      Map<String, Target> targets) {
    public State {
      targets = Map.copyOf(targets);
    }
  }

  /** A top-level target as listed by the verified targets metadata. */
  public record Target(String path, long length, String sha256, JsonNode custom) {}

  private TufClient(Path store, Path metadataDir, Path targetsDir) throws IOException {
    this.store = store;
    this.metadataDir = metadataDir;
    Limits limits = Limits.defaults();
    this.metaFetcher = new MediumFetcher(metadataDir, limits.maxTufMetadataBytes(), true, this::consistent);
    this.targetFetcher = new MediumFetcher(
        Files.isDirectory(targetsDir) ? targetsDir : metadataDir, limits.maxJsonBytes(), false, this::consistent);
  }

  /**
   * A client over a store folder (must hold {@code root.json}, the trusted root) and a repository's
   * metadata and targets folders.
   */
  public static TufClient open(Path store, Path metadataDir, Path targetsDir) {
    if (!Files.isRegularFile(store.resolve("root.json"))) {
      throw AirlockException.cannotDecide(Reason.TRUST_NOT_INSTALLED,
          store.resolve("root.json") + ": no pinned TUF root; run 'airlock init --root ROOT.json'");
    }
    if (!Files.isDirectory(metadataDir)) {
      throw AirlockException.cannotDecide(Reason.MEDIUM_UNREADABLE, metadataDir + ": not a folder");
    }
    try {
      return new TufClient(store, metadataDir, targetsDir);
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.MEDIUM_UNREADABLE, metadataDir + ": " + e.getMessage(), e);
    }
  }

  private boolean consistent() {
    try {
      JsonNode root = Json.parse(Files.readAllBytes(store.resolve("root.json")), "root.json");
      JsonNode c = root.path("signed").path("consistent_snapshot");
      return !c.isBoolean() || c.booleanValue();
    } catch (IOException | AirlockException e) {
      return true;
    }
  }

  private Updater updater(Clock clock) throws IOException {
    FileSystemTufStore fs = FileSystemTufStore.newFileSystemStore(store);
    return Updater.builder()
        .setClock(clock)
        .setTrustedMetaStore(TrustedMetaStore.newTrustedMetaStore(fs))
        .setTargetStore(fs)
        .setTrustedRootPath(RootProvider.fromFile(store.resolve("root.json")))
        .setMetaFetcher(MetaFetcher.newFetcher(metaFetcher))
        .setTargetFetcher(targetFetcher)
        .build();
  }

  /**
   * Root rotation only (TUF spec 5.3): walks {@code N+1.root.json} and checks the final root is not
   * expired at {@code now}. Used by the corpus's root-update cases; the repository may lack a
   * timestamp.
   */
  public int rootUpdate(Instant now) {
    run(() -> {
      updater = updater(Clock.fixed(now, ZoneOffset.UTC));
      try {
        updater.updateMeta();
      } catch (FileNotFoundException e) {
        if (!"timestamp.json".equals(metaFetcher.last())) {
          throw e;
        }
      }
      return null;
    });
    Meta root = read("root");
    checkNotExpired("root", root, now);
    return root.version;
  }

  /**
   * The full metadata refresh (TUF spec 5.3 to 5.6, top-level targets).
   *
   * @param now the trusted time
   * @param acceptExpiredTimestamp accept a timestamp/snapshot that expired before {@code now};
   *     signatures, thresholds, versions, hashes, root and targets expiry are still enforced
   * @throws AirlockException CANNOT_DECIDE for TUF_EXPIRED, DENIED for the other TUF reasons
   */
  public State refresh(Instant now, boolean acceptExpiredTimestamp) {
    Instant clock = now;
    if (acceptExpiredTimestamp) {
      clock = earliest(now, peekExpiries());
    }
    Clock updaterClock = Clock.fixed(clock, ZoneOffset.UTC);
    run(() -> {
      updater = updater(updaterClock);
      updater.updateMeta();
      return null;
    });
    Meta root = read("root");
    Meta ts = read("timestamp");
    Meta snap = read("snapshot");
    Meta targets = read("targets");
    // Gap (a): expiry is checked on every update, also when nothing new was found.
    checkNotExpired("root", root, now);
    checkNotExpired("targets", targets, now);
    boolean accepted = false;
    for (var e : Map.of("timestamp", ts, "snapshot", snap).entrySet()) {
      if (e.getValue().expires.isBefore(now)) {
        if (!acceptExpiredTimestamp) {
          throw expired(e.getKey(), e.getValue().expires, now);
        }
        accepted = true;
      }
    }
    return new State(root.version, root.expires, ts.version, ts.expires, snap.version, snap.expires,
        targets.version, targets.expires, accepted, listTargets());
  }

  /**
   * Downloads one top-level target (after {@link #refresh}); its length and every listed hash are
   * checked by the updater (TUF spec 5.7.3).
   */
  public byte[] download(String path) {
    if (updater == null) {
      throw new IllegalStateException("refresh first");
    }
    lastWasTarget = true;
    return run(() -> {
      updater.downloadTarget(path);
      return FileSystemTufStore.newFileSystemStore(store).readTarget(path);
    });
  }

  private Map<String, Target> listTargets() {
    JsonNode raw = rawTargets();
    Map<String, Target> out = new TreeMap<>();
    try {
      TargetMeta meta = TrustedMetaStore.newTrustedMetaStore(FileSystemTufStore.newFileSystemStore(store))
          .getTargets().getSignedMeta();
      for (var e : meta.getTargets().entrySet()) {
        JsonNode custom = raw == null ? null : raw.path("signed").path("targets").path(e.getKey()).get("custom");
        out.put(e.getKey(), new Target(e.getKey(), e.getValue().getLength(),
            e.getValue().getHashes().getSha256(), custom == null ? null : custom.deepCopy()));
      }
    } catch (IOException | JsonParseException | RuntimeException e) {
      throw AirlockException.denied(Reason.TUF_MALFORMED, "targets.json: " + e.getMessage());
    }
    return out;
  }

  /**
   * The raw verified targets metadata: the bytes served in this run (sigstore-java verified exactly
   * these), else the copy kept from an earlier run. Kept so that {@code custom} fields sigstore-java's
   * model drops (validFrom/validUntil) can be read.
   */
  private JsonNode rawTargets() {
    Path kept = store.resolve("targets.raw.json");
    try {
      int version = read("targets").version;
      byte[] b = metaFetcher.served(version + ".targets.json");
      if (b != null) {
        Files.write(kept, b);
      } else if (Files.isRegularFile(kept)) {
        b = Files.readAllBytes(kept);
      } else {
        return null;
      }
      JsonNode n = Json.parse(b, "targets.json");
      return n.path("signed").path("version").asInt(-1) == version ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  private Instant[] peekExpiries() {
    try {
      JsonNode ts = Json.parse(readBounded(metadataDir.resolve("timestamp.json")), "timestamp.json");
      Instant tsExp = Instant.parse(ts.path("signed").path("expires").asText());
      int snapV = ts.path("signed").path("meta").path("snapshot.json").path("version").asInt(-1);
      Path snapFile = metadataDir.resolve(snapV + ".snapshot.json");
      if (!Files.isRegularFile(snapFile)) {
        snapFile = metadataDir.resolve("snapshot.json");
      }
      Instant snapExp = tsExp;
      if (Files.isRegularFile(snapFile)) {
        JsonNode snap = Json.parse(readBounded(snapFile), "snapshot.json");
        snapExp = Instant.parse(snap.path("signed").path("expires").asText());
      }
      return new Instant[] {tsExp, snapExp};
    } catch (IOException | RuntimeException e) {
      return new Instant[0]; // the updater will report the problem with the file
    }
  }

  private static byte[] readBounded(Path p) throws IOException {
    try (var in = Files.newInputStream(p)) {
      byte[] b = in.readNBytes((int) Limits.defaults().maxTufMetadataBytes() + 1);
      if (b.length > Limits.defaults().maxTufMetadataBytes()) {
        throw new IOException("too large");
      }
      return b;
    }
  }

  private static Instant earliest(Instant now, Instant[] expiries) {
    Instant t = now;
    for (Instant e : expiries) {
      Instant justBefore = e.minusSeconds(1);
      if (justBefore.isBefore(t)) {
        t = justBefore;
      }
    }
    return t;
  }

  private record Meta(int version, Instant expires) {}

  private Meta read(String role) {
    try {
      TrustedMetaStore ms = TrustedMetaStore.newTrustedMetaStore(FileSystemTufStore.newFileSystemStore(store));
      Optional<? extends SignedTufMeta<? extends TufMeta>> m = switch (role) {
        case "root" -> ms.findRoot();
        case "timestamp" -> ms.findTimestamp();
        case "snapshot" -> ms.findSnapshot();
        default -> ms.findTargets();
      };
      if (m.isEmpty()) {
        throw AirlockException.denied(Reason.TUF_MISSING_FILE, role + ".json: not trusted after the update");
      }
      TufMeta s = m.get().getSignedMeta();
      return new Meta(s.getVersion(), s.getExpiresAsDate().toInstant());
    } catch (IOException | JsonParseException | RuntimeException e) {
      if (e instanceof AirlockException a) {
        throw a;
      }
      throw AirlockException.denied(Reason.TUF_MALFORMED, role + ".json: " + e.getMessage());
    }
  }

  private static void checkNotExpired(String role, Meta m, Instant now) {
    if (m.expires.isBefore(now)) {
      throw expired(role, m.expires, now);
    }
  }

  private static AirlockException expired(String role, Instant expires, Instant now) {
    return AirlockException.cannotDecide(Reason.TUF_EXPIRED,
        role + ".json: expired at " + expires + " (trusted time " + now + ")");
  }

  @FunctionalInterface
  private interface Step<T> {
    T run() throws Exception;
  }

  /** Runs sigstore-java and maps its exceptions onto reason codes naming the file. */
  private <T> T run(Step<T> step) {
    try {
      return step.run();
    } catch (AirlockException e) {
      throw e;
    } catch (TufFailure e) {
      throw AirlockException.denied(e.reason(), e.getMessage());
    } catch (RoleExpiredException e) {
      throw AirlockException.cannotDecide(Reason.TUF_EXPIRED, roleOfExpiry(e) + ": expired at "
          + e.getRoleExpirationTime().toInstant() + " (trusted time " + e.getUpdateTime().toInstant() + ")");
    } catch (SignatureVerificationException e) {
      throw AirlockException.denied(Reason.TUF_SIGNATURE_THRESHOLD, file() + ": " + e.getVerifiedSignatures()
          + " valid signature(s) from the role's keys, threshold " + e.getRequiredSignatures());
    } catch (RollbackVersionException e) {
      boolean root = file().endsWith(".root.json");
      throw AirlockException.denied(root ? Reason.TUF_VERSION_MISMATCH : Reason.TUF_ROLLBACK, file()
          + ": version " + e.getFoundVersion() + (root ? ", expected " : ", trusted ") + e.getCurrentVersion());
    } catch (SnapshotVersionMismatchException e) {
      throw AirlockException.denied(Reason.TUF_VERSION_MISMATCH, file() + ": " + e.getMessage());
    } catch (SnapshotTargetMissingException | SnapshotTargetVersionException e) {
      throw AirlockException.denied(Reason.TUF_ROLLBACK, file() + ": " + e.getMessage());
    } catch (InvalidHashesException e) {
      throw AirlockException.denied(Reason.TUF_HASH_MISMATCH, file() + ": " + e.getMessage());
    } catch (FileExceedsMaxLengthException e) {
      throw AirlockException.denied(Reason.TUF_TOO_LARGE, file() + ": larger than " + e.getMaxSize() + " bytes");
    } catch (FileNotFoundException e) {
      throw AirlockException.denied(Reason.TUF_MISSING_FILE, file() + ": missing in " + metadataDir);
    } catch (TargetMetadataMissingException e) {
      throw AirlockException.denied(Reason.TUF_TARGET_MISSING, e.getMessage());
    } catch (DuplicateKeyIdsException e) {
      throw AirlockException.denied(Reason.TUF_MALFORMED, file() + ": duplicate signature key id " + e.getKeyId());
    } catch (JsonParseException e) {
      throw AirlockException.denied(Reason.TUF_MALFORMED, file() + ": not valid TUF metadata: "
          + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
    } catch (TufException | IllegalArgumentException | IllegalStateException | NullPointerException
        | ClassCastException | UnsupportedOperationException e) {
      throw AirlockException.denied(Reason.TUF_MALFORMED, file() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.MEDIUM_UNREADABLE, file() + ": " + e.getMessage(), e);
    } catch (Exception e) {
      throw AirlockException.denied(Reason.TUF_MALFORMED, file() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private String file() {
    String t = targetFetcher.last();
    String m = metaFetcher.last();
    return !t.isEmpty() && updater != null && lastWasTarget ? "targets/" + t : m.isEmpty() ? "root.json" : m;
  }

  private boolean lastWasTarget;

  private String roleOfExpiry(RoleExpiredException e) {
    Instant exp = e.getRoleExpirationTime().toInstant();
    for (String role : new String[] {"root", "timestamp", "snapshot", "targets"}) {
      try {
        if (read(role).expires.equals(exp)) {
          return role + ".json";
        }
      } catch (AirlockException ignored) {
        // not stored yet
      }
    }
    return file();
  }
}
