package dev.airlock.verify;

import dev.airlock.oci.AttachedSignature;
import java.util.Map;

/**
 * The three formats airlock verifies (FORMATS.md sections 2 and 3), and the dispatch from the kind
 * of an attached signature layer to its format.
 */
final class SignatureFormats {
  private SignatureFormats() {}

  /** A Sigstore bundle v0.1 to v0.3 (FORMATS.md section 3) over the subject artifact. */
  static final SignatureFormat SIGSTORE_BUNDLE = new SignatureFormat() {
    @Override
    public String parseCheck() {
      return "bundle.parse";
    }

    @Override
    public Parsed parse(byte[] content, String mediaType, Map<String, String> annotations) throws Denial {
      Bundle b = Bundle.parse(content);
      return new Simple(b, "v0." + b.version(), true);
    }
  };

  /** A legacy cosign signature (FORMATS.md section 2): simple-signing payload and annotations. */
  static final SignatureFormat COSIGN_SIGNATURE = new SignatureFormat() {
    @Override
    public String parseCheck() {
      return "cosign.parse";
    }

    @Override
    public Parsed parse(byte[] content, String mediaType, Map<String, String> annotations) throws Denial {
      return cosign(CosignSignature.fromAnnotations(content, mediaType, annotations));
    }
  };

  /** A legacy cosign attestation ({@code .att}): a DSSE envelope and cosign's annotations. */
  static final SignatureFormat COSIGN_ATTESTATION = new SignatureFormat() {
    @Override
    public String parseCheck() {
      return "cosign.parse";
    }

    @Override
    public Parsed parse(byte[] content, String mediaType, Map<String, String> annotations) throws Denial {
      return new Simple(CosignSignature.attestationBundle(content, annotations),
          "application/vnd.dsse.envelope.v1+json", true);
    }
  };

  /** The format of an attached layer; an unsigned {@code .sbom} layer has none. */
  static SignatureFormat of(AttachedSignature.Kind kind) {
    return switch (kind) {
      case BUNDLE -> SIGSTORE_BUNDLE;
      case LEGACY_SIGNATURE -> COSIGN_SIGNATURE;
      case LEGACY_ATTESTATION -> COSIGN_ATTESTATION;
      case LEGACY_SBOM -> throw new IllegalStateException("unsigned .sbom layers are not evaluated");
    };
  }

  /** A parsed cosign signature: the simple-signing payload must name the image (cosign verify). */
  static SignatureFormat.Parsed cosign(CosignSignature sig) throws Denial {
    Bundle b = sig.toBundle();
    return new SignatureFormat.Parsed() {
      @Override
      public Bundle bundle() {
        return b;
      }

      @Override
      public String parseDetail() {
        return sig.mediaType();
      }

      @Override
      public boolean formatChecks(VerificationRun run, SignatureFormat.Subject s) {
        return run.step("simple-signing", () -> sig.checkPayload(s.image(), s.reference()));
      }

      @Override
      public Artifact signedArtifact(SignatureFormat.Subject s) {
        // the signature covers the payload blob, which names the image (checked above)
        return Artifact.ofBytes(sig.payload());
      }

      @Override
      public boolean checkStatementSubject() {
        return false;
      }
    };
  }

  /** A bundle whose signature covers the subject artifact itself (or a statement naming it). */
  private record Simple(Bundle bundle, String parseDetail, boolean checkStatementSubject)
      implements SignatureFormat.Parsed {
    @Override
    public Artifact signedArtifact(SignatureFormat.Subject s) {
      return s.artifact();
    }
  }
}
