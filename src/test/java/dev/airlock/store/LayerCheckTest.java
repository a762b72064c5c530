package dev.airlock.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.Home;
import dev.airlock.core.Limits;
import dev.airlock.crypto.Hashing;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.Digest;
import dev.airlock.oci.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** import --check-layers: inflated layers must match the config's rootfs.diff_ids, within the limits. */
class LayerCheckTest {
  @TempDir Path dir;

  BlobStore store() throws IOException {
    Home home = Home.at(dir.resolve("home"));
    Files.createDirectories(home.blobs().resolve("sha256"));
    return BlobStore.at(home);
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }

  static Descriptor put(BlobStore s, byte[] b, String mediaType) throws IOException {
    Digest d = Digest.sha256(Hashing.sha256(b));
    s.put(new ByteArrayInputStream(b), d, b.length, mediaType);
    return Descriptor.of(mediaType, d, b.length);
  }

  static String desc(Descriptor d) {
    return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
  }

  /** An image whose one layer is {@code layer} and whose config names {@code diffId}. */
  static Descriptor image(BlobStore s, byte[] layer, String layerType, String diffId) throws IOException {
    Descriptor l = put(s, layer, layerType);
    Descriptor c = put(s, ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
        + "\"diff_ids\":[\"" + diffId + "\"]}}").getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_CONFIG);
    byte[] m = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":" + desc(c)
        + ",\"layers\":[" + desc(l) + "]}").getBytes(StandardCharsets.UTF_8);
    return put(s, m, MediaTypes.OCI_MANIFEST);
  }

  @Test
  void matchingAndMismatchingDiffIds() throws IOException {
    BlobStore s = store();
    byte[] tar = "pretend this is a tar stream".repeat(50).getBytes(StandardCharsets.UTF_8);
    String diffId = "sha256:" + Hashing.sha256Hex(tar);
    assertEquals(Optional.empty(), LayerCheck.check(s, image(s, gzip(tar), MediaTypes.OCI_LAYER_GZIP, diffId), Limits.defaults()));
    assertEquals(Optional.empty(), LayerCheck.check(s, image(s, tar, MediaTypes.OCI_LAYER_TAR, diffId), Limits.defaults()));
    Optional<String> wrong = LayerCheck.check(s, image(s, gzip(tar), MediaTypes.OCI_LAYER_GZIP,
        "sha256:" + "0".repeat(64)), Limits.defaults());
    assertTrue(wrong.isPresent() && wrong.get().contains("config says sha256:000"), wrong.toString());
    // the compressed digest is not the diff_id
    Descriptor compressedAsDiff = image(s, gzip(tar), MediaTypes.OCI_LAYER_GZIP, "sha256:" + Hashing.sha256Hex(gzip(tar)));
    assertTrue(LayerCheck.check(s, compressedAsDiff, Limits.defaults()).isPresent());
  }

  @Test
  void aLayerThatDoesNotInflateIsAMismatchNotACrash() throws IOException {
    BlobStore s = store();
    Optional<String> r = LayerCheck.check(s, image(s, "not gzip at all".getBytes(StandardCharsets.UTF_8),
        MediaTypes.OCI_LAYER_GZIP, "sha256:" + "1".repeat(64)), Limits.defaults());
    assertTrue(r.isPresent() && r.get().contains("cannot be inflated"), r.toString());
  }

  @Test
  void expansionIsBounded() throws IOException {
    BlobStore s = store();
    byte[] zeros = new byte[8 << 20];
    Descriptor img = image(s, gzip(zeros), MediaTypes.OCI_LAYER_GZIP, "sha256:" + Hashing.sha256Hex(zeros));
    Limits tight = Limits.defaults().withRatioCheckAfterBytes(1 << 20).withMaxExpansionRatio(100);
    Optional<String> r = LayerCheck.check(s, img, tight);
    assertTrue(r.isPresent() && r.get().contains("inflates more than 100:1"), r.toString());
    assertEquals(Optional.empty(), LayerCheck.check(s, img, Limits.defaults().withRatioCheckAfterBytes(64L << 20)));
  }

  @Test
  void artifactsAreSkipped() throws IOException {
    BlobStore s = store();
    Descriptor empty = put(s, "{}".getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_EMPTY);
    byte[] m = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"artifactType\":\"x/y\","
        + "\"config\":" + desc(empty) + ",\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
    assertEquals(Optional.empty(), LayerCheck.check(s, put(s, m, MediaTypes.OCI_MANIFEST), Limits.defaults()));
    // a stored image always has its manifest; a missing one is an I/O error, never a pass
    assertThrows(java.nio.file.NoSuchFileException.class, () -> LayerCheck.check(s,
        Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.sha256(new byte[32]), 10), Limits.defaults()));
  }
}
