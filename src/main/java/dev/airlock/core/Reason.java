package dev.airlock.core;

/**
 * The closed set of reason codes that explain every failed check, refused medium and denied image.
 *
 * <p>A reason is a stable identifier: verdict documents, audit events and exit-code decisions carry
 * the enum name, and {@code docs/reason-codes.md} documents each one (a test keeps that file in
 * step with this enum). Add a code at the end of its stage's section; never rename or reuse one.
 */
public enum Reason {
  // ---- input and general -------------------------------------------------------------------
  BUNDLE_MALFORMED("The signature bundle is not well-formed (JSON, base64, required fields, media type)."),
  MEDIA_TYPE_UNSUPPORTED("The document's media type or version is not one airlock accepts."),
  JSON_MALFORMED("A JSON document is not well-formed, has duplicate keys or exceeds the nesting limit."),
  LIMIT_EXCEEDED("An input exceeds a configured limit (size, count, nesting); see Limits."),
  INTERNAL_ERROR("An unexpected error inside airlock or a library; the input is not accepted."),

  // ---- crypto and keys ---------------------------------------------------------------------
  KEY_MALFORMED("A public key could not be parsed (PEM/DER SubjectPublicKeyInfo)."),
  KEY_ALGORITHM_UNSUPPORTED("The key type, curve or size is not on the algorithm allow-list."),
  KEY_MISSING("Key-based verification was asked for but no key was supplied."),
  KEY_MISMATCH("The signature's key hint or logged key does not match the supplied key; also a valid signature by"
      + " another key the appliance knows, judged for a key authority (no signature from this authority, not"
      + " tampering)."),
  KEY_NOT_VALID_AT_TIME("The key authority's validity window does not contain the signing time."),
  KEY_PASSWORD_INCORRECT("The password does not open the private key file (or the file is damaged)."),
  PRIVATE_KEY_UNUSABLE("A private key file is unreadable, not encrypted, or holds a key outside the allow-list."),
  SIGNATURE_MALFORMED("The signature bytes are not a valid encoding for the key's algorithm."),
  SIGNATURE_INVALID("The signature does not verify over the signed bytes."),

  // ---- certificates (keyless) ----------------------------------------------------------------
  CERTIFICATE_MISSING("A keyless signature carries no signing certificate."),
  CERTIFICATE_MALFORMED("A certificate could not be parsed as X.509 DER/PEM."),
  CERTIFICATE_CHAIN_UNTRUSTED("The certificate does not chain to a certificate authority of the trusted root."),
  CERTIFICATE_NOT_VALID_AT_TIME("A certificate in the chain is not valid at the verified signing time."),
  CERTIFICATE_AUTHORITY_NOT_VALID_AT_TIME("The trusted root's CA validFor window does not contain the signing time."),
  CERTIFICATE_ROOT_IN_BUNDLE("The bundle carries a self-signed root; bundled certificates are never trust anchors."),
  CERTIFICATE_PATH_INVALID("A CA certificate in the path breaks RFC 5280 6.1.4: not a CA, no keyCertSign, or its path length constraint exceeded."),
  CERTIFICATE_EKU_MISSING("The leaf certificate lacks the code-signing extended key usage."),
  CERTIFICATE_KEY_USAGE("The leaf certificate's key usage does not allow digital signatures."),
  IDENTITY_MISMATCH("The certificate's subject alternative name does not match the required identity."),
  ISSUER_MISMATCH("The certificate's OIDC issuer extension does not match the required issuer."),
  IDENTITY_POLICY_MISSING("Keyless verification needs an identity and an issuer (or an explicit unsafe option)."),

  // ---- certificate transparency ------------------------------------------------------------
  SCT_MISSING("The certificate carries no embedded signed certificate timestamp."),
  SCT_UNKNOWN_LOG("The SCT's log ID names no CT log of the trusted root."),
  SCT_LOG_NOT_VALID_AT_TIME("The CT log's validFor window does not contain the SCT time."),
  SCT_INVALID("The SCT signature does not verify over the reconstructed precertificate."),

  // ---- message signature, DSSE, in-toto ------------------------------------------------------
  ARTIFACT_DIGEST_MISMATCH("The signed artifact digest is not the digest being verified."),
  MESSAGE_DIGEST_MISMATCH("The bundle's messageDigest does not equal the artifact digest."),
  DSSE_MALFORMED("The DSSE envelope is malformed or does not have exactly one signature."),
  DSSE_PAYLOAD_TYPE_UNSUPPORTED("The DSSE payloadType is not application/vnd.in-toto+json."),
  STATEMENT_MALFORMED("The in-toto statement is malformed or of an unknown _type."),
  STATEMENT_SUBJECT_MISMATCH("No subject of the in-toto statement carries the artifact digest."),

  // ---- cosign legacy simple-signing ----------------------------------------------------------
  SIMPLE_SIGNING_MALFORMED("The simple-signing payload is malformed."),
  SIMPLE_SIGNING_TYPE_INVALID("critical.type is not 'cosign container image signature'."),
  SIMPLE_SIGNING_DIGEST_MISMATCH("critical.image.docker-manifest-digest is not the image digest."),
  SIMPLE_SIGNING_REFERENCE_MISMATCH("critical.identity.docker-reference does not match the required reference."),

