package dev.airlock.lab.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import dev.airlock.crypto.SignatureAlgorithm;
import dev.airlock.crypto.Signatures;
import dev.airlock.trust.tuf.CanonicalJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Lab TUF repository publisher (TUF spec v1.0.34 section 4): writes real, signed repositories in
 * the layout airlock reads from media ({@code metadata/N.root.json}, {@code timestamp.json},
 * {@code N.snapshot.json}, {@code N.targets.json}, {@code targets/<sha256>.<name>}), with Ed25519
 * and ECDSA P-256 keys, per-role thresholds, root rotation, consistent snapshots on or off and
 * target custom metadata. Every file it writes is signed over OLPC canonical JSON.
 */
public final class TufRepoBuilder {
  private static final ObjectMapper M = new ObjectMapper();
  public static final List<String> ROLES = List.of("root", "timestamp", "snapshot", "targets");

  /** A TUF signing key. */
  public static final class Key {
    final KeyPair pair;
    final SignatureAlgorithm algorithm;
    final ObjectNode json;
    final String keyid;

    private Key(KeyPair pair, SignatureAlgorithm algorithm, ObjectNode json) {
      this.pair = pair;
      this.algorithm = algorithm;
      this.json = json;
      this.keyid = Hashing.hex(Hashing.sha256(CanonicalJson.encode(json)));
    }

    public String keyid() {
      return keyid;
    }

    public static Key ed25519() {
      KeyPair p = Keys.generateEd25519();
      ObjectNode j = M.createObjectNode().put("keytype", "ed25519").put("scheme", "ed25519");
      j.putObject("keyval").put("public", Hashing.hex(Keys.rawEd25519(p.getPublic())));
      return new Key(p, SignatureAlgorithm.ED25519, j);
    }

    public static Key ecdsa() {
      KeyPair p = Keys.generateEc("secp256r1");
      ObjectNode j = M.createObjectNode().put("keytype", "ecdsa").put("scheme", "ecdsa-sha2-nistp256");
      j.putObject("keyval").put("public", Keys.toPem(p.getPublic()));
      return new Key(p, SignatureAlgorithm.ECDSA_P256_SHA256, j);
    }

    String sign(byte[] data) {
      return Hashing.hex(Signatures.sign(pair.getPrivate(), algorithm, data));
    }
  }

  private record Target(byte[] bytes, JsonNode custom) {}

  private final Path metadata;
  private final Path targetsDir;
  private final Map<String, List<Key>> keys = new LinkedHashMap<>();
  private final Map<String, Integer> thresholds = new LinkedHashMap<>();
  private final Map<String, Instant> expires = new LinkedHashMap<>();
  private final Map<String, Integer> versions = new LinkedHashMap<>();
  private final Map<String, Target> targets = new TreeMap<>();
  private boolean consistent = true;
  private boolean rawCustom;
  private List<Key> previousRootKeys = List.of();
  private int previousRootThreshold;
  private byte[] firstRoot;

