package dev.airlock.store;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.oci.Annotations;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.Digest;
import dev.airlock.oci.ImageIndex;
import dev.airlock.oci.ImageReference;
import dev.airlock.oci.Manifest;
import dev.airlock.oci.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a stored image as an OCI layout tarball (oci-archive: {@code skopeo copy oci-archive:})
 * or as a docker-archive ({@code docker load}, {@code podman load}). The docker-archive is the
 * Docker 25 hybrid: a valid OCI layout plus {@code manifest.json}, so both readers accept it.
 * Every blob is streamed from the store through its digest again while it is written; a blob that
 * changed in the store aborts the export. The archive is written to a temporary file beside the
 * output and only renamed into place by {@link #commit}.
 *
 * <p>index.json lists the image only (one entry, as {@code skopeo copy oci-archive:FILE} without
 * a reference requires); attached signature manifests and their layers are written as loose blobs,
 * where airlock and cosign (v3.0.3+) find referrers.
 */
public final class ImageExporter {
  /** Output formats. */
  public enum Format { OCI, DOCKER_ARCHIVE }

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ImageExporter() {}

  /**
   * Writes the archive to a temporary file beside {@code output} and returns it.
   *
   * @throws AirlockException IMAGE_NOT_ADMITTED if the stored decision is not admit; blob errors
   */
  public static Path prepare(BlobStore store, StoredImage image, Path output, Format format, Limits limits)
      throws IOException {
    if (!image.admitted()) {
      throw AirlockException.denied(Reason.IMAGE_NOT_ADMITTED, image.digest() + ": decision is "
          + image.decision().orElse("none") + "; only admitted images are exported");
    }
    return write(store, image, output, format, limits);
  }

  /**
   * Writes an image the appliance's decision function released under exactly {@code names} (the
   * reference that was asked for and admitted; none for a bare digest): no other stored name of
   * the digest goes into the archive (DESIGN.md 6b "Names are decided, not inherited").
   */
  public static Path prepareReleased(BlobStore store, StoredImage image, List<String> names, Path output,
      Format format, Limits limits) throws IOException {
    StoredImage named = new StoredImage(image.image(), names, image.platforms(), image.blobs(), image.signatures(),
        image.source(), image.importedAt(), image.decision(), image.reasons(), image.verdictJson(), image.decidedAt());
    return write(store, named, output, format, limits);
  }

  private static Path write(BlobStore store, StoredImage image, Path output, Format format, Limits limits)
      throws IOException {
    Path parent = output.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = parent.resolve("." + output.getFileName() + "." + UUID.randomUUID() + ".tmp");
    boolean ok = false;
    try (OutputStream o = Files.newOutputStream(temp);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(o, "UTF-8")) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      file(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
      file(tar, "index.json", indexJson(image));
      if (format == Format.DOCKER_ARCHIVE) {
        file(tar, "manifest.json", dockerManifest(store, image, limits));
      }
      dir(tar, "blobs/");
      dir(tar, "blobs/sha256/");
      Map<Digest, Descriptor> unique = new LinkedHashMap<>();
      for (Descriptor d : image.blobs()) {
        unique.putIfAbsent(d.digest(), d);
      }
      for (Descriptor d : unique.values()) {
        TarArchiveEntry e = new TarArchiveEntry("blobs/sha256/" + d.digest().hex());
        e.setSize(d.size());
        e.setModTime(0);
        tar.putArchiveEntry(e);
        try (InputStream in = store.open(d.digest())) {
          long n = in.transferTo(tar);
          if (n != d.size()) {
            throw new BlobException(Reason.BLOB_SIZE_MISMATCH, store.path(d.digest()) + ": expected "
                + d.size() + " bytes, got " + n);
          }
        } catch (java.nio.file.NoSuchFileException ex) {
          throw new BlobException(Reason.BLOB_MISSING, ex.getMessage() + ": blob missing from the store");
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
      ok = true;
    } finally {
      if (!ok) {
        Files.deleteIfExists(temp);
      }
    }
    return temp;
  }

  /** Renames the prepared archive onto {@code output} (atomically where the file system can). */
  public static void commit(Path temp, Path output) throws IOException {
    try {
      Files.move(temp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, output, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void file(TarArchiveOutputStream tar, String name, byte[] b) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(b.length);
    e.setModTime(0);
    tar.putArchiveEntry(e);
    tar.write(b);
    tar.closeArchiveEntry();
  }

  private static void dir(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setModTime(0);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  private static byte[] indexJson(StoredImage image) {
    ObjectNode i = F.objectNode();
    i.put("schemaVersion", 2);
    i.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode a = i.putArray("manifests");
    ObjectNode d = a.addObject();
    d.put("mediaType", image.image().mediaType());
    d.put("digest", image.digest().toString());
    d.put("size", image.image().size());
    ImageReference ref = firstTagged(image);
    if (ref != null) {
      ObjectNode an = d.putObject("annotations");
      an.put(Annotations.CONTAINERD_IMAGE_NAME, ref.toString());
      an.put(Annotations.REF_NAME, ref.tag().orElseThrow());
    }
    return Json.write(i).getBytes(StandardCharsets.UTF_8);
  }

  private static ImageReference firstTagged(StoredImage image) {
    for (String r : image.references()) {
      ImageReference ref = ImageReference.parse(r);
      if (ref.tag().isPresent() && ref.digest().isEmpty()) {
        return ref;
      }
    }
    return null;
  }

  /** docker-archive manifest.json for one platform (linux/amd64 preferred, else the first present). */
  private static byte[] dockerManifest(BlobStore store, StoredImage image, Limits limits) throws IOException {
    Descriptor top = image.image();
    if (MediaTypes.isIndex(top.mediaType())) {
      ImageIndex idx = ImageIndex.parse(read(store, top.digest(), limits), top.mediaType(), top.digest().toString());
      Descriptor chosen = null;
      for (Descriptor c : idx.manifests()) {
        if (!MediaTypes.isManifest(c.mediaType()) || !store.has(c.digest())) {
          continue;
        }
        boolean amd64 = c.platform().map(p -> p.os().equals("linux") && p.architecture().equals("amd64")).orElse(false);
        if (chosen == null || amd64) {
          chosen = c;
          if (amd64) {
            break;
          }
        }
      }
      if (chosen == null) {
        throw AirlockException.denied(Reason.MANIFEST_MALFORMED,
            image.digest() + ": no platform manifest in the store to write as a docker-archive");
      }
      top = chosen;
    }
    Manifest m = Manifest.parse(read(store, top.digest(), limits), top.mediaType(), top.digest().toString());
    ObjectNode e = F.objectNode();
    e.put("Config", "blobs/sha256/" + m.config().digest().hex());
    ArrayNode tags = e.putArray("RepoTags");
    List<String> seen = new ArrayList<>();
    for (String r : image.references()) {
      ImageReference ref = ImageReference.parse(r);
      if (ref.tag().isPresent() && ref.digest().isEmpty() && !seen.contains(ref.toString())) {
        seen.add(ref.toString());
        tags.add(ref.toString());
      }
    }
    ArrayNode layers = e.putArray("Layers");
    m.layers().forEach(l -> layers.add("blobs/sha256/" + l.digest().hex()));
    ArrayNode all = F.arrayNode();
    all.add(e);
    return Json.write(all).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] read(BlobStore store, Digest d, Limits limits) throws IOException {
    try (InputStream in = store.open(d)) {
      byte[] b = in.readNBytes((int) limits.maxJsonBytes() + 1);
      if (b.length > limits.maxJsonBytes()) {
        throw AirlockException.denied(Reason.LIMIT_SIZE, d + ": manifest over the JSON limit");
      }
      in.transferTo(OutputStream.nullOutputStream()); // reach EOF: the store verifies the digest
      return b;
    }
  }
}
