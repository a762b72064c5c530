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
import java.util.List;
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
  private Instant refreshNow;

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
        .setVerifiers(TufKeys.updaterVerifiers())
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
    refreshNow = now;
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
    // timestamp first: it is the role whose expiry a stale medium shows first (spec 5.4.3, 5.5.6)
    for (String role : List.of("timestamp", "snapshot")) {
      Meta m = role.equals("timestamp") ? ts : snap;
      if (m.expires.isBefore(now)) {
        if (!acceptExpiredTimestamp) {
          throw expired(role, m.expires, now);
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
    JsonNode raw = rawTargets();
    if (raw != null && !raw.path("signed").path("targets").has(path)
        && raw.path("signed").has("delegations")) {
      return run(() -> downloadDelegated(path, raw));
    }
    return run(() -> {
      updater.downloadTarget(path);
      return FileSystemTufStore.newFileSystemStore(store).readTarget(path);
    });
  }

  /** Most delegated roles visited for one target (TUF spec 5.6.7: a bounded pre-order DFS). */
  private static final int MAX_DELEGATIONS = 32;

  /**
   * Delegated target search (TUF spec v1.0.34 5.6.7, pre-order depth-first, terminating roles stop
   * the search). Each delegated role is checked like top-level targets: length and hashes against
   * snapshot, a threshold of the delegating role's keys, version equal to snapshot's, not expired.
   */
  private byte[] downloadDelegated(String path, JsonNode topTargets) throws Exception {
    Instant now = refreshNow;
    Map<String, dev.sigstore.tuf.model.SnapshotMeta.SnapshotTarget> snapMeta =
        TrustedMetaStore.newTrustedMetaStore(FileSystemTufStore.newFileSystemStore(store))
            .getSnapshot().getSignedMeta().getMeta();
    java.util.Deque<JsonNode> stack = new java.util.ArrayDeque<>();
    java.util.Deque<JsonNode> keyStack = new java.util.ArrayDeque<>();
    pushRoles(topTargets.path("signed").path("delegations"), path, stack, keyStack);
    java.util.Set<String> visited = new java.util.HashSet<>();
    while (!stack.isEmpty()) {
      JsonNode role = stack.pop();
      JsonNode keys = keyStack.pop();
      String name = role.path("name").asText();
      if (!visited.add(name)) {
        continue;
      }
      if (visited.size() > MAX_DELEGATIONS) {
        throw AirlockException.denied(Reason.TUF_MALFORMED, path + ": more than " + MAX_DELEGATIONS + " delegated roles searched");
      }
      var sm = snapMeta.get(name + ".json");
      if (sm == null) {
        throw AirlockException.denied(Reason.TUF_MISSING_FILE, name + ".json: not listed in snapshot.json");
      }
      String file = sm.getVersion() + "." + name + ".json";
      byte[] bytes = metaFetcher.fetchResource(file, sm.getLengthOrDefault());
      if (bytes == null) {
        throw AirlockException.denied(Reason.TUF_MISSING_FILE, file + ": missing in " + metadataDir);
      }
      if (sm.getLength().isPresent() && bytes.length != sm.getLength().get()) {
        throw AirlockException.denied(Reason.TUF_HASH_MISMATCH, file + ": length " + bytes.length + ", snapshot lists " + sm.getLength().get());
      }
      if (sm.getHashes().isPresent()) {
        checkHashes(file, bytes, sm.getHashes().get().getSha256(), sm.getHashes().get().getSha512());
      }
      JsonNode md = Json.parse(bytes, file);
      TufKeys.verifyThreshold(md, keys, role.path("keyids"), role.path("threshold").asInt(0), file);
      JsonNode signed = md.path("signed");
      if (!"targets".equals(signed.path("_type").asText())) {
        throw AirlockException.denied(Reason.TUF_MALFORMED, file + ": _type is not targets");
      }
      if (signed.path("version").asInt(-1) != sm.getVersion()) {
        throw AirlockException.denied(Reason.TUF_VERSION_MISMATCH, file + ": version " + signed.path("version").asInt(-1) + ", snapshot lists " + sm.getVersion());
      }
      Instant exp = Instant.parse(signed.path("expires").asText());
      if (exp.isBefore(now)) {
        throw expired(file, exp, now);
      }
      JsonNode t = signed.path("targets").get(path);
      if (t != null) {
        return fetchTarget(path, t);
      }
      if (!role.path("terminating").asBoolean(false)) {
        // children first (pre-order), then the next sibling
        pushRoles(signed.path("delegations"), path, stack, keyStack);
      } else {
        break;
      }
    }
    throw AirlockException.denied(Reason.TUF_TARGET_MISSING, path + ": no targets role lists it");
  }

  private static void pushRoles(JsonNode delegations, String path, java.util.Deque<JsonNode> stack,
      java.util.Deque<JsonNode> keyStack) {
    JsonNode roles = delegations.path("roles");
    for (int i = roles.size() - 1; i >= 0; i--) {
      if (DelegationPaths.matches(roles.get(i), path)) {
        stack.push(roles.get(i));
        keyStack.push(delegations.path("keys"));
      }
    }
  }

  private byte[] fetchTarget(String path, JsonNode t) throws IOException {
    long length = t.path("length").asLong(-1);
    String sha256 = t.path("hashes").path("sha256").asText(null);
    String sha512 = t.path("hashes").path("sha512").asText(null);
    if (length < 0 || (sha256 == null && sha512 == null)) {
      throw AirlockException.denied(Reason.TUF_MALFORMED, path + ": target entry lacks length or hashes");
    }
    int slash = path.lastIndexOf('/');
    String name = path.substring(0, slash + 1) + (sha256 != null ? sha256 : sha512) + "." + path.substring(slash + 1);
    byte[] b = targetFetcher.fetchResource(name, (int) Math.min(Integer.MAX_VALUE, length));
    if (b == null) {
      throw AirlockException.denied(Reason.TUF_MISSING_FILE, "targets/" + name + ": missing");
    }
    if (b.length != length) {
      throw AirlockException.denied(Reason.TUF_HASH_MISMATCH, path + ": length " + b.length + ", targets lists " + length);
    }
    checkHashes(path, b, sha256, sha512);
    return b;
  }

  private static void checkHashes(String file, byte[] bytes, String sha256, String sha512) {
    if (sha256 != null && !sha256.equals(dev.airlock.crypto.Hashing.hex(dev.airlock.crypto.Hashing.sha256(bytes)))) {
      throw AirlockException.denied(Reason.TUF_HASH_MISMATCH, file + ": sha256 differs from the listed " + sha256);
    }
    if (sha512 != null && !sha512.equals(dev.airlock.crypto.Hashing.hex(dev.airlock.crypto.Hashing.sha512().digest(bytes)))) {
      throw AirlockException.denied(Reason.TUF_HASH_MISMATCH, file + ": sha512 differs from the listed " + sha512);
    }
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

  /**
   * The expiries of the medium's timestamp and the snapshot it names, read (unverified) through the
   * confined fetcher only to choose the updater's clock; the updater then verifies these same files.
   */
  private Instant[] peekExpiries() {
    try {
      int cap = (int) Limits.defaults().maxTufMetadataBytes();
      byte[] tsBytes = metaFetcher.fetchResource("timestamp.json", cap);
      if (tsBytes == null) {
        return new Instant[0];
      }
      JsonNode ts = Json.parse(tsBytes, "timestamp.json");
      Instant tsExp = Instant.parse(ts.path("signed").path("expires").asText());
      int snapV = ts.path("signed").path("meta").path("snapshot.json").path("version").asInt(-1);
      Instant snapExp = tsExp;
      byte[] snapBytes = metaFetcher.fetchResource(snapV + ".snapshot.json", cap);
      if (snapBytes != null) {
        snapExp = Instant.parse(Json.parse(snapBytes, "snapshot.json").path("signed").path("expires").asText());
      }
      return new Instant[] {tsExp, snapExp};
    } catch (IOException | RuntimeException e) {
      return new Instant[0]; // the updater will report the problem with the file
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
      throw malformed(e);
    } catch (IllegalStateException e) {
      throw malformed(e);
    } catch (TufException | IllegalArgumentException | NullPointerException
        | ClassCastException | UnsupportedOperationException e) {
      throw AirlockException.denied(Reason.TUF_MALFORMED, file() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.MEDIUM_UNREADABLE, file() + ": " + e.getMessage(), e);
    } catch (Exception e) {
      throw AirlockException.denied(Reason.TUF_MALFORMED, file() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private AirlockException malformed(Exception e) {
    String detail = String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
    if (detail.contains("Cannot build Custom")) {
      // sigstore-java 2.0.0 models custom target metadata as {sigstore:{status, usage, uri}} only
      return AirlockException.denied(Reason.TUF_MALFORMED, file() + ": a target's custom metadata "
          + "lacks the object sigstore{status, usage}, which airlock's TUF client (sigstore-java 2.0.0) requires");
    }
    return AirlockException.denied(Reason.TUF_MALFORMED, file() + ": not valid TUF metadata: " + detail);
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
