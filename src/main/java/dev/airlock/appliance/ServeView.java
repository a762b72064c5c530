package dev.airlock.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.core.TrustedTime;
import dev.airlock.db.Transaction;
import dev.airlock.oci.AttachedSignature;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.Digest;
import dev.airlock.oci.ImageReference;
import dev.airlock.store.BlobStore;
import dev.airlock.store.StoredImage;
import dev.airlock.trust.InstalledSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * What {@link Serving} derives from one state version of the home: the stored images indexed by
 * repository, the trusted-time high-water mark, readiness, and the decisions made so far under
 * this version. A new state version replaces the whole view; nothing in it outlives a change.
 */
final class ServeView {
  /** Manifests larger than this are not kept in memory (they are read from the store each time). */
  private static final int CACHED_MANIFEST_MAX = 1 << 20;

  final long version;
  final Instant highWater;
  final String policyDigest;
  /** The installed policy (null when none), for its key files' part of a decision's key. */
  final PolicyChoice policy;
  /** Why the appliance cannot serve (a reason code, a colon and a sentence), or null when ready. */
  final String notReady;
  final Instant trustExpires;
  final Map<String, Repo> repos;
  final ConcurrentHashMap<String, Serving.Outcome> decisions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ServeBackend.Manifest> manifests = new ConcurrentHashMap<>();

  /** One repository: its tags, the images stored under it and what each digest belongs to. */
  static final class Repo {
    final String name;
    final Map<String, StoredImage> tags = new HashMap<>();
    final Map<String, StoredImage> images = new HashMap<>();
    /** Manifest digest (image, platform manifest, signature carrier) → the image it is served with. */
    final Map<String, StoredImage> manifestOwner = new HashMap<>();
    /** cosign's {@code sha256-<hex>.sig|.att|.sbom} tag → the carrier manifest's digest. */
    final Map<String, String> cosignTags = new HashMap<>();
    /** Blob digest → every image of this repository that holds it. */
    final Map<String, List<StoredImage>> blobOwners = new HashMap<>();
    final Map<String, Long> blobSizes = new HashMap<>();
    final Map<String, String> mediaTypes = new HashMap<>();

    Repo(String name) {
      this.name = name;
    }

    void add(StoredImage s) {
      String digest = s.digest().toString();
      if (images.putIfAbsent(digest, s) != null) {
        return;
      }
      manifestOwner.put(digest, s);
      mediaTypes.put(digest, s.image().mediaType());
      for (Descriptor p : s.platforms()) {
        manifestOwner.putIfAbsent(p.digest().toString(), s);
        mediaTypes.putIfAbsent(p.digest().toString(), p.mediaType());
      }
      for (AttachedSignature a : s.signatures()) {
        manifestOwner.putIfAbsent(a.carrier().toString(), s);
        String suffix = switch (a.kind()) {
          case LEGACY_SIGNATURE -> ".sig";
          case LEGACY_ATTESTATION -> ".att";
          case LEGACY_SBOM -> ".sbom";
          case BUNDLE -> null;
        };
        if (suffix != null && a.subject().equals(s.digest())) {
          cosignTags.put("sha256-" + a.subject().hex() + suffix, a.carrier().toString());
        }
      }
      for (Descriptor b : s.blobs()) {
        String d = b.digest().toString();
        blobOwners.computeIfAbsent(d, k -> new ArrayList<>(1)).add(s);
        blobSizes.putIfAbsent(d, b.size());
        mediaTypes.putIfAbsent(d, b.mediaType());
      }
    }
  }

  private ServeView(long version, Instant highWater, PolicyChoice policy, String notReady, Instant trustExpires,
      Map<String, Repo> repos) {
    this.version = version;
    this.highWater = highWater;
    this.policy = policy;
    this.policyDigest = policy == null ? null : policy.digest();
    this.notReady = notReady;
    this.trustExpires = trustExpires;
    this.repos = repos;
  }

