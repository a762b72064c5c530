package dev.airlock.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import java.util.List;

/**
 * The in-toto statement of a DSSE envelope (check {@code dsse.statement}): a v1 or v0.1 Statement
 * with a predicateType and at least one subject, one of which carries the artifact's digest
 * (in-toto attestation spec v1, statement.md "subject"). Records the predicate in the run.
 */
final class StatementCheck {
  private StatementCheck() {}

  static String check(VerificationRun run, Bundle.Dsse d, Artifact artifact) throws Denial {
    JsonNode st;
    try {
      st = Json.parse(d.payload(), "in-toto statement");
    } catch (AirlockException e) {
      throw new Denial(Reason.STATEMENT_MALFORMED, e.getMessage());
    }
    String type = st.path("_type").asText("");
    if (!type.equals("https://in-toto.io/Statement/v1") && !type.equals("https://in-toto.io/Statement/v0.1")) {
      throw new Denial(Reason.STATEMENT_MALFORMED, "unknown in-toto _type '" + type + "'");
    }
    JsonNode subjects = st.path("subject");
    if (!subjects.isArray() || subjects.isEmpty() || !st.path("predicateType").isTextual()) {
      throw new Denial(Reason.STATEMENT_MALFORMED, "statement without subject or predicateType");
    }
    run.predicateType = st.path("predicateType").asText();
    run.predicate = st.path("predicate").isMissingNode() ? null : st.path("predicate");
    for (JsonNode s : subjects) {
      JsonNode digests = s.path("digest");
      for (String alg : List.of("sha256", "sha384", "sha512")) {
        JsonNode v = digests.path(alg);
        if (v.isTextual()) {
          byte[] want = artifact.digest(alg);
          if (want != null && v.asText().equalsIgnoreCase(Hashing.hex(want))) {
            return run.predicateType;
          }
        }
      }
    }
    throw new Denial(Reason.STATEMENT_SUBJECT_MISMATCH, "no statement subject carries the artifact digest",
        artifact.toString(), null);
  }
}
