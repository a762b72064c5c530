package dev.airlock.media;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.Digest;
import dev.airlock.oci.DockerArchiveEntry;
import dev.airlock.oci.Documents;
import dev.airlock.oci.ImageCandidate;
import dev.airlock.oci.ImageReference;
import dev.airlock.oci.MediaTypes;
import dev.airlock.oci.OciException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A legacy docker-archive (moby docker-image-spec v1.2 "Combined Image JSON + Filesystem
 * Changeset Format", written by {@code docker save} up to Docker 24): {@code manifest.json} lists
 * each image's config file and {@code <id>/layer.tar} files. There is no registry manifest in it,
 * so airlock synthesises a Docker schema 2 manifest over the files' digests; as FORMATS.md 1 warns,
 * registry signatures never bind such a manifest, so these images can only be admitted by
 * signatures made over this exact synthesised digest.
 */
public final class DockerArchive {
  private DockerArchive() {}

  static List<ImageCandidate> scan(ImageSource src, Limits limits) throws IOException {
    Path dir = src.dir().toRealPath();
    List<DockerArchiveEntry> entries = Documents.dockerManifest(
        ImageSource.readDocument(dir.resolve("manifest.json"), limits), src.name() + "/manifest.json");
    List<ImageCandidate> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      out.add(candidate(src, dir, entries.get(i), i, limits));
    }
    return out;
  }

  private static ImageCandidate candidate(ImageSource src, Path dir, DockerArchiveEntry e, int index,
      Limits limits) throws IOException {
    Map<Digest, Path> files = new LinkedHashMap<>();
    List<Descriptor> blobs = new ArrayList<>();
    List<ImageReference> refs = new ArrayList<>();
    for (String t : e.repoTags()) {
      if (ImageReference.isValid(t)) {
        refs.add(ImageReference.parse(t));
      }
    }
    String what = src.name() + "/manifest.json[" + index + "]";
    try {
      Path config = inside(dir, e.config(), what);
      Descriptor configDesc = Descriptor.of(MediaTypes.DOCKER_CONFIG, digestOf(config, limits, what), Files.size(config));
      files.put(configDesc.digest(), config);
      List<Descriptor> layers = new ArrayList<>();
      for (String l : e.layers()) {
        Path layer = inside(dir, l, what);
        String mt = isGzip(layer) ? MediaTypes.DOCKER_LAYER_GZIP : MediaTypes.DOCKER_LAYER_TAR;
        Descriptor d = Descriptor.of(mt, digestOf(layer, limits, what), Files.size(layer));
        files.put(d.digest(), layer);
        layers.add(d);
      }
      byte[] manifest = manifestBytes(configDesc, layers);
      Digest md = Digest.sha256(Hashing.sha256(manifest));
      Descriptor image = Descriptor.of(MediaTypes.DOCKER_MANIFEST, md, manifest.length);
      blobs.add(image);
      blobs.add(configDesc);
      blobs.addAll(layers);
      FileBlobSource source = new FileBlobSource(dir, src.name(), files, Map.of(md, manifest), src.staged());
      return new ImageCandidate(src.name(), image, refs, List.of(), blobs, List.of(), Optional.empty(), source);
    } catch (OciException ex) {
      // An unusable entry rejects this image only; the placeholder digest is of the entry text.
      byte[] id = (what + e).getBytes(StandardCharsets.UTF_8);
      Descriptor placeholder = Descriptor.of(MediaTypes.DOCKER_MANIFEST, Digest.sha256(Hashing.sha256(id)), 0);
      return new ImageCandidate(src.name(), placeholder, refs, List.of(), List.of(), List.of(),
          Optional.of(new ImageCandidate.Problem(ex.reason(), ex.getMessage())),
          new FileBlobSource(dir, src.name(), Map.of(), Map.of(), src.staged()));
    }
  }

  private static Path inside(Path dir, String rel, String what) {
    Path p = dir.resolve(rel).normalize();
    if (!p.startsWith(dir) || rel.startsWith("/")) {
      throw new OciException(Reason.LAYOUT_MALFORMED, what + ": path '" + rel + "' leaves the archive");
    }
    if (!Files.isRegularFile(p)) {
      throw new OciException(Reason.BLOB_MISSING, what + ": '" + rel + "' is missing");
    }
    return p;
  }

  private static boolean isGzip(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      byte[] h = in.readNBytes(2);
      return h.length == 2 && h[0] == 0x1f && h[1] == (byte) 0x8b;
    }
  }

  private static Digest digestOf(Path p, Limits limits, String what) throws IOException {
    if (Files.size(p) > limits.maxBlobBytes()) {
      throw new OciException(Reason.LIMIT_SIZE, what + ": " + p.getFileName() + " exceeds the blob limit");
    }
    MessageDigest md = Hashing.sha256();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(p)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return Digest.sha256(md.digest());
  }

  /**
   * Docker schema 2 manifest bytes (fixed key order, compact): the digest airlock records. Public so
   * that {@code pack} repacks a docker-archive into an OCI layout under the same manifest digest.
   */
  public static byte[] manifestBytes(Descriptor config, List<Descriptor> layers) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode m = f.objectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.DOCKER_MANIFEST);
    m.set("config", desc(config));
    ArrayNode a = m.putArray("layers");
    layers.forEach(l -> a.add(desc(l)));
    return dev.airlock.core.Json.write(m).getBytes(StandardCharsets.UTF_8);
  }

  private static ObjectNode desc(Descriptor d) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("mediaType", d.mediaType());
    n.put("size", d.size());
    n.put("digest", d.digest().toString());
    return n;
  }
}
