package dev.airlock.oci;

/** Annotation keys airlock reads (image-spec annotations.md; containerd; cosign). */
public final class Annotations {
  private Annotations() {}

  /** The "tag" of an index.json entry (image-spec v1.1 annotations.md). */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";
  /** The full reference containerd and Docker write into index.json. */
  public static final String CONTAINERD_IMAGE_NAME = "io.containerd.image.name";
  /** {@code cosign save} marks index.json entries (un-namespaced key, cosign pkg/oci/layout/write.go). */
  public static final String COSIGN_KIND = "kind";
  public static final String KIND_IMAGE = "dev.cosignproject.cosign/image";
  public static final String KIND_IMAGE_INDEX = "dev.cosignproject.cosign/imageIndex";
  public static final String KIND_SIGS = "dev.cosignproject.cosign/sigs";
  public static final String KIND_ATTS = "dev.cosignproject.cosign/atts";
  public static final String KIND_SBOMS = "dev.cosignproject.cosign/sboms";
  public static final String BUNDLE_PREDICATE_TYPE = "dev.sigstore.bundle.predicateType";
  public static final String BUNDLE_CONTENT = "dev.sigstore.bundle.content";
}
