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
