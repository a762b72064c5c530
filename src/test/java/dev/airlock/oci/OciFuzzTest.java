package dev.airlock.oci;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.AirlockException;

/**
 * Fuzz targets for OCI image indexes, manifests, {@code oci-layout} files and docker-archive
 * {@code manifest.json} (issue 13 "Fuzzing"): only OciException/AirlockException.
 */
class OciFuzzTest {
  @FuzzTest
  void imageIndex(byte[] data) {
    try {
      ImageIndex.parse(data, null, "fuzz");
    } catch (AirlockException refused) {
      // documented refusal
    }
  }

  @FuzzTest
  void manifest(byte[] data) {
    try {
      Manifest.parse(data, null, "fuzz");
    } catch (AirlockException refused) {
      // documented refusal
    }
  }

  @FuzzTest
  void dockerArchiveManifest(byte[] data) {
    try {
      Documents.dockerManifest(data, "fuzz");
    } catch (AirlockException refused) {
      // documented refusal
    }
  }

  @FuzzTest
  void layoutVersion(byte[] data) {
    try {
      Documents.layoutVersion(data, "fuzz");
    } catch (AirlockException refused) {
      // documented refusal
    }
  }
}