  // ---- transparency log entries ----------------------------------------------------------------
  TLOG_ENTRY_MISSING("No transparency-log entry, and the policy requires one."),
  TLOG_THRESHOLD_NOT_MET("Fewer transparency-log entries verified than the policy requires."),
  TLOG_UNKNOWN_LOG("The entry's log ID names no transparency log of the trusted root."),
  TLOG_LOG_NOT_VALID_AT_TIME("The log's validFor window does not contain the entry's integrated time."),
  TLOG_KIND_UNSUPPORTED("The entry's kind/version is not one airlock understands."),
  TLOG_BODY_MISMATCH("The logged entry body does not bind this signature, key/certificate and digest."),
  TLOG_SET_MISSING("The entry has no signed entry timestamp (inclusion promise) where one is required."),
  TLOG_SET_INVALID("The signed entry timestamp does not verify under the log's key."),
  TLOG_INTEGRATED_TIME_INVALID("The entry's integrated time is missing, in the future, or outside the certificate."),
  TLOG_TREE_HEAD_MISSING("The entry yields no checkpoint-signed tree head, and the policy requires checkpoint consistency."),
  INCLUSION_PROOF_MISSING("The entry has no inclusion proof where one is required."),
  INCLUSION_PROOF_INVALID("The inclusion proof is malformed (index, size or number of hashes)."),
  INCLUSION_ROOT_MISMATCH("The inclusion proof does not lead to the root hash it claims."),
  CHECKPOINT_MISMATCH("The checkpoint's tree size or root hash differs from the inclusion proof's."),

  // ---- RFC 3161 timestamps -------------------------------------------------------------------
  TIMESTAMP_MALFORMED("An RFC 3161 timestamp response or token could not be parsed."),
  TIMESTAMP_UNTRUSTED("The timestamp is not signed by a timestamp authority of the trusted root."),
  TIMESTAMP_AUTHORITY_NOT_VALID_AT_TIME("The TSA or its chain is not valid at the timestamp's genTime."),
  TIMESTAMP_IMPRINT_MISMATCH("The timestamp's message imprint is not the hash of the signature."),
  TIMESTAMP_INVALID("The timestamp token's signature does not verify."),
  SIGNING_TIME_MISSING("No verified signing time (Rekor SET or RFC 3161 timestamp) is available."),
  TIMESTAMPS_THRESHOLD_NOT_MET("Fewer verified timestamps than the policy requires."),

  // ---- trust (TUF, trusted roots, clock) -----------------------------------------------------
  TRUST_NOT_INSTALLED("No trust is installed; run 'airlock init --root' and import a TUF repository."),
  TRUSTED_ROOT_MALFORMED("A trusted_root.json is malformed or invalid (e.g. a log key without validFor.start)."),
  TUF_MALFORMED("TUF metadata is malformed, not canonical, or has duplicate key IDs."),
  TUF_MISSING_FILE("A TUF metadata or target file named by the repository is missing on the medium."),
  TUF_TOO_LARGE("A TUF metadata or target file exceeds its size limit."),
  TUF_SIGNATURE_THRESHOLD("TUF metadata is not signed by a threshold of the role's keys."),
  TUF_VERSION_MISMATCH("TUF metadata has a version other than the one its parent names."),
  TUF_ROLLBACK("TUF metadata is older than the version already trusted."),
  TUF_EXPIRED("A TUF role has expired at the trusted time."),
  TUF_HASH_MISMATCH("A TUF metadata or target file's hash or length differs from what its parent lists."),
  TUF_TARGET_MISSING("A required TUF target (trusted_root.json) is not in the repository."),
  CLOCK_BEHIND("The system clock is behind the highest verified time seen; the verified time is used."),

  // ---- checkpoints and the tree-head store ---------------------------------------------------
  CHECKPOINT_MALFORMED("The checkpoint (signed note) is malformed."),
  CHECKPOINT_UNKNOWN_LOG("No signature line of the checkpoint is from a log of the trusted roots."),
  CHECKPOINT_SIGNATURE_INVALID("A signature line from a known log key does not verify."),
  CHECKPOINT_UNPROVEN("A larger checkpoint arrived without a consistency proof from a stored one."),
  CHECKPOINT_ROLLBACK("A smaller checkpoint could not be shown consistent with the stored ones."),
  CHECKPOINT_FORK("Two checkpoints of one log have the same size and different roots: a fork."),
  CHECKPOINT_INCONSISTENT("The bundle's checkpoint is not consistent with the stored checkpoints."),
  CHECKPOINT_CONSISTENCY_UNKNOWN("The bundle's checkpoint cannot be linked to the stored checkpoints."),
  CONSISTENCY_PROOF_MALFORMED("A consistency proof file is malformed."),
  CONSISTENCY_PROOF_INVALID("A consistency proof does not verify between the two tree heads."),
  WITNESS_THRESHOLD_NOT_MET("Fewer witness cosignatures verified than the policy requires."),
  LOG_FORK_ALARM("The log has an open fork alarm; an operator must clear it."),

