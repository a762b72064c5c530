package dev.airlock.media;

import dev.airlock.oci.BlobSource;
import dev.airlock.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Blobs of an image folder on a medium: {@code blobs/<alg>/<hex>} (OCI image-layout.md), plus
 * extra blobs at other paths (docker-archive layers, synthesised manifests held in memory).
 */
final class FileBlobSource implements BlobSource {
  private final Path root;
  private final String label;
  private final Map<Digest, Path> extraFiles;
  private final Map<Digest, byte[]> inMemory;
  private final boolean staged;

  FileBlobSource(Path root, String label, Map<Digest, Path> extraFiles, Map<Digest, byte[]> inMemory,
      boolean staged) {
    this.staged = staged;
    this.root = root;
    this.label = label;
    this.extraFiles = Map.copyOf(extraFiles);
    Map<Digest, byte[]> copy = new HashMap<>();
    inMemory.forEach((k, v) -> copy.put(k, v.clone()));
    this.inMemory = Map.copyOf(copy);
  }

  private Path path(Digest d) {
    Path p = extraFiles.get(d);
    return p != null ? p : root.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
  }

  @Override
  public InputStream open(Digest d) throws IOException {
    byte[] b = inMemory.get(d);
    if (b != null) {
      return new java.io.ByteArrayInputStream(b);
    }
    Path p = path(d);
    if (!Files.isRegularFile(p)) {
      throw new NoSuchFileException(describe(d));
    }
    return Files.newInputStream(p);
  }

  @Override
  public java.util.Optional<Path> file(Digest d) {
    if (inMemory.containsKey(d)) {
      return java.util.Optional.empty();
    }
    Path p = path(d);
    // a link is read through open(), never linked or handed out (unpacked archives hold none)
    return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? java.util.Optional.of(p) : java.util.Optional.empty();
  }

  @Override
  public boolean staged() {
    return staged;
  }

  @Override
  public boolean has(Digest d) {
    return inMemory.containsKey(d) || Files.isRegularFile(path(d));
  }

  @Override
  public long size(Digest d) {
    byte[] b = inMemory.get(d);
    if (b != null) {
      return b.length;
    }
    try {
      return Files.size(path(d));
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public List<Digest> list() throws IOException {
    List<Digest> out = new ArrayList<>(inMemory.keySet());
    Path dir = root.resolve("blobs").resolve("sha256");
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          String name = p.getFileName().toString();
          if (name.matches("[0-9a-f]{64}") && Files.isRegularFile(p)) {
            out.add(Digest.of("sha256", name));
          }
        }
      }
    }
    out.sort(null);
    return out;
  }

  /**
   * Reads a document blob and checks its digest before anyone parses it (DESIGN.md section 7:
   * every blob is verified before anything uses it); the store verifies it again when copying.
   */
  @Override
  public byte[] readSmall(Digest d, long max) throws IOException {
    byte[] b = BlobSource.super.readSmall(d, max);
    java.security.MessageDigest md = dev.airlock.crypto.Hashing.get(d.jcaName());
    Digest actual = Digest.of(d.algorithm(), dev.airlock.crypto.Hashing.hex(md.digest(b)));
    if (!actual.equals(d)) {
      throw new dev.airlock.oci.OciException(dev.airlock.core.Reason.BLOB_DIGEST_MISMATCH,
          describe(d) + ": expected " + d + ", got " + actual);
    }
    return b;
  }

  @Override
  public String describe(Digest d) {
    if (inMemory.containsKey(d)) {
      return label + ": generated manifest " + d;
    }
    Path p = path(d);
    return label + "/" + root.relativize(p).toString().replace('\\', '/');
  }
}