  /** A repository in {@code dir} (metadata/ and targets/), one key per role, threshold 1. */
  public TufRepoBuilder(Path dir, Instant now) {
    this.metadata = dir.resolve("metadata");
    this.targetsDir = dir.resolve("targets");
    for (String r : ROLES) {
      keys.put(r, new ArrayList<>(List.of(r.equals("root") ? Key.ecdsa() : Key.ed25519())));
      thresholds.put(r, 1);
      versions.put(r, 0);
    }
    expires.put("root", now.plus(365, ChronoUnit.DAYS));
    expires.put("targets", now.plus(90, ChronoUnit.DAYS));
    expires.put("snapshot", now.plus(7, ChronoUnit.DAYS));
    expires.put("timestamp", now.plus(1, ChronoUnit.DAYS));
    try {
      Files.createDirectories(metadata);
      Files.createDirectories(targetsDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path metadataDir() {
    return metadata;
  }

  public Path targetsDir() {
    return targetsDir;
  }

  public List<Key> keys(String role) {
    return List.copyOf(keys.get(role));
  }

  /** Sets a role's keys and threshold (takes effect with the next {@link #publishRoot()}). */
  public TufRepoBuilder role(String role, int threshold, List<Key> roleKeys) {
    keys.put(role, new ArrayList<>(roleKeys));
    thresholds.put(role, threshold);
    return this;
  }

  public TufRepoBuilder expires(String role, Instant t) {
    expires.put(role, t.truncatedTo(ChronoUnit.SECONDS));
    return this;
  }

  /** Forces the version the next publish of {@code role} gets (minus one). */
  public TufRepoBuilder version(String role, int currentVersion) {
    versions.put(role, currentVersion);
    return this;
  }

  public int versionOf(String role) {
    return versions.get(role);
  }

  /** Writes custom metadata exactly as given (no sigstore member added). */
  public TufRepoBuilder rawCustom(boolean on) {
    rawCustom = on;
    return this;
  }

  public TufRepoBuilder consistentSnapshot(boolean on) {
    consistent = on;
    return this;
  }

  public TufRepoBuilder target(String path, byte[] bytes, JsonNode custom) {
    targets.put(path, new Target(bytes.clone(), custom));
    return this;
  }

  public TufRepoBuilder removeTarget(String path) {
    targets.remove(path);
    return this;
  }

  /** Bytes of the first root published: pin it as the appliance's initial root. */
  public byte[] initialRoot() {
    return firstRoot.clone();
  }

  /**
   * Publishes the next {@code N.root.json}, signed by the previous root's root keys (rotation: spec
   * 5.3.4 needs a threshold of the old and of the new keys) and the new root keys.
   */
  public byte[] publishRoot() {
    Set<Key> signers = new LinkedHashSet<>(previousRootKeys);
    signers.addAll(keys.get("root"));
    return publishRoot(List.copyOf(signers));
  }

  /** Publishes the next root signed by exactly {@code signers}. */
  public byte[] publishRoot(List<Key> signers) {
    int v = versions.merge("root", 1, Integer::sum);
    ObjectNode signed = M.createObjectNode();
    signed.put("_type", "root").put("spec_version", "1.0.31").put("version", v)
        .put("expires", expires.get("root").toString()).put("consistent_snapshot", consistent);
    ObjectNode k = signed.putObject("keys");
    ObjectNode roles = signed.putObject("roles");
    for (String r : ROLES) {
      ArrayNode ids = M.createArrayNode();
      for (Key key : keys.get(r)) {
        k.set(key.keyid, key.json.deepCopy());
        ids.add(key.keyid);
      }
      ObjectNode role = roles.putObject(r);
      role.set("keyids", ids);
      role.put("threshold", thresholds.get(r));
    }
    byte[] bytes = write(v + ".root.json", sign(signed, signers));
    if (firstRoot == null) {
      firstRoot = bytes;
    }
    previousRootKeys = List.copyOf(keys.get("root"));
    previousRootThreshold = thresholds.get("root");
    return bytes;
  }

  /** Publishes targets, snapshot and timestamp (each version + 1) and the target files. */
  public TufRepoBuilder publish() {
    publishTargets();
    publishSnapshot();
    publishTimestamp();
    return this;
  }

  public byte[] publishTargets() {
    int v = versions.merge("targets", 1, Integer::sum);
    ObjectNode signed = M.createObjectNode();
    signed.put("_type", "targets").put("spec_version", "1.0.31").put("version", v)
        .put("expires", expires.get("targets").toString());
    ObjectNode t = signed.putObject("targets");
    for (Map.Entry<String, Target> e : targets.entrySet()) {
      byte[] b = e.getValue().bytes();
      String sha256 = Hashing.sha256Hex(b);
      ObjectNode entry = t.putObject(e.getKey());
      entry.put("length", b.length);
      entry.putObject("hashes").put("sha256", sha256);
      if (e.getValue().custom() != null) {
        ObjectNode custom = (ObjectNode) e.getValue().custom().deepCopy();
        // sigstore-java 2.0.0 cannot parse a target whose custom lacks sigstore{status, usage}
        if (!custom.has("sigstore") && !rawCustom) {
          custom.putObject("sigstore").put("status", "Active").put("usage", "Unknown");
        }
        entry.set("custom", custom);
      }
      String path = e.getKey();
      int slash = path.lastIndexOf('/');
      String file = consistent ? path.substring(0, slash + 1) + sha256 + "." + path.substring(slash + 1) : path;
      writeFile(targetsDir.resolve(file), b);
    }
    return write(consistent ? v + ".targets.json" : "targets.json", sign(signed, keys.get("targets")));
  }

  public byte[] publishSnapshot() {
    int v = versions.merge("snapshot", 1, Integer::sum);
    ObjectNode signed = M.createObjectNode();
    signed.put("_type", "snapshot").put("spec_version", "1.0.31").put("version", v)
        .put("expires", expires.get("snapshot").toString());
    signed.putObject("meta").putObject("targets.json").put("version", versions.get("targets"));
    return write(consistent ? v + ".snapshot.json" : "snapshot.json", sign(signed, keys.get("snapshot")));
  }

  public byte[] publishTimestamp() {
    int v = versions.merge("timestamp", 1, Integer::sum);
    String snapFile = consistent ? versions.get("snapshot") + ".snapshot.json" : "snapshot.json";
    byte[] snap = read(snapFile);
    ObjectNode signed = M.createObjectNode();
    signed.put("_type", "timestamp").put("spec_version", "1.0.31").put("version", v)
        .put("expires", expires.get("timestamp").toString());
    signed.putObject("meta").putObject("snapshot.json").put("version", versions.get("snapshot"))
        .put("length", snap.length).putObject("hashes").put("sha256", Hashing.sha256Hex(snap));
    return write("timestamp.json", sign(signed, keys.get("timestamp")));
  }

  /** Signs {@code signed} with {@code signers} into a metadata envelope. */
  public static ObjectNode sign(ObjectNode signed, List<Key> signers) {
    byte[] canonical = CanonicalJson.encode(signed);
    ObjectNode env = M.createObjectNode();
    ArrayNode sigs = env.putArray("signatures");
    for (Key k : signers) {
      sigs.addObject().put("keyid", k.keyid).put("sig", k.sign(canonical));
    }
    env.set("signed", signed);
    return env;
  }

  private byte[] write(String name, JsonNode env) {
    try {
      byte[] b = M.writerWithDefaultPrettyPrinter().writeValueAsBytes(env);
      writeFile(metadata.resolve(name), b);
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public byte[] read(String name) {
    try {
      return Files.readAllBytes(metadata.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeFile(Path p, byte[] b) {
    try {
      Files.createDirectories(p.getParent());
      Files.write(p, b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces a metadata file by other bytes (tests of hostile media). */
  public void overwrite(String name, byte[] bytes) {
    writeFile(metadata.resolve(name), bytes);
  }

  int previousRootThreshold() {
    return previousRootThreshold;
  }
}
