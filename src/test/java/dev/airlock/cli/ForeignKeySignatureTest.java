package dev.airlock.cli;

import static dev.airlock.testing.ApplianceLab.logged;
import static dev.airlock.testing.ApplianceLab.unlogged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.oci.Descriptor;
import dev.airlock.testing.ApplianceLab;
import dev.airlock.testing.ApplianceLab.Run;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A valid signature by another authority's key says nothing about this authority: it is "no
 * signature from this authority" ({@code KEY_MISMATCH} on the signature, {@code AUTHORITY_NOT_SATISFIED}
 * on the authority), never {@code SIGNATURE_INVALID}, which an operator reads as tampering (issue 16).
 */
class ForeignKeySignatureTest {
  static final String SEG = "vendor.example/radiology/segmenter";
  static final String TWO = """
      apiVersion: airlock/v1
      kind: Policy
      name: hospital
      mode: enforce
      authorities:
        vendor: {key: {tuf: keys/vendor.pub}}
        qa: {key: {tuf: keys/qa.pub}}
      images:
        - match: "vendor.example/radiology/segmenter"
          signatures: {threshold: 2, from: [vendor, qa]}
      """;

  /** vendor signs (it counts for vendor); dev's valid signature is the only one qa could use. */
  private static JsonNode verdictFor(boolean tlog) throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("p", TWO)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      List<ApplianceLab.Sig> sigs = tlog ? List.of(logged(l.vendor), logged(l.dev))
          : List.of(logged(l.vendor), unlogged(l.dev));
      m.image("seg", (Descriptor) null, List.of(SEG + ":4.0"), sigs, List.of());
      assertEquals(0, l.run("import", m.path().toString()).code());
      Run r = l.run("verify", "-o", "verdict", SEG + ":4.0");
      assertEquals(1, r.code(), r.toString());
      return ApplianceLab.JSON.readTree(r.out());
    }
  }

  @Test
  void aValidSignatureByAnotherAuthoritysKeyIsKeyMismatchNotSignatureInvalid() throws Exception {
    for (boolean tlog : new boolean[] {true, false}) {
      JsonNode v = verdictFor(tlog);
      String all = v.toString();
      assertFalse(all.contains("SIGNATURE_INVALID"), "tlog=" + tlog + ": " + v.toPrettyString());
      assertTrue(v.path("reasons").toString().contains("THRESHOLD_NOT_MET"), all);
      boolean keyMismatch = false;
      for (JsonNode s : v.path("signatures")) {
        if ("qa".equals(s.path("authority").asText())) {
          keyMismatch |= s.toString().contains("KEY_MISMATCH");
        }
      }
      assertTrue(keyMismatch, "tlog=" + tlog + ": qa's attempt on dev's signature must say KEY_MISMATCH: "
          + v.toPrettyString());
      boolean notSatisfied = false;
      for (JsonNode c : v.path("checks")) {
        if ("authority.qa".equals(c.path("id").asText())) {
          notSatisfied = "AUTHORITY_NOT_SATISFIED".equals(c.path("reason").asText());
        }
      }
      assertTrue(notSatisfied, all);
    }
  }
}
