package dev.airlock.lab.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.Json;
import dev.airlock.crypto.Hashing;
import dev.airlock.oci.Annotations;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.Digest;
import dev.airlock.oci.MediaTypes;
import dev.airlock.oci.Platform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Writes OCI image layouts the way cosign, skopeo and docker do (test lab): images with random
 * small layers, multi-platform indexes, cosign's legacy {@code .sig}/{@code .att}/{@code .sbom}
 * manifests with cosign's annotations, and cosign v3 referrer bundle manifests, listed in
 * index.json or loose. Signature bytes are dummies: this lab proves discovery and storage, the
 * verification lab makes real ones.
 */
public final class OciLayoutWriter {
  public static final JsonNodeFactory F = JsonNodeFactory.instance;
  private final Path dir;
  private final Random random;
  private final List<ObjectNode> indexEntries = new ArrayList<>();

  public OciLayoutWriter(Path dir, long seed) {
    this.dir = dir;
    this.random = new Random(seed);
    try {
      Files.createDirectories(dir.resolve("blobs/sha256"));
      Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path dir() {
    return dir;
  }

  public Path blobPath(Digest d) {
    return dir.resolve("blobs/sha256").resolve(d.hex());
  }

  /** Writes a blob and returns its descriptor. */
  public Descriptor blob(byte[] bytes, String mediaType) {
    Digest d = Digest.sha256(Hashing.sha256(bytes));
    try {
      Files.write(blobPath(d), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Descriptor.of(mediaType, d, bytes.length);
  }

  public byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  public static ObjectNode desc(Descriptor d) {
    ObjectNode n = F.objectNode();
    n.put("mediaType", d.mediaType());
    n.put("digest", d.digest().toString());
    n.put("size", d.size());
    if (!d.annotations().isEmpty()) {
      ObjectNode a = n.putObject("annotations");
      d.annotations().forEach(a::put);
    }
    d.platform().ifPresent(p -> {
      ObjectNode pn = n.putObject("platform");
      pn.put("architecture", p.architecture());
      pn.put("os", p.os());
      if (p.variant() != null) {
        pn.put("variant", p.variant());
      }
    });
    d.artifactType().ifPresent(t -> n.put("artifactType", t));
    return n;
  }

  public static byte[] bytes(ObjectNode n) {
    return Json.write(n).getBytes(StandardCharsets.UTF_8);
  }

  /** An image manifest with a config and {@code layers} random layers of {@code layerSize} bytes. */
  public Descriptor image(int layers, int layerSize) {
    List<Descriptor> ls = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      ls.add(blob(randomBytes(layerSize), MediaTypes.OCI_LAYER_GZIP));
    }
    ObjectNode config = F.objectNode();
    config.put("architecture", "amd64");
    config.put("os", "linux");
    // one diff_id per layer, as readers (skopeo's docker-archive) check the counts agree
    ArrayNode diffIds = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
    ls.forEach(l -> diffIds.add(l.digest().toString()));
    config.put("created", "2026-11-01T00:00:00Z");
    config.put("nonce", random.nextLong());
    Descriptor c = blob(bytes(config), MediaTypes.OCI_CONFIG);
    return manifest(c, ls, null, Map.of(), null, MediaTypes.OCI_MANIFEST);
  }

  /**
   * An image manifest whose layers are real gzip-compressed tar streams (one file of
   * {@code fileSize} random bytes each) and whose config lists their true uncompressed digests as
   * {@code rootfs.diff_ids}, so that {@code import --check-layers} accepts it.
   */
  public Descriptor runnableImage(int layers, int fileSize) {
    List<Descriptor> ls = new ArrayList<>();
    ObjectNode config = F.objectNode();
    config.put("architecture", "amd64");
    config.put("os", "linux");
    ArrayNode diffIds = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
    for (int i = 0; i < layers; i++) {
      byte[] tar = tarOneFile("opt/app/part" + i + ".bin", randomBytes(fileSize));
      diffIds.add("sha256:" + dev.airlock.crypto.Hashing.sha256Hex(tar));
      ls.add(blob(gzip(tar), MediaTypes.OCI_LAYER_GZIP));
    }
    config.put("created", "2026-11-01T00:00:00Z");
    config.put("nonce", random.nextLong());
    Descriptor c = blob(bytes(config), MediaTypes.OCI_CONFIG);
    return manifest(c, ls, null, Map.of(), null, MediaTypes.OCI_MANIFEST);
  }

  private static byte[] tarOneFile(String name, byte[] content) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar =
        new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out)) {
      org.apache.commons.compress.archivers.tar.TarArchiveEntry e =
          new org.apache.commons.compress.archivers.tar.TarArchiveEntry(name);
      e.setSize(content.length);
      e.setModTime(0);
      tar.putArchiveEntry(e);
      tar.write(content);
      tar.closeArchiveEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] b) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes a manifest document. */
  public Descriptor manifest(Descriptor config, List<Descriptor> layers, Descriptor subject,
      Map<String, String> annotations, String artifactType, String mediaType) {
    ObjectNode m = F.objectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", mediaType);
    if (artifactType != null) {
      m.put("artifactType", artifactType);
    }
    m.set("config", desc(config));
    ArrayNode a = m.putArray("layers");
    layers.forEach(l -> a.add(desc(l)));
    if (subject != null) {
      m.set("subject", desc(Descriptor.of(subject.mediaType(), subject.digest(), subject.size())));
    }
    if (!annotations.isEmpty()) {
      ObjectNode an = m.putObject("annotations");
      annotations.forEach(an::put);
    }
    return blob(bytes(m), mediaType);
  }

