package dev.airlock.oci;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.AirlockException;

/** Fuzz targets for OCI image indexes and manifests (issue 13 "Fuzzing"): only OciException/AirlockException. */
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
}
