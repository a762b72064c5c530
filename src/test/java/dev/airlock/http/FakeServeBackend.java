package dev.airlock.http;

import dev.airlock.appliance.ServeBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one fake {@link ServeBackend} of the serve tests: a store of one admitted image (two
 * manifests, a config and a 300 KiB layer, eight tags, two referrers), one denied repository, one
 * repository the appliance cannot decide, and one whose backend call throws. It decides by name
 * only and records every call, so that a test can check what reached the backend.
 *
 * <p>The tests that use it assert only the HTTP contract (DESIGN.md section 9, distribution-spec
 * v1.1); the content here ({@link #ADMITTED}, {@link #configDigest}, ...) is what a test would have
 * to publish and import to point them at the real backend.
 */
public final class FakeServeBackend implements ServeBackend {
  /** Admitted now: its manifests, blobs, tags and referrers are served. */
  public static final String ADMITTED = "vendor.example/radiology/segmenter";
  /** Stored, but denied by the policy: manifests 403 DENIED with {@link #DENY_REASONS}. */
  public static final String DENIED = "vendor.example/radiology/unsigned";
  /** The appliance cannot decide (expired trust): 503 DENIED with {@link #CANNOT_DECIDE_REASON}. */
  public static final String UNDECIDABLE = "vendor.example/radiology/expired";
  /** The backend throws: the edge answers 500 without the exception. */
  public static final String BROKEN = "vendor.example/radiology/broken";
  public static final List<String> DENY_REASONS = List.of("THRESHOLD_NOT_MET", "NO_SIGNATURES");
  public static final String CANNOT_DECIDE_REASON = "TUF_EXPIRED";
  public static final String ARTIFACT_SBOM = "application/spdx+json";
  public static final String ARTIFACT_SIG = "application/vnd.dev.cosign.artifact.sig.v1+json";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  public final Path dir;
  public final byte[] config;
  public final byte[] config2;
  public final byte[] layer;
  public final String configDigest;
  public final String config2Digest;
  public final String layerDigest;
  /** manifests[0] (tagged v1, latest, ...) and manifests[1] (tagged v2), as the conformance suite has two. */
  public final List<Manifest> manifests = new ArrayList<>();
  /** Tag → manifest index, sorted. */
  public final Map<String, Integer> tags = new TreeMap<>();
  /** A blob that exists in no admitted image. */
  public final String unknownDigest = sha256("hello world".getBytes(StandardCharsets.UTF_8));

  public volatile Readiness readiness = new Readiness(true, null, Optional.of(Instant.parse("2027-06-01T00:00:00Z")));
  /** Every call, as {@code method(args)} strings, in order. */
  public final List<String> calls = new CopyOnWriteArrayList<>();
  /** How long {@link #manifest} takes (a slow store), for the graceful-stop test. */
  public volatile long manifestDelayMillis;
  public volatile Client lastClient;
  public volatile List<String> lastAdmissionImages;
  public volatile String lastAdmissionSubject;
  public volatile String lastAdmissionUid;

  public FakeServeBackend(Path dir) {
    this.dir = dir;
    config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
        .getBytes(StandardCharsets.UTF_8);
    config2 = "{\"architecture\":\"arm64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
        .getBytes(StandardCharsets.UTF_8);
    layer = new byte[300 * 1024 + 17];
    new Random(20261206L).nextBytes(layer);
    configDigest = store(config);
    config2Digest = store(config2);
    layerDigest = store(layer);
    manifests.add(manifest(config, configDigest));
    manifests.add(manifest(config2, config2Digest));
    for (String t : List.of("v1", "latest", "1.0", "1.0.1", "a", "b", "c")) {
      tags.put(t, 0);
    }
    tags.put("v2", 1);
  }

  private Manifest manifest(byte[] cfg, String cfgDigest) {
    String json = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
        + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + cfgDigest + "\",\"size\":" + cfg.length
        + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + layerDigest
        + "\",\"size\":" + layer.length + "}]}";
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return new Manifest(b, OCI_MANIFEST, sha256(b));
  }

  private String store(byte[] b) {
    String d = sha256(b);
    try {
      Files.write(dir.resolve(d.substring("sha256:".length())), b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return d;
  }

  public static String sha256(byte[] b) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Both name forms of DESIGN.md 9 address one image: {@code host/repo} and {@code repo?ns=host}. */
  static String full(String name, String ns) {
    return ns == null ? name : ns + "/" + name;
  }

  private <T> Optional<Answer<T>> gate(String name, String ns) {
    String full = full(name, ns);
    if (full.equals(BROKEN)) {
      throw new IllegalStateException("store unreadable: java.io.IOException at dev.airlock.store.Secret");
    }
    if (full.equals(DENIED)) {
      return Optional.of(new Answer.Refused<>(ErrorCode.DENIED, "denied by the installed policy", DENY_REASONS));
    }
    if (full.equals(UNDECIDABLE)) {
      return Optional.of(new Answer.CannotDecide<>(CANNOT_DECIDE_REASON, "the installed TUF timestamp expired"));
    }
    if (!full.equals(ADMITTED)) {
      return Optional.of(new Answer.Refused<>(ErrorCode.NAME_UNKNOWN, "repository not known", List.of()));
    }
    return Optional.empty();
  }

  @Override
  public Answer<Manifest> manifest(String name, String ns, String reference, Client client) {
    calls.add("manifest(" + name + "," + ns + "," + reference + ")");
    lastClient = client;
    if (manifestDelayMillis > 0) {
      try {
        Thread.sleep(manifestDelayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Optional<Answer<Manifest>> g = gate(name, ns);
    if (g.isPresent()) {
      return g.get();
    }
    for (Manifest m : manifests) {
      if (m.digest().equals(reference)) {
        return new Answer.Found<>(m);
      }
    }
    Integer i = tags.get(reference);
    if (i != null) {
      return new Answer.Found<>(manifests.get(i));
    }
    return new Answer.Refused<>(ErrorCode.MANIFEST_UNKNOWN, "manifest unknown", List.of());
  }

  @Override
  public Answer<Blob> blob(String name, String ns, String digest) {
    calls.add("blob(" + name + "," + ns + "," + digest + ")");
    Optional<Answer<Blob>> g = gate(name, ns);
    if (g.isPresent()) {
      return g.get();
    }
    Path f = dir.resolve(digest.substring("sha256:".length()));
    if (!Files.isRegularFile(f)) {
      return new Answer.Refused<>(ErrorCode.BLOB_UNKNOWN, "blob unknown", List.of());
    }
    try {
      return new Answer.Found<>(new Blob(f, Files.size(f), digest));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Answer<Tags> tags(String name, String ns) {
    calls.add("tags(" + name + "," + ns + ")");
    Optional<Answer<Tags>> g = gate(name, ns);
    return g.orElseGet(() -> new Answer.Found<>(new Tags(name, List.copyOf(tags.keySet()))));
  }

  @Override
  public Answer<Manifest> referrers(String name, String ns, String digest, String artifactType) {
    calls.add("referrers(" + name + "," + ns + "," + digest + "," + artifactType + ")");
    Optional<Answer<Manifest>> g = gate(name, ns);
    if (g.isPresent()) {
      return g.get();
    }
    StringBuilder b = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
        + "\"manifests\":[");
    int n = 0;
    if (digest.equals(manifests.get(0).digest())) {
      for (String type : List.of(ARTIFACT_SBOM, ARTIFACT_SIG)) {
        if (artifactType == null || artifactType.equals(type)) {
          b.append(n++ > 0 ? "," : "").append("{\"mediaType\":\"").append(OCI_MANIFEST).append("\",\"digest\":\"")
              .append(sha256(type.getBytes(StandardCharsets.UTF_8))).append("\",\"size\":100,\"artifactType\":\"")
              .append(type).append("\"}");
        }
      }
    }
    byte[] bytes = b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    return new Answer.Found<>(new Manifest(bytes, "application/vnd.oci.image.index.v1+json", sha256(bytes)));
  }

  @Override
  public VerifyAnswer verify(String image, Client client) {
    calls.add("verify(" + image + ")");
    lastClient = client;
    if (image.startsWith(BROKEN)) {
      throw new IllegalStateException("audit log unwritable: java.sql.SQLException");
    }
    if (!image.matches("[a-z0-9./:@_-]+")) {
      return new VerifyAnswer(400, "{\"error\":\"malformed image reference\",\"reason\":\"REFERENCE_INVALID\"}",
          List.of("REFERENCE_INVALID"));
    }
    if (image.startsWith(DENIED)) {
      return new VerifyAnswer(403, verdict(image, "deny", DENY_REASONS), DENY_REASONS);
    }
    if (image.startsWith(UNDECIDABLE)) {
      return new VerifyAnswer(503, "{\"error\":\"the installed TUF timestamp expired\",\"reason\":\""
          + CANNOT_DECIDE_REASON + "\"}", List.of(CANNOT_DECIDE_REASON));
    }
    return new VerifyAnswer(200, verdict(image, "admit", List.of()), List.of());
  }

  private String verdict(String image, String decision, List<String> reasons) {
    return "{\"mediaType\":\"application/vnd.airlock.verdict.v1+json\",\"subject\":{\"reference\":\"" + image
        + "\",\"digest\":\"" + manifests.get(0).digest() + "\"},\"decision\":\"" + decision + "\",\"reasons\":["
        + String.join(",", reasons.stream().map(r -> "\"" + r + "\"").toList()) + "]}";
  }

  @Override
  public List<ImageDecision> admission(List<String> images, String subject, String uid, Client client) {
    calls.add("admission(" + images + "," + subject + "," + uid + ")");
    lastClient = client;
    lastAdmissionImages = List.copyOf(images);
    lastAdmissionSubject = subject;
    lastAdmissionUid = uid;
    List<ImageDecision> out = new ArrayList<>();
    for (String image : images) {
      if (image.startsWith(DENIED)) {
        out.add(new ImageDecision(image, manifests.get(1).digest(), false, DENY_REASONS, "denied by the installed policy"));
      } else if (image.startsWith(UNDECIDABLE)) {
        out.add(new ImageDecision(image, null, false, List.of(CANNOT_DECIDE_REASON),
            "cannot decide: the installed TUF timestamp expired"));
      } else if (image.startsWith(ADMITTED)) {
        out.add(new ImageDecision(image, manifests.get(0).digest(), true, List.of(), "admitted"));
      } else {
        out.add(new ImageDecision(image, null, false, List.of("IMAGE_NOT_STORED"), "not in the appliance's store"));
      }
    }
    return out;
  }

  @Override
  public Readiness readiness() {
    return readiness;
  }

  /** The calls whose text starts with {@code prefix}. */
  public List<String> calls(String prefix) {
    return calls.stream().filter(c -> c.startsWith(prefix)).toList();
  }

  /** Tag → manifest digest, for tests that check what a tag serves. */
  public Map<String, String> tagDigests() {
    Map<String, String> out = new LinkedHashMap<>();
    tags.forEach((t, i) -> out.put(t, manifests.get(i).digest()));
    return out;
  }
}
