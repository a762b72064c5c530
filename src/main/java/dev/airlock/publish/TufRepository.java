package dev.airlock.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.trust.tuf.TufClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A static TUF repository for the hospital (TUF spec v1.0.34 sections 4 and 6), in the layout
 * {@code airlock trust update DIR} and a medium's {@code tuf/} read:
 *
 * <pre>
 * DIR/metadata/N.root.json, timestamp.json, N.snapshot.json, N.targets.json
 * DIR/targets/[folder/]&lt;sha256&gt;.&lt;name&gt;     (consistent snapshots, spec 6.1)
 * DIR/airlock-repo.json                        (the publisher's expiry periods; not published)
 * </pre>
 *
 * <p>Every change is made in a copy next to {@code DIR}, verified there by airlock's own TUF client
 * from {@code 1.root.json} (the whole root chain, thresholds, versions, hashes, expiry at "now"),
 * and only then swapped in: a repository that airlock would refuse is never written.
 */
public final class TufRepository {
  public static final List<String> ROLES = List.of("root", "targets", "snapshot", "timestamp");
  public static final String CONFIG = "airlock-repo.json";
  static final String SPEC_VERSION = "1.0.31";

  /**
   * Default expiry periods. Root one year and targets three months are the TUF spec's and python-tuf's
   * usual choices for offline-signed roles. Snapshot and timestamp, which public Sigstore re-signs
   * weekly online, get 35 days here: a medium is made on the connected side, then reviewed, carried
   * and often queued for a monthly maintenance window, and it must still install at the far end
   * without the named {@code --accept-expired-timestamp} override; a replayed medium older than that
   * is refused.
   */
  public static final Map<String, Duration> DEFAULT_EXPIRY = Map.of(
      "root", Duration.ofDays(365), "targets", Duration.ofDays(90),
      "snapshot", Duration.ofDays(35), "timestamp", Duration.ofDays(35));

  private static final Pattern ROOT_FILE = Pattern.compile("^([0-9]+)\\.root\\.json$");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final Path dir;
  private final Map<String, Duration> expiry;
  private final ObjectNode root;
  private final ObjectNode targets;
  private final ObjectNode snapshot;
  private final ObjectNode timestamp;

  private TufRepository(Path dir, Map<String, Duration> expiry, ObjectNode root, ObjectNode targets,
      ObjectNode snapshot, ObjectNode timestamp) {
    this.dir = dir;
    this.expiry = Map.copyOf(expiry);
    this.root = root;
    this.targets = targets;
    this.snapshot = snapshot;
    this.timestamp = timestamp;
  }

  /** What {@code repo init} needs: each role's keys, threshold and expiry period. */
  public record RoleSpec(List<RoleKey> keys, int threshold) {
    public RoleSpec {
      keys = List.copyOf(keys);
    }
  }

  /** What a command did, for rendering. */
  public record Result(String action, TufClient.State verified, List<String> written) {
    public Result {
      written = List.copyOf(written);
    }
  }

  // ---- reading -----------------------------------------------------------------------------------

  /** Opens an existing repository. */
  public static TufRepository open(Path dir) {
    Path md = dir.resolve("metadata");
    if (!Files.isDirectory(md, LinkOption.NOFOLLOW_LINKS)) {
      throw AirlockException.usage(dir + ": not an airlock repository (no metadata/ folder); run 'airlock repo init'");
    }
    int rootVersion = latestRoot(md);
    if (rootVersion == 0) {
      throw AirlockException.usage(md + ": no N.root.json");
    }
    ObjectNode root = signedOf(md.resolve(rootVersion + ".root.json"), "root");
    ObjectNode ts = signedOf(md.resolve("timestamp.json"), "timestamp");
    int sv = ts.path("meta").path("snapshot.json").path("version").asInt();
    ObjectNode snap = signedOf(md.resolve(sv + ".snapshot.json"), "snapshot");
    int tv = snap.path("meta").path("targets.json").path("version").asInt();
    ObjectNode tg = signedOf(md.resolve(tv + ".targets.json"), "targets");
    return new TufRepository(dir, readExpiry(dir), root, tg, snap, ts);
  }

  private static int latestRoot(Path md) {
    int max = 0;
    try (var s = Files.list(md)) {
      for (Iterator<Path> it = s.iterator(); it.hasNext(); ) {
        Matcher m = ROOT_FILE.matcher(it.next().getFileName().toString());
        if (m.matches()) {
          max = Math.max(max, Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException | NumberFormatException e) {
      throw AirlockException.usage(md + ": cannot list: " + e.getMessage());
    }
    return max;
  }

  private static ObjectNode signedOf(Path file, String type) {
    try {
      JsonNode n = Json.parse(Files.readAllBytes(file), file.getFileName().toString());
      JsonNode s = n.path("signed");
      if (!s.isObject() || !type.equals(s.path("_type").asText())) {
        throw AirlockException.denied(Reason.TUF_MALFORMED, file + ": not " + type + " metadata");
      }
      return (ObjectNode) s;
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.TUF_MISSING_FILE, file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static Map<String, Duration> readExpiry(Path dir) {
    Map<String, Duration> out = new LinkedHashMap<>(DEFAULT_EXPIRY);
    Path c = dir.resolve(CONFIG);
    if (Files.isRegularFile(c)) {
      try {
        JsonNode e = Json.parse(Files.readAllBytes(c), CONFIG).path("expiry");
        for (String r : ROLES) {
          if (e.has(r)) {
            out.put(r, Duration.parse(e.get(r).asText()));
          }
        }
      } catch (IOException | RuntimeException ex) {
        throw AirlockException.usage(c + ": unreadable: " + ex.getMessage());
      }
    }
    return out;
  }

  public Path dir() {
    return dir;
  }

  public int version(String role) {
    return signed(role).path("version").asInt();
  }

  public Instant expires(String role) {
    return Instant.parse(signed(role).path("expires").asText());
  }

  public Duration expiryPeriod(String role) {
    return expiry.get(role);
  }

  private ObjectNode signed(String role) {
    return switch (role) {
      case "root" -> root;
      case "targets" -> targets;
      case "snapshot" -> snapshot;
      case "timestamp" -> timestamp;
      default -> throw new IllegalArgumentException(role);
    };
  }

  /** The keys of a role in the current root. */
  public List<RoleKey> keys(String role) {
    return keysOf(root, role);
  }

  public int threshold(String role) {
    return root.path("roles").path(role).path("threshold").asInt();
  }

  private static List<RoleKey> keysOf(ObjectNode rootSigned, String role) {
    List<RoleKey> out = new ArrayList<>();
    for (JsonNode id : rootSigned.path("roles").path(role).path("keyids")) {
      out.add(RoleKey.parse(id.asText(), rootSigned.path("keys").path(id.asText())));
    }
    return out;
  }

  /** The current targets, path to entry ({@code length}, {@code hashes}, {@code custom}). */
  public Map<String, JsonNode> targets() {
    Map<String, JsonNode> out = new TreeMap<>();
    targets.path("targets").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().deepCopy()));
    return out;
  }

  /** The bytes of a current target, from {@code targets/<sha256>.<name>}. */
  public byte[] targetBytes(String path) {
    JsonNode t = targets.path("targets").get(path);
    if (t == null) {
      throw AirlockException.usage("no target " + path);
    }
    try {
      return Files.readAllBytes(targetFile(dir, path, t.path("hashes").path("sha256").asText()));
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.TUF_MISSING_FILE, path + ": " + e.getMessage(), e);
    }
  }

  static Path targetFile(Path repo, String path, String sha256) {
    int slash = path.lastIndexOf('/');
    return repo.resolve("targets").resolve(path.substring(0, slash + 1) + sha256 + "." + path.substring(slash + 1));
  }

  // ---- init ----------------------------------------------------------------------------------------

  /**
   * Creates a repository: root v1 signed by a threshold of its root keys, then empty targets,
   * snapshot and timestamp v1, each signed by a threshold of its keys.
   *
   * @param dir must not exist, or be an empty folder
   */
  public static Result init(Path dir, Map<String, RoleSpec> roles, Map<String, Duration> expiry, RoleSigner signer,
      Instant now) {
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      try (var s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          throw AirlockException.usage(dir + ": exists and is not empty; 'repo init' makes a new repository");
        }
      } catch (IOException e) {
        throw AirlockException.usage(dir + ": " + e.getMessage());
      }
    }
    Map<String, Duration> periods = new LinkedHashMap<>(DEFAULT_EXPIRY);
    periods.putAll(expiry);
    for (String r : ROLES) {
      RoleSpec spec = roles.get(r);
      if (spec == null || spec.keys().isEmpty()) {
        throw AirlockException.usage("the " + r + " role needs at least one key");
      }
      checkThreshold(r, spec);
      if (periods.get(r).isNegative() || periods.get(r).isZero()) {
        throw AirlockException.usage("expiry of " + r + " must be positive");
      }
    }
    ObjectNode rootSigned = rootSigned(1, now.plus(periods.get("root")), roles);
    ObjectNode config = F.objectNode();
    ObjectNode e = config.putObject("expiry");
    periods.forEach((k, v) -> e.put(k, v.toString()));
    return stage(dir, null, now, "init", (work, written) -> {
      List<RoleKey> rootKeys = roles.get("root").keys();
      write(work, "1.root.json", signer.sign(rootSigned, rootKeys, roles.get("root").threshold(), "root (1.root.json)"),
          written);
      Files.createDirectories(work.resolve("targets"));
      Files.write(work.resolve(CONFIG), Json.writePretty(config).getBytes(StandardCharsets.UTF_8));
      ObjectNode tg = roleSigned("targets", 1, now.plus(periods.get("targets")));
      tg.putObject("targets");
      write(work, "1.targets.json", signer.sign(tg, roles.get("targets").keys(), roles.get("targets").threshold(),
          "targets (1.targets.json)"), written);
      snapshotAndTimestamp(work, 1, 1, 1, periods, roles.get("snapshot"), roles.get("timestamp"), signer, now, written);
    });
  }

  private static void checkThreshold(String role, RoleSpec spec) {
    Set<String> ids = new LinkedHashSet<>();
    spec.keys().forEach(k -> ids.add(k.keyId()));
    if (ids.size() != spec.keys().size()) {
      throw AirlockException.usage("the " + role + " role lists the same key twice");
    }
    if (spec.threshold() < 1 || spec.threshold() > ids.size()) {
      throw AirlockException.usage("the " + role + " threshold must be between 1 and its " + ids.size()
          + " key(s), got " + spec.threshold());
    }
  }

  private static ObjectNode roleSigned(String type, int version, Instant expires) {
    ObjectNode s = F.objectNode();
    s.put("_type", type).put("spec_version", SPEC_VERSION).put("version", version)
        .put("expires", expires.truncatedTo(ChronoUnit.SECONDS).toString());
    return s;
  }

  private static ObjectNode rootSigned(int version, Instant expires, Map<String, RoleSpec> roles) {
    ObjectNode s = roleSigned("root", version, expires);
    // TUF spec 6.1: consistent snapshots, so a medium can carry several versions side by side
    s.put("consistent_snapshot", true);
    ObjectNode keys = s.putObject("keys");
    ObjectNode rs = s.putObject("roles");
    for (String r : ROLES) {
      ArrayNode ids = F.arrayNode();
      for (RoleKey k : roles.get(r).keys()) {
        keys.set(k.keyId(), k.json());
        ids.add(k.keyId());
      }
      ObjectNode role = rs.putObject(r);
      role.set("keyids", ids);
      role.put("threshold", roles.get(r).threshold());
    }
    return s;
  }

  private static void snapshotAndTimestamp(Path work, int snapshotVersion, int timestampVersion, int targetsVersion,
      Map<String, Duration> periods, RoleSpec snapshotRole, RoleSpec timestampRole, RoleSigner signer, Instant now,
      List<String> written) throws IOException {
    ObjectNode snap = roleSigned("snapshot", snapshotVersion, now.plus(periods.get("snapshot")));
    snap.putObject("meta").putObject("targets.json").put("version", targetsVersion);
    String snapName = snapshotVersion + ".snapshot.json";
    byte[] snapBytes = write(work, snapName, signer.sign(snap, snapshotRole.keys(), snapshotRole.threshold(),
        "snapshot (" + snapName + ")"), written);
    ObjectNode ts = roleSigned("timestamp", timestampVersion, now.plus(periods.get("timestamp")));
    // TUF spec 4.6: the timestamp lists the snapshot's version, length and hashes
    ts.putObject("meta").putObject("snapshot.json").put("version", snapshotVersion).put("length", snapBytes.length)
        .putObject("hashes").put("sha256", Hashing.sha256Hex(snapBytes));
    write(work, "timestamp.json", signer.sign(ts, timestampRole.keys(), timestampRole.threshold(),
        "timestamp (timestamp.json)"), written);
  }

  private static byte[] write(Path work, String name, ObjectNode envelope, List<String> written) throws IOException {
    byte[] b = Json.writePretty(envelope).getBytes(StandardCharsets.UTF_8);
    Path md = work.resolve("metadata");
    Files.createDirectories(md);
    Files.write(md.resolve(name), b);
    written.add("metadata/" + name);
    return b;
  }

  // ---- changes -------------------------------------------------------------------------------------

  /** One target to add or replace. */
  public record NewTarget(String path, byte[] bytes, ObjectNode custom) {
    public NewTarget {
      bytes = bytes.clone();
      custom = custom == null ? null : custom.deepCopy();
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }
  }

  /**
   * Adds/replaces and removes targets: targets version + 1 signed by a threshold of the targets
   * keys, then snapshot and timestamp version + 1.
   */
  public Result changeTargets(List<NewTarget> add, List<String> remove, RoleSigner signer, Instant now, String action) {
    checkNotExpired("root", now);
    ObjectNode tg = targets.deepCopy();
    ObjectNode map = (ObjectNode) tg.get("targets");
    for (String r : remove) {
      if (map.remove(r) == null) {
        throw AirlockException.usage("no target " + r + " in targets v" + version("targets"));
      }
    }
    for (NewTarget t : add) {
      ObjectNode entry = F.objectNode();
      entry.put("length", t.bytes.length);
      entry.putObject("hashes").put("sha256", Hashing.sha256Hex(t.bytes));
      if (t.custom != null) {
        ObjectNode custom = t.custom.deepCopy();
        // sigstore-java 2.0.0 (airlock's TUF client) cannot bind a target whose custom object lacks
        // sigstore{status, usage}; other clients ignore the member
        if (!custom.has("sigstore")) {
          custom.putObject("sigstore").put("status", "Active").put("usage", "Unknown");
        }
        entry.set("custom", custom);
      }
      map.set(t.path, entry);
    }
    int tv = version("targets") + 1;
    tg.put("version", tv).put("expires", now.plus(expiry.get("targets")).truncatedTo(ChronoUnit.SECONDS).toString());
    return stage(dir, dir, now, action, (work, written) -> {
      for (NewTarget t : add) {
        Path f = targetFile(work, t.path, Hashing.sha256Hex(t.bytes));
        Files.createDirectories(f.getParent());
        Files.write(f, t.bytes);
        written.add(work.relativize(f).toString());
      }
      write(work, tv + ".targets.json", signer.sign(tg, keys("targets"), threshold("targets"),
          "targets (" + tv + ".targets.json)"), written);
      snapshotAndTimestamp(work, version("snapshot") + 1, version("timestamp") + 1, tv, expiry,
          spec("snapshot"), spec("timestamp"), signer, now, written);
    });
  }

  private RoleSpec spec(String role) {
    return new RoleSpec(keys(role), threshold(role));
  }

  /**
   * {@code repo publish}: snapshot and timestamp version + 1 with fresh expiry; with
   * {@code resignTargets} also targets (same content, version + 1, fresh expiry).
   */
  public Result publish(RoleSigner signer, Instant now, boolean resignTargets) {
    checkNotExpired("root", now);
    if (resignTargets) {
      return changeTargets(List.of(), List.of(), signer, now, "publish");
    }
    checkNotExpired("targets", now);
    return stage(dir, dir, now, "publish", (work, written) ->
        snapshotAndTimestamp(work, version("snapshot") + 1, version("timestamp") + 1, version("targets"), expiry,
            spec("snapshot"), spec("timestamp"), signer, now, written));
  }

  private void checkNotExpired(String role, Instant now) {
    if (!expires(role).isAfter(now)) {
      String fix = role.equals("root") ? "'airlock repo rotate-root' signs a new root"
          : "'airlock repo publish --targets' re-signs targets with the targets keys";
      throw AirlockException.denied(Reason.TUF_EXPIRED, role + " v" + version(role) + " expired at "
          + expires(role) + "; no client would accept what would be published. " + fix + ". Nothing was written.");
    }
  }

  /**
   * {@code repo rotate-root}: root version + 1 with the new role keys and thresholds, signed by a
   * threshold of the old root keys and of the new (TUF spec 5.3.4). Roles whose keys changed are
   * re-signed with their new keys (then snapshot and timestamp too), so clients never see metadata
   * signed by keys the new root no longer lists.
   *
   * @param changes roles whose keys or threshold change; the others keep theirs
   */
  public Result rotateRoot(Map<String, RoleSpec> changes, RoleSigner signer, Instant now) {
    Map<String, RoleSpec> roles = new LinkedHashMap<>();
    Set<String> changed = new LinkedHashSet<>();
    for (String r : ROLES) {
      RoleSpec old = spec(r);
      RoleSpec next = changes.getOrDefault(r, old);
      checkThreshold(r, next);
      roles.put(r, next);
      List<String> a = old.keys().stream().map(RoleKey::keyId).sorted().toList();
      List<String> b = next.keys().stream().map(RoleKey::keyId).sorted().toList();
      if (!a.equals(b) || old.threshold() != next.threshold()) {
        changed.add(r);
      }
    }
    int rv = version("root") + 1;
    ObjectNode newRoot = rootSigned(rv, now.plus(expiry.get("root")), roles);
    boolean targetsToo = changed.contains("targets");
    boolean snapToo = targetsToo || changed.contains("snapshot") || changed.contains("timestamp");
    return stage(dir, dir, now, "rotate-root", (work, written) -> {
      write(work, rv + ".root.json", signer.sign(newRoot, List.of(
          new RoleSigner.Requirement(keys("root"), threshold("root"), "the old root (v" + version("root") + ")"),
          new RoleSigner.Requirement(roles.get("root").keys(), roles.get("root").threshold(),
              "the new root (" + rv + ".root.json)"))), written);
      int tv = version("targets");
      if (targetsToo) {
        tv++;
        ObjectNode tg = targets.deepCopy();
        tg.put("version", tv).put("expires", now.plus(expiry.get("targets")).truncatedTo(ChronoUnit.SECONDS).toString());
        write(work, tv + ".targets.json", signer.sign(tg, roles.get("targets").keys(), roles.get("targets").threshold(),
            "targets (" + tv + ".targets.json)"), written);
      }
      if (snapToo) {
        snapshotAndTimestamp(work, version("snapshot") + 1, version("timestamp") + 1, tv, expiry,
            roles.get("snapshot"), roles.get("timestamp"), signer, now, written);
      }
    });
  }

  // ---- staging and verification -------------------------------------------------------------------

  @FunctionalInterface
  private interface Writer {
    void write(Path work, List<String> written) throws IOException;
  }

  /**
   * Copies {@code from} (null: nothing) into a new folder beside {@code dir}, lets {@code writer}
   * change it, verifies the result with airlock's TUF client and swaps it in; on any failure the
   * copy is deleted and {@code dir} is untouched.
   */
  private static Result stage(Path dir, Path from, Instant now, String action, Writer writer) {
    Path abs = dir.toAbsolutePath().normalize();
    Path work = abs.resolveSibling("." + abs.getFileName() + ".airlock-" + UUID.randomUUID());
    try {
      Files.createDirectories(abs.getParent());
      if (from != null) {
        Trees.copy(from, work);
      } else {
        Files.createDirectories(work);
      }
      List<String> written = new ArrayList<>();
      writer.write(work, written);
      TufClient.State state = RepoVerifier.verify(work, now);
      Trees.swap(work, abs);
      return new Result(action, state, written);
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED, dir + ": " + e.getMessage(), e);
    } finally {
      Trees.deleteQuietly(work);
    }
  }
}
