package dev.airlock.oci;

import dev.airlock.core.Reason;
import dev.airlock.oci.json.ManifestJson;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An image index (image-spec v1.1 image-index.md) or Docker manifest list; also the layout's
 * {@code index.json}. Unknown media types of entries are kept (image-layout.md: MUST NOT error).
 */
public record ImageIndex(String mediaType, List<Descriptor> manifests, Optional<Descriptor> subject,
    Map<String, String> annotations) {
  public ImageIndex {
    manifests = List.copyOf(manifests);
    annotations = Map.copyOf(annotations);
  }

  public static ImageIndex parse(byte[] bytes, String declaredMediaType, String what) {
    ManifestJson j = Documents.bindManifest(bytes, what);
    // index.json may omit mediaType (it SHOULD be set); treat it as an OCI index then.
    String mt = j.mediaType == null && declaredMediaType == null
        ? MediaTypes.OCI_INDEX : Manifest.effectiveMediaType(j.mediaType, declaredMediaType, what);
    if (!MediaTypes.isIndex(mt)) {
      throw new OciException(Reason.MANIFEST_MALFORMED, what + ": media type " + mt + " is not an image index");
    }
    if (j.schemaVersion == null || j.schemaVersion != 2) {
      throw new OciException(Reason.MANIFEST_MALFORMED, what + ": schemaVersion must be 2");
    }
    if (j.manifests == null) {
      throw new OciException(Reason.MANIFEST_MALFORMED, what + ": an index needs 'manifests'");
    }
    if (j.config != null || j.layers != null) {
      throw new OciException(Reason.MANIFEST_MALFORMED, what + ": an index must not have config or layers");
    }
    Optional<Descriptor> subject =
        j.subject == null ? Optional.empty() : Optional.of(Documents.descriptor(j.subject, what + ".subject"));
    return new ImageIndex(mt, Documents.descriptors(j.manifests, what + ".manifests"), subject,
        j.annotations == null ? Map.of() : j.annotations);
  }
}
