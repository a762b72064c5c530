package dev.airlock.store;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.Digest;
import dev.airlock.oci.ImageIndex;
import dev.airlock.oci.Manifest;
import dev.airlock.oci.MediaTypes;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * {@code import --check-layers}: inflates every layer of a stored image, within the limits, and
 * checks it against the config's {@code rootfs.diff_ids} (image-spec config.md: "diff_ids ... the
 * digests of the uncompressed layers, in order"). Signatures bind the compressed layers, so this is
 * an extra integrity check of what the runtime will unpack, not a condition of admission.
 */
public final class LayerCheck {
  private LayerCheck() {}

  /** The first mismatch, or empty when every platform's layers match their diff_ids. */
  public static Optional<String> check(BlobStore blobs, Descriptor image, Limits limits) throws IOException {
    List<Descriptor> manifests = new ArrayList<>();
    if (MediaTypes.isIndex(image.mediaType())) {
      ImageIndex idx = ImageIndex.parse(read(blobs, image.digest(), limits), image.mediaType(), image.digest().toString());
      for (Descriptor d : idx.manifests()) {
        if (MediaTypes.isManifest(d.mediaType()) && blobs.has(d.digest())) {
          manifests.add(d);
        }
      }
    } else {
      manifests.add(image);
    }
    for (Descriptor md : manifests) {
      Manifest m = Manifest.parse(read(blobs, md.digest(), limits), md.mediaType(), md.digest().toString());
      if (!MediaTypes.OCI_CONFIG.equals(m.config().mediaType())
          && !MediaTypes.DOCKER_CONFIG.equals(m.config().mediaType())) {
        continue; // an artifact (signature, attestation), not a runnable image
      }
      JsonNode config = Json.parse(read(blobs, m.config().digest(), limits), "config " + m.config().digest());
      JsonNode diffIds = config.path("rootfs").path("diff_ids");
      if (!diffIds.isArray() || diffIds.size() != m.layers().size()) {
        return Optional.of(md.digest() + ": config lists " + diffIds.size() + " diff_ids for "
            + m.layers().size() + " layers");
      }
      for (int i = 0; i < m.layers().size(); i++) {
        Descriptor layer = m.layers().get(i);
        String want = diffIds.get(i).asText("");
        String got;
        try {
          got = "sha256:" + Hashing.hex(uncompressedSha256(blobs, layer, limits));
        } catch (IOException | RuntimeException e) {
          if (e instanceof AirlockException a && a.reason() != Reason.LIMIT_SIZE && a.reason() != Reason.LIMIT_RATIO) {
            throw a;
          }
          return Optional.of("layer " + i + " (" + layer.digest() + ", " + layer.mediaType()
              + ") cannot be inflated: " + e.getMessage());
        }
        if (!got.equals(want)) {
          return Optional.of("layer " + i + " (" + layer.digest() + ") inflates to " + got + ", config says " + want);
        }
      }
    }
    return Optional.empty();
  }

  private static byte[] read(BlobStore blobs, Digest d, Limits limits) throws IOException {
    try (InputStream in = blobs.open(d)) {
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxJsonBytes() + 1));
      if (b.length > limits.maxJsonBytes()) {
        throw AirlockException.denied(Reason.LIMIT_SIZE, d + ": document larger than " + limits.maxJsonBytes());
      }
      return b;
    }
  }

  /** SHA-256 of the inflated layer; bounded by the blob limit and the expansion ratio. */
  static byte[] uncompressedSha256(BlobStore blobs, Descriptor layer, Limits limits) throws IOException {
    String mt = layer.mediaType();
    MessageDigest md = Hashing.sha256();
    try (InputStream raw = blobs.open(layer.digest());
        InputStream in = mt.endsWith("gzip") ? new GzipCompressorInputStream(raw, true)
            : mt.endsWith("zstd") ? new io.airlift.compress.zstd.ZstdInputStream(raw) : raw) {
      byte[] buf = new byte[1 << 16];
      long total = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
        total += n;
        if (total > limits.maxBlobBytes()) {
          throw AirlockException.denied(Reason.LIMIT_SIZE, layer.digest() + ": inflates beyond " + limits.maxBlobBytes());
        }
        if (total > limits.ratioCheckAfterBytes() && total / Math.max(1, layer.size()) > limits.maxExpansionRatio()) {
          throw AirlockException.denied(Reason.LIMIT_RATIO, layer.digest() + ": inflates more than "
              + limits.maxExpansionRatio() + ":1");
        }
      }
    }
    return md.digest();
  }
}