  /** Reads the view of state {@code version} in one read-only transaction. */
  static ServeView build(Transaction tx, long version, Clock clock) {
    Map<String, Repo> repos = new HashMap<>();
    for (StoredImage s : tx.images().list()) {
      for (String ref : s.references()) {
        ImageReference r;
        try {
          r = ImageReference.parse(ref);
        } catch (RuntimeException e) {
          continue; // normalised at import; an unparsable name addresses nothing
        }
        Repo repo = repos.computeIfAbsent(r.repository(), Repo::new);
        repo.add(s);
        r.tag().ifPresent(t -> repo.tags.put(t, s));
      }
    }
    Instant highWater = tx.trust().highestVerifiedTime().orElse(null);
    TrustedTime now = at(clock, highWater);
    PolicyChoice policy = PolicyChoice.installed(tx);
    String notReady = null;
    Instant expires = null;
    Optional<InstalledSnapshot> info = tx.trust().currentInfo();
    if (info.isPresent()) {
      InstalledSnapshot i = info.get();
      expires = Stream.of(i.tufRootExpires(), i.targetsExpires(), i.snapshotExpires(),
          i.expiredTimestampAccepted() ? null : i.timestampExpires())
          .filter(java.util.Objects::nonNull).min(Instant::compareTo).orElse(null);
    }
    try {
      TrustState.current(tx, now.now());
    } catch (AirlockException e) {
      notReady = e.reason().name() + ": " + e.getMessage();
    }
    if (notReady == null && policy == null) {
      notReady = Reason.POLICY_NOT_INSTALLED.name() + ": no policy is installed; run 'airlock policy set FILE'";
    }
    if (notReady == null && !tx.checkpoints().openAlarms().isEmpty()) {
      notReady = Reason.LOG_FORK_ALARM.name() + ": " + tx.checkpoints().openAlarms().size()
          + " open transparency-log alarm(s); see 'airlock checkpoint alarms'";
    }
    return new ServeView(version, highWater, policy, notReady, expires, repos);
  }

  /** The trusted now (DESIGN.md 3): the system clock, or the high-water mark of this version if later. */
  TrustedTime now(Clock clock) {
    return at(clock, highWater);
  }

  private static TrustedTime at(Clock clock, Instant highWater) {
    Instant system = clock.instant();
    if (highWater != null && highWater.isAfter(system)) {
      return new TrustedTime(highWater, system, true);
    }
    return new TrustedTime(system, system, false);
  }

  /**
   * The repository a request addresses, in either name form of DESIGN.md 9, normalised as {@code
   * verify} normalises it; null if nothing is stored under it.
   *
   * @throws AirlockException USAGE when the name is no repository name
   */
  Repo repo(String name, String ns) {
    String full = ns == null || ns.isEmpty() ? name : ns + "/" + name;
    ImageReference r;
    try {
      r = ImageReference.parse(full);
    } catch (RuntimeException e) {
      throw AirlockException.usage("'" + full + "' is not a repository name");
    }
    if (r.tag().isPresent() || r.digest().isPresent()) {
      throw AirlockException.usage("'" + full + "' is not a repository name");
    }
    return repos.get(r.repository());
  }

  /** The exact bytes of a stored manifest with its media type. */
  ServeBackend.Manifest manifest(BlobStore blobs, String digest, Repo repo) throws IOException {
    ServeBackend.Manifest m = manifests.get(digest);
    if (m != null) {
      return m;
    }
    byte[] bytes;
    try (InputStream in = blobs.open(Digest.parse(digest))) {
      bytes = in.readAllBytes();
    }
    String mediaType = null;
    try {
      JsonNode n = Json.parse(bytes, digest);
      mediaType = n.path("mediaType").asText(null);
      if (mediaType == null) {
        mediaType = n.has("manifests") ? "application/vnd.oci.image.index.v1+json"
            : "application/vnd.oci.image.manifest.v1+json";
      }
    } catch (RuntimeException e) {
      // stored bytes are served as they are; the descriptor names the type
    }
    if (mediaType == null) {
      mediaType = repo.mediaTypes.getOrDefault(digest, "application/vnd.oci.image.manifest.v1+json");
    }
    m = new ServeBackend.Manifest(bytes, mediaType, digest);
    if (bytes.length <= CACHED_MANIFEST_MAX) {
      manifests.put(digest, m);
    }
    return m;
  }

  /** The referrers-API descriptor of a referrer manifest: media type, digest, size, artifact type, annotations. */
  ObjectNode referrerDescriptor(BlobStore blobs, Digest carrier, Repo repo) {
    ServeBackend.Manifest m;
    JsonNode n;
    try {
      m = manifest(blobs, carrier.toString(), repo);
      n = Json.parse(m.bytes(), carrier.toString());
    } catch (IOException | RuntimeException e) {
      return null; // a carrier that cannot be read is not listed
    }
    ObjectNode d = JsonNodeFactory.instance.objectNode();
    d.put("mediaType", m.mediaType());
    d.put("digest", carrier.toString());
    d.put("size", m.bytes().length);
    String artifactType = n.path("artifactType").asText(null);
    if (artifactType == null) {
      artifactType = n.path("config").path("mediaType").asText(null);
    }
    if (artifactType != null) {
      d.put("artifactType", artifactType);
    }
    if (n.path("annotations").isObject() && n.path("annotations").size() > 0) {
      d.set("annotations", n.path("annotations").deepCopy());
    }
    return d;
  }
}
