package dev.airlock.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.verify.SignatureVerdict;
import java.util.Objects;

/**
 * One signature or attestation found for an image, not yet verified. The policy engine asks it to
 * verify itself as a given authority would require (the authority's identity or key), so that the
 * same material is judged separately for each authority.
 */
public interface SignedItem {
  /** Where it was found, e.g. {@code cosign .sig layer 1} or {@code referrer bundle sha256:...}. */
  String source();

  /** Verifies the item under the authority's requirements. Never throws for bad material. */
  Evaluation evaluate(Authority authority);

  /**
   * The result of verifying one item as one authority.
   *
   * @param verdict every check run; valid when none failed
   * @param predicateType the verified in-toto predicateType, or null for a plain signature
   * @param predicate the verified predicate, or null
   */
  record Evaluation(SignatureVerdict verdict, String predicateType, JsonNode predicate) {
    public Evaluation {
      Objects.requireNonNull(verdict, "verdict");
      predicate = predicate == null ? null : predicate.deepCopy();
    }

    @Override
    public JsonNode predicate() {
      return predicate == null ? null : predicate.deepCopy();
    }

    /** cosign v3 signs images with this predicate type; it is a signature, not an attestation. */
    public static final String COSIGN_SIGN_V1 = "https://sigstore.dev/cosign/sign/v1";

    /** A valid plain image signature (simple-signing, message signature, or cosign/sign/v1 DSSE). */
    public boolean validSignature() {
      return verdict.valid() && (predicateType == null || COSIGN_SIGN_V1.equals(predicateType));
    }

    /** A valid attestation of the given predicate type. */
    public boolean validAttestation(String type) {
      return verdict.valid() && type.equals(predicateType);
    }
  }
}
