package dev.airlock.oci;

import dev.airlock.core.Reason;
import dev.airlock.oci.json.ManifestJson;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An image manifest (image-spec v1.1 manifest.md, or Docker schema 2). Parsed from the exact
 * bytes; callers keep those bytes and their digest, never a re-serialisation (signatures bind to
 * the digest of the exact bytes).
 */
public record Manifest(String mediaType, Optional<String> artifactType, Descriptor config,
    List<Descriptor> layers, Optional<Descriptor> subject, Map<String, String> annotations) {
  public Manifest {
    layers = List.copyOf(layers);
    annotations = Map.copyOf(annotations);
  }

  /**
   * Parses a manifest. {@code declaredMediaType} is the descriptor's media type, used when the
   * document omits its own (allowed by OCI); if both are present they must agree.
   */
  public static Manifest parse(byte[] bytes, String declaredMediaType, String what) {
    ManifestJson j = Documents.bindManifest(bytes, what);
    String mt = effectiveMediaType(j.mediaType, declaredMediaType, what);
    if (!MediaTypes.isManifest(mt)) {
      throw new OciException(Reason.MANIFEST_MALFORMED, what + ": media type " + mt + " is not an image manifest");
    }
    if (j.schemaVersion == null || j.schemaVersion != 2) {
      throw new OciException(Reason.MANIFEST_MALFORMED, what + ": schemaVersion must be 2");
    }
    if (j.manifests != null) {
      throw new OciException(Reason.MANIFEST_MALFORMED, what + ": a manifest must not have 'manifests'");
    }
    Descriptor config = Documents.descriptor(j.config, what + ".config");
    List<Descriptor> layers = Documents.descriptors(j.layers, what + ".layers");
    Optional<Descriptor> subject =
        j.subject == null ? Optional.empty() : Optional.of(Documents.descriptor(j.subject, what + ".subject"));
    return new Manifest(mt, Optional.ofNullable(j.artifactType), config, layers, subject,
        j.annotations == null ? Map.of() : j.annotations);
  }

  static String effectiveMediaType(String inDocument, String declared, String what) {
    if (inDocument != null && declared != null && !inDocument.equals(declared)) {
      throw new OciException(Reason.MANIFEST_MALFORMED,
          what + ": descriptor says " + declared + " but the document says " + inDocument);
    }
    String mt = inDocument != null ? inDocument : declared;
    if (mt == null) {
      throw new OciException(Reason.MANIFEST_MALFORMED, what + ": no media type");
    }
    return mt;
  }

  /** The blobs this manifest references: config then layers. */
  public List<Descriptor> blobs() {
    List<Descriptor> all = new java.util.ArrayList<>();
    all.add(config);
    all.addAll(layers);
    return List.copyOf(all);
  }
}