  // ---- media, OCI, content store -------------------------------------------------------------
  MEDIUM_UNREADABLE("The medium cannot be read (missing, I/O error)."),
  MEDIUM_TRUNCATED("The archive ends before its last entry is complete or without its end-of-archive marker."),
  ARCHIVE_PATH_ESCAPE("An archive entry has an absolute path or '..' component."),
  ARCHIVE_LINK("An archive entry is a symbolic or hard link."),
  ARCHIVE_SPECIAL_FILE("An archive entry is a device, FIFO, sparse file or of unknown type, or a folder that carries data."),
  ARCHIVE_DUPLICATE_ENTRY("An archive holds the same path twice."),
  ARCHIVE_BAD_NAME("An archive entry's name has control characters or is not valid UTF-8."),
  LIMIT_ENTRIES("The medium has more entries than the limit."),
  LIMIT_SIZE("An entry, blob or the medium is larger than its limit."),
  LIMIT_RATIO("A compressed medium expands beyond the allowed ratio."),
  LAYOUT_MALFORMED("An OCI layout or docker-archive is malformed (oci-layout, index.json, manifest.json)."),
  MANIFEST_MALFORMED("An image manifest or index is malformed."),
  BLOB_MISSING("A blob referenced by the image is not on the medium."),
  BLOB_DIGEST_MISMATCH("A blob's content does not hash to its digest."),
  BLOB_SIZE_MISMATCH("A blob's size differs from its descriptor's size."),
  LAYER_DIFF_ID_MISMATCH("An uncompressed layer does not match the config's diff_ids."),
  REFERENCE_INVALID("An image reference is not valid."),
  IMAGE_NOT_STORED("The image is not in the appliance's store."),
  IMAGE_NOT_ADMITTED("The image's current decision is not admit; it cannot be exported."),

  // ---- policy --------------------------------------------------------------------------------
  POLICY_INVALID("The policy file is invalid."),
  POLICY_NOT_INSTALLED("No policy is installed and none was given."),
  NO_MATCHING_RULE("No policy rule matches the image; noMatch decides."),
  MUTABLE_TAG("The image was referenced by a mutable tag (latest or none) and rejectMutableTags is set."),
  NO_SIGNATURES("No signature was found for the image."),
  AUTHORITY_NOT_SATISFIED("No valid signature from this authority."),
  THRESHOLD_NOT_MET("Fewer distinct authorities signed than the rule's threshold."),
  ATTESTATION_MISSING("A required attestation (predicate type, signer) is missing."),
  ATTESTATION_REQUIREMENT_FAILED("An attestation's content does not satisfy the rule's require conditions."),
  SBOM_LICENSE_DENIED("The SBOM lists a package under a denied licence."),
  VULNERABILITY_ATTESTATION_MISSING("The rule needs a signed vulnerability attestation and none was found."),
  VULNERABILITY_TOO_SEVERE("A finding is above maxSeverity and not in the allow list."),
  VULNERABILITY_SCAN_TOO_OLD("The vulnerability scan is older than maxAgeDays."),

  // ---- audit ---------------------------------------------------------------------------------
  AUDIT_WRITE_FAILED("The audit event could not be written; the action was not taken."),
  AUDIT_EVENT_MODIFIED("An audit event's content no longer matches its hash."),
  AUDIT_EVENT_MISSING("An audit event was deleted (a gap in the sequence)."),
  AUDIT_EVENT_INSERTED("An audit event was inserted (an unexpected sequence number or chain link)."),
  AUDIT_EVENT_REORDERED("Audit events are out of order."),
  AUDIT_TRUNCATED("The audit log is shorter than its last signed checkpoint."),
  AUDIT_CHECKPOINT_INVALID("The audit checkpoint's signature or tree head does not verify."),
  AUDIT_INCLUSION_INVALID("An exported event's inclusion proof does not verify."),
  AUDIT_CONSISTENCY_INVALID("The newer export is not a consistent extension of the older one."),
  AUDIT_EXPORT_MALFORMED("The audit export file is malformed."),
  AUDIT_EXPORT_NOT_EXACT("A line of the audit export has a field its format version does not define, lacks one it requires, or is not written exactly as the appliance writes it."),

  // ---- appliance state ------------------------------------------------------------------------
  HOME_NOT_INITIALISED("The airlock home does not exist or was not initialised."),
  HOME_EXISTS("The airlock home already exists (use --force to re-initialise)."),
  DATABASE_BUSY("The database is in use by other airlock processes; try again."),
  DATABASE_CORRUPT("The database file cannot be opened or is corrupt."),
  STATE_WRITE_FAILED("The appliance state could not be written (read-only disk, full disk)."),
  NOT_IMPLEMENTED("This command is not implemented yet.");

  private final String description;

  Reason(String description) {
    this.description = description;
  }

  /** One sentence for operators; rendered in docs/reason-codes.md and in human output. */
  public String description() {
    return description;
  }
}
