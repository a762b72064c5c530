package dev.airlock.media;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.oci.Digest;
import dev.airlock.oci.Documents;
import dev.airlock.oci.ImageCandidate;
import dev.airlock.oci.ImageIndex;
import dev.airlock.oci.LayoutScanner;
import dev.airlock.oci.OciException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One image folder of a medium: an OCI image layout (also the Docker >= 25 hybrid, which is a
 * layout plus {@code manifest.json}) or a legacy docker-archive, already unpacked if it came as a
 * tarball.
 *
 * @param name the place on the medium, for messages (e.g. {@code images/app.tar})
 * @param folderName the folder or archive name under {@code images/} without extension: the
 *     fallback repository name (DESIGN.md 6a), or null
 * @param staged whether {@code dir} is an archive unpacked into the home's staging area (airlock's
 *     own files), not a folder read in place
 */
public record ImageSource(String name, String folderName, Path dir, Format format, boolean staged) {
  /** A folder read in place on a medium. */
  public ImageSource(String name, String folderName, Path dir, Format format) {
    this(name, folderName, dir, format, false);
  }

  /** Kind of image folder. */
  public enum Format { OCI_LAYOUT, DOCKER_ARCHIVE }

  public ImageSource {
    Objects.requireNonNull(name);
    Objects.requireNonNull(dir);
    Objects.requireNonNull(format);
  }

  /** What a folder holds, or null if it is no image folder. */
  static Format detect(Path dir) {
    if (Files.isRegularFile(dir.resolve("oci-layout"))) {
      return Format.OCI_LAYOUT;
    }
    if (Files.isRegularFile(dir.resolve("manifest.json"))) {
      return Format.DOCKER_ARCHIVE;
    }
    return null;
  }

  /**
   * Reads the folder's images and the signatures attached to them. A malformed image becomes a
   * candidate with a problem; a folder whose entry point is unreadable throws.
   *
   * @throws OciException LAYOUT_MALFORMED when oci-layout, index.json or manifest.json is unusable
   */
  public List<ImageCandidate> scan(Limits limits) throws IOException {
    if (format == Format.DOCKER_ARCHIVE) {
      return DockerArchive.scan(this, limits);
    }
    Documents.layoutVersion(readDocument(dir.resolve("oci-layout"), limits), name + "/oci-layout");
    ImageIndex index;
    try {
      index = ImageIndex.parse(readDocument(dir.resolve("index.json"), limits), null, name + "/index.json");
    } catch (OciException e) {
      throw new OciException(Reason.LAYOUT_MALFORMED, e.getMessage());
    }
    Map<Digest, List<String>> repoTags = new HashMap<>();
    if (Files.isRegularFile(dir.resolve("manifest.json"))) {
      // Docker >= 25 hybrid: RepoTags name the config (and, via it, the manifest) of each entry.
      try {
        for (var e : Documents.dockerManifest(readDocument(dir.resolve("manifest.json"), limits),
            name + "/manifest.json")) {
          String c = e.config();
          if (c.startsWith("blobs/sha256/")) {
            repoTags.put(Digest.of("sha256", c.substring("blobs/sha256/".length())), e.repoTags());
          }
        }
      } catch (AirlockException | IllegalArgumentException e) {
        // the OCI index is authoritative; an odd manifest.json only loses tag names
      }
    }
    FileBlobSource blobs = new FileBlobSource(dir, name, Map.of(), Map.of(), staged);
    return new LayoutScanner(name, folderName, blobs, limits, repoTags).scan(index);
  }

  static byte[] readDocument(Path p, Limits limits) throws IOException {
    if (!Files.isRegularFile(p)) {
      throw new OciException(Reason.LAYOUT_MALFORMED, p.getFileName() + ": missing");
    }
    long size = Files.size(p);
    if (size > limits.maxJsonBytes()) {
      throw new OciException(Reason.LIMIT_SIZE, p.getFileName() + ": " + size
          + " bytes exceeds the JSON limit of " + limits.maxJsonBytes());
    }
    return Files.readAllBytes(p);
  }
}
