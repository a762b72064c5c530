package dev.airlock.policy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.AirlockException;
import java.nio.file.Path;

/** Fuzz target for policy YAML (issue 13 "Fuzzing"): only AirlockException refuses. */
class PolicyFuzzTest {
  /** Key files named by a policy resolve here; none exists, so no fuzz input reads a real file. */
  private static final Path BASE = Path.of("target", "fuzz-policy-base-does-not-exist");

  @FuzzTest
  void policyYaml(byte[] data) {
    try {
      PolicyParser.parse(data, "fuzz.yaml", BASE, "sha256:" + "0".repeat(64));
    } catch (AirlockException refused) {
      // documented refusal
    }
  }
}
