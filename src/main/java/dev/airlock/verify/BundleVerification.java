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
 * @param treeHeads the verified checkpoints of the tlog entries' inclusion proofs, for comparing
 *     with the appliance's checkpoint store (empty for SET-only entries)
 */
public record BundleVerification(
    SignatureVerdict signature,
    String predicateType,
    JsonNode predicate,
    Map<String, String> certificateExtensions,
    java.util.List<TreeHead> treeHeads) {
  public BundleVerification {
    predicate = predicate == null ? null : predicate.deepCopy();
    certificateExtensions = Map.copyOf(certificateExtensions);
    treeHeads = java.util.List.copyOf(treeHeads);
  }

  /** A checkpoint (signed tree head) that verified for one tlog entry. */
  public record TreeHead(String origin, long size, byte[] rootHash) {
    public TreeHead {
      rootHash = rootHash.clone();
    }

    @Override
    public byte[] rootHash() {
      return rootHash.clone();
    }
  }

  @Override
  public JsonNode predicate() {
    return predicate == null ? null : predicate.deepCopy();
  }

  public boolean valid() {
    return signature.valid();
  }
}
