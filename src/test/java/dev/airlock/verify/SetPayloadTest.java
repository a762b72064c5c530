package dev.airlock.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.Json;
import dev.airlock.crypto.Hashing;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The SET payload written directly (speed) equals the general RFC 8785 canonicaliser's output. */
class SetPayloadTest {
  static byte[] general(Bundle.TlogEntry e) {
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    p.put("body", Base64.getEncoder().encodeToString(e.body()));
    p.put("integratedTime", e.integratedTime());
    p.put("logID", Hashing.hex(e.logId()));
    p.put("logIndex", e.logIndex());
    return Json.canonical(p);
  }

  @Test
  void directPayloadIsTheCanonicalJson() {
    byte[] body = "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\"}\u00e9+/=".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] logId = Hashing.sha256(new byte[] {1, 2, 3});
    long[] values = {0, 1, -1, 1_700_000_000L, 25_579L, (1L << 53) - 1, 1L << 53, (1L << 53) + 1, -(1L << 53),
        Long.MAX_VALUE, Long.MIN_VALUE};
    for (long t : values) {
      for (long i : values) {
        Bundle.TlogEntry e = new Bundle.TlogEntry(i, logId, "hashedrekord", "0.0.1", t, new byte[] {9}, null, body);
        assertArrayEquals(general(e), TransparencyEntryCheck.setPayload(e), "integratedTime " + t + ", logIndex " + i);
      }
    }
  }
}
