package dev.airlock.oci;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Blobs of an image source on a medium, by digest. The bytes are UNVERIFIED: the content store
 * hashes them while copying and rejects a mismatch; readers here bound what they read.
 */
public interface BlobSource {
  /** Opens a blob; throws {@link java.nio.file.NoSuchFileException} if it is absent. */
  InputStream open(Digest digest) throws IOException;

  boolean has(Digest digest);

  /** The size on the medium, or -1 if absent. */
  long size(Digest digest);

  /** Every blob on the source (for the loose-referrer scan). */
  List<Digest> list() throws IOException;

  /**
   * The blob's file, when it is one (not a document held in memory), so that the store can read it
   * through a {@link java.nio.channels.FileChannel}; the bytes are as UNVERIFIED as {@link #open}'s.
   */
  default java.util.Optional<java.nio.file.Path> file(Digest digest) {
    return java.util.Optional.empty();
  }

  /**
   * Whether {@link #file} names airlock's own private copy (an archive unpacked into the home's
   * staging area under the write lock), which the store may hard-link into its temporary folder and
   * verify there instead of copying; false for files read in place on a medium.
   */
  default boolean staged() {
    return false;
  }

  /** Where the blob is, for messages (a path inside the medium). */
  String describe(Digest digest);

  /** Reads a blob of at most {@code max} bytes (documents: manifests, indexes, configs). */
  default byte[] readSmall(Digest digest, long max) throws IOException {
    long size = size(digest);
    if (size < 0) {
      throw new java.nio.file.NoSuchFileException(describe(digest));
    }
    if (size > max) {
      throw new OciException(dev.airlock.core.Reason.LIMIT_SIZE,
          describe(digest) + ": " + size + " bytes exceeds the document limit of " + max);
    }
    try (InputStream in = open(digest)) {
      byte[] b = in.readNBytes((int) max + 1);
      if (b.length > max) {
        throw new OciException(dev.airlock.core.Reason.LIMIT_SIZE,
            describe(digest) + ": grew beyond the document limit of " + max);
      }
      return b;
    }
  }
}
