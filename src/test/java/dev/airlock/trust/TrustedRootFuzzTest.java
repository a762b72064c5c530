package dev.airlock.trust;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.AirlockException;

/** Fuzz target for {@code trusted_root.json} (issue 13 "Fuzzing"): only AirlockException refuses. */
class TrustedRootFuzzTest {
  @FuzzTest
  void trustedRoot(byte[] data) {
    try {
      TrustedRoot.parse(data, "fuzz");
    } catch (AirlockException refused) {
      // documented refusal
    }
  }
}
