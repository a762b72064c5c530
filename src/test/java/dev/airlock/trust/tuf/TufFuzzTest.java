package dev.airlock.trust.tuf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.AirlockException;
import java.time.Instant;

/**
 * Fuzz target for TUF root metadata as the appliance pins it from a medium (issue 13 "Fuzzing"):
 * {@link PinnedRoot#check} parses, canonicalises and checks the self-signatures; only
 * AirlockException (TUF_MALFORMED, TUF_SIGNATURE_THRESHOLD, TUF_EXPIRED) may come out.
 */
class TufFuzzTest {
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  @FuzzTest
  void pinnedRoot(byte[] data) {
    try {
      PinnedRoot.check(data, "root.json", NOW);
    } catch (AirlockException refused) {
      // documented refusal
    }
  }
}
