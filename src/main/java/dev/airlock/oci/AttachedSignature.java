package dev.airlock.oci;

import java.util.Objects;

/**
 * A signature, attestation or SBOM found attached to an image: where it is (the carrier manifest)
 * and which layer holds it. The layer's bytes are read from the content store by its digest.
 *
 * @param kind how it was attached (cosign tag scheme or Sigstore bundle referrer)
 * @param subject the image digest it claims to be about (from the tag name or {@code subject})
 * @param carrier the digest of the manifest that carries it ({@code .sig}/{@code .att} or referrer)
 * @param layer the layer descriptor with its media type, digest, size and annotations (cosign
 *     puts the signature, certificate, chain and Rekor bundle in layer annotations)
 */
public record AttachedSignature(Kind kind, Digest subject, Digest carrier, Descriptor layer) {
  /** Where the signature came from. */
  public enum Kind {
    /** A layer of cosign's {@code sha256-<hex>.sig} manifest (simple-signing payload). */
    LEGACY_SIGNATURE,
    /** A layer of cosign's {@code .att} manifest (DSSE envelope). */
    LEGACY_ATTESTATION,
    /** A layer of cosign's deprecated {@code .sbom} manifest. */
    LEGACY_SBOM,
    /** A Sigstore bundle layer of an OCI 1.1 referrer manifest (cosign v3 sign and attest). */
    BUNDLE
  }

  public AttachedSignature {
    Objects.requireNonNull(kind);
    Objects.requireNonNull(subject);
    Objects.requireNonNull(carrier);
    Objects.requireNonNull(layer);
  }
}
