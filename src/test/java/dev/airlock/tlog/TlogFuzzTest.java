package dev.airlock.tlog;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.AirlockException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz targets for signed notes, checkpoint bodies and consistency-proof documents (issue 13
 * "Fuzzing"): only {@link ProofException} (or {@link AirlockException}) may come out.
 */
class TlogFuzzTest {
  @FuzzTest
  void signedNote(byte[] data) {
    try {
      SignedNote.parse(data);
    } catch (ProofException | AirlockException refused) {
      // documented refusal
    }
  }

  @FuzzTest
  void checkpointBody(byte[] data) {
    try {
      Checkpoint.parse(new String(data, StandardCharsets.UTF_8));
    } catch (ProofException | AirlockException refused) {
      // documented refusal
    }
  }

  @FuzzTest
  void consistencyProof(byte[] data) {
    try {
      ConsistencyProof p = ConsistencyProof.parse(data);
      p.verify(new byte[32], new byte[32]);
    } catch (ProofException | AirlockException refused) {
      // documented refusal
    }
  }
}