  /** A multi-platform index over the given manifests and platforms. */
  public Descriptor index(List<Descriptor> manifests, List<Platform> platforms) {
    ObjectNode i = F.objectNode();
    i.put("schemaVersion", 2);
    i.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode a = i.putArray("manifests");
    for (int k = 0; k < manifests.size(); k++) {
      Descriptor m = manifests.get(k);
      a.add(desc(new Descriptor(m.mediaType(), m.digest(), m.size(), Map.of(),
          Optional.of(platforms.get(k)), Optional.empty())));
    }
    return blob(bytes(i), MediaTypes.OCI_INDEX);
  }

  /** A cosign legacy attachment manifest ({@code .sig}, {@code .att} or {@code .sbom}) for a subject. */
  public Descriptor legacyAttachment(Descriptor subject, String suffix) {
    Descriptor layer;
    Map<String, String> ann = new LinkedHashMap<>();
    switch (suffix) {
      case "sig" -> {
        String payload = "{\"critical\":{\"identity\":{\"docker-reference\":\"reg.example/app\"},"
            + "\"image\":{\"docker-manifest-digest\":\"" + subject.digest() + "\"},"
            + "\"type\":\"cosign container image signature\"},\"optional\":null}";
        ann.put("dev.cosignproject.cosign/signature", Base64.getEncoder().encodeToString(randomBytes(70)));
        ann.put("dev.sigstore.cosign/certificate", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        ann.put("dev.sigstore.cosign/chain", "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n");
        ann.put("dev.sigstore.cosign/bundle", "{\"SignedEntryTimestamp\":\"MEUC\",\"Payload\":{}}");
        layer = withAnnotations(blob(payload.getBytes(StandardCharsets.UTF_8), MediaTypes.COSIGN_SIMPLE_SIGNING), ann);
      }
      case "att" -> {
        String env = "{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"e30=\",\"signatures\":[{\"sig\":\"MEU=\"}]}";
        ann.put("dev.cosignproject.cosign/signature", "");
        ann.put("predicateType", "https://slsa.dev/provenance/v1");
        layer = withAnnotations(blob(env.getBytes(StandardCharsets.UTF_8), MediaTypes.DSSE_ENVELOPE), ann);
      }
      default -> layer = blob("{\"spdxVersion\":\"SPDX-2.3\"}".getBytes(StandardCharsets.UTF_8), "text/spdx+json");
    }
    Descriptor config = blob(("{\"nonce\":" + random.nextLong() + "}").getBytes(StandardCharsets.UTF_8),
        MediaTypes.OCI_CONFIG);
    return manifest(config, List.of(layer), null, Map.of(), null, MediaTypes.OCI_MANIFEST);
  }

  private static Descriptor withAnnotations(Descriptor d, Map<String, String> ann) {
    return new Descriptor(d.mediaType(), d.digest(), d.size(), ann, Optional.empty(), Optional.empty());
  }

  /** A cosign v3 referrer: a manifest whose subject is the image and whose layer is a bundle. */
  public Descriptor referrerBundle(Descriptor subject, String predicateType) {
    String bundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";
    byte[] bundle = ("{\"mediaType\":\"" + bundleType + "\",\"verificationMaterial\":{},"
        + "\"dsseEnvelope\":{\"payload\":\"e30=\",\"payloadType\":\"application/vnd.in-toto+json\","
        + "\"signatures\":[{\"sig\":\"" + Base64.getEncoder().encodeToString(randomBytes(64)) + "\"}]}}")
        .getBytes(StandardCharsets.UTF_8);
    Descriptor layer = blob(bundle, bundleType);
    Descriptor empty = blob("{}".getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_EMPTY);
    Map<String, String> ann = new LinkedHashMap<>();
    ann.put(Annotations.BUNDLE_CONTENT, "dsse-envelope");
    ann.put(Annotations.BUNDLE_PREDICATE_TYPE, predicateType);
    ann.put("org.opencontainers.image.created", "2026-11-01T00:00:00Z");
    return manifest(empty, List.of(layer), subject, ann, bundleType, MediaTypes.OCI_MANIFEST);
  }

  /** Lists a descriptor in index.json with these annotations. */
  public OciLayoutWriter list(Descriptor d, Map<String, String> annotations) {
    indexEntries.add(desc(new Descriptor(d.mediaType(), d.digest(), d.size(), annotations, Optional.empty(),
        Optional.empty())));
    return this;
  }

  /** Writes index.json. */
  public void writeIndex() {
    ObjectNode i = F.objectNode();
    i.put("schemaVersion", 2);
    i.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode a = i.putArray("manifests");
    indexEntries.forEach(a::add);
    try {
      Files.write(dir.resolve("index.json"), bytes(i));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The legacy cosign tag of a subject, e.g. {@code sha256-<hex>.sig}. */
  public static String legacyTag(Descriptor subject, String suffix) {
    return "sha256-" + subject.digest().hex() + "." + suffix;
  }
}
