package dev.airlock.verify;

import dev.airlock.oci.Digest;
import java.util.Map;

/**
 * One wire format of signature material: a Sigstore bundle, a legacy cosign {@code .sig} layer
 * (simple-signing payload + annotations) or a legacy cosign {@code .att} layer (DSSE envelope +
 * annotations). A format only parses its bytes into the common {@link Bundle} shape and names what
 * the signature covers; every cryptographic check is the shared pipeline's, as sigstore-go
 * pkg/verify/interface.go lets one verifier serve every "SignedEntity".
 */
interface SignatureFormat {
  /** The id of the parse check ({@code bundle.parse} or {@code cosign.parse}). */
  String parseCheck();

  /**
   * Parses the material.
   *
   * @throws Denial with a reason code when the bytes are not this format (never a library exception
   *     for hostile input: those become {@code internal} checks in the verifier)
   */
  Parsed parse(byte[] content, String mediaType, Map<String, String> annotations) throws Denial;

  /** What the signed material is about: the artifact, and for OCI material the image digest. */
  record Subject(Artifact artifact, Digest image, CosignSignature.ReferenceMatch reference) {}

  /** A parsed signature, ready for the shared pipeline. */
  interface Parsed {
    Bundle bundle();

    /** The detail of the passing parse check. */
    String parseDetail();

    /** Checks of the format's own before the pipeline (cosign: simple-signing); false stops. */
    default boolean formatChecks(VerificationRun run, Subject subject) {
      return true;
    }

    /** The bytes or digest the signature covers. */
    Artifact signedArtifact(Subject subject);

    /** Whether a DSSE statement must name the subject (not for cosign's own .sig payloads). */
    boolean checkStatementSubject();
  }
}
