package dev.airlock.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The result of verifying one bundle: the signature's checks, plus what policy needs from a valid
 * attestation and certificate. Immutable.
 *
 * @param signature the checks and signer (valid iff no check failed)
 * @param predicateType the in-toto predicateType of a DSSE bundle, else null
 * @param predicate the in-toto predicate (a copy), else null
 * @param certificateExtensions Fulcio extensions of the leaf certificate by OID (empty for keys)
 */
public record BundleVerification(
    SignatureVerdict signature,
    String predicateType,
    JsonNode predicate,
    Map<String, String> certificateExtensions) {
  public BundleVerification {
    predicate = predicate == null ? null : predicate.deepCopy();
    certificateExtensions = Map.copyOf(certificateExtensions);
  }

  @Override
  public JsonNode predicate() {
    return predicate == null ? null : predicate.deepCopy();
  }

  public boolean valid() {
    return signature.valid();
  }
}
