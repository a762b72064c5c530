package dev.airlock.oci;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the images of an OCI image layout and everything attached to them (FORMATS.md 1-2):
 * <ul>
 *   <li>images: index.json entries that are manifests or indexes (all platforms kept);
 *   <li>cosign's legacy {@code sha256-<hex>.sig|.att|.sbom} manifests, by ref-name tag, by the
 *       tag of {@code io.containerd.image.name}, or by cosign save's {@code kind} annotation;
 *   <li>OCI 1.1 referrers (a manifest whose {@code subject} is the image or one of its platform
 *       manifests), listed in index.json or only loose in {@code blobs/} (cosign v3.0.3+ save
 *       rewrites index.json, so referrers survive only as blobs: cosign pkg/cosign/verify.go
 *       getLocalBundleDescriptors scans every blob); their Sigstore bundle layers are kept.
 * </ul>
 * Reads only manifests and indexes, each bounded by {@link Limits#maxJsonBytes()}; layers are
 * never opened here.
 */
public final class LayoutScanner {
  private static final Pattern LEGACY_TAG = Pattern.compile("sha256-([0-9a-f]{64})\\.(sig|att|sbom)$");
  /** Index nesting accepted below the top image (an index of indexes of manifests). */
  private static final int MAX_INDEX_DEPTH = 4;

  private final String sourceName;
  private final String folderName;
  private final BlobSource blobs;
  private final Limits limits;
  private final Map<Digest, List<String>> repoTags;

  /**
   * @param sourceName the layout's place on the medium, for messages
   * @param folderName the folder under {@code images/} (fallback reference), or null
   * @param repoTags docker-archive RepoTags by manifest or config digest (Docker 25 hybrid)
   */
  public LayoutScanner(String sourceName, String folderName, BlobSource blobs, Limits limits,
      Map<Digest, List<String>> repoTags) {
    this.sourceName = sourceName;
    this.folderName = folderName;
    this.blobs = blobs;
    this.limits = limits;
    this.repoTags = Map.copyOf(repoTags);
  }

  private record Carrier(AttachedSignature.Kind kind, Digest subject, Descriptor manifest) {}

  /** Builder state for one image while scanning. */
  private static final class Found {
    Descriptor image;
    final Set<ImageReference> refs = new LinkedHashSet<>();
    final List<String> refNameTags = new ArrayList<>();
    final List<Descriptor> platforms = new ArrayList<>();
    final Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
    final Set<Digest> members = new LinkedHashSet<>();
    final List<AttachedSignature> sigs = new ArrayList<>();
    ImageCandidate.Problem problem;
  }

  /** Scans the layout whose parsed {@code index.json} is {@code index}. */
  public List<ImageCandidate> scan(ImageIndex index) throws IOException {
    Map<Digest, Found> images = new LinkedHashMap<>();
    List<Carrier> carriers = new ArrayList<>();
    List<Descriptor> cosignKindCarriers = new ArrayList<>();
    Set<Digest> listedReferrers = new LinkedHashSet<>();
    for (Descriptor e : index.manifests()) {
      String refName = e.annotation(Annotations.REF_NAME).orElse("");
      String fullName = e.annotation(Annotations.CONTAINERD_IMAGE_NAME).orElse("");
      String kind = e.annotation(Annotations.COSIGN_KIND).orElse("");
      Matcher m = LEGACY_TAG.matcher(refName);
      Matcher m2 = LEGACY_TAG.matcher(fullName);
      if (m.find()) {
        carriers.add(new Carrier(legacyKind(m.group(2)), Digest.of("sha256", m.group(1)), e));
      } else if (m2.find()) {
        carriers.add(new Carrier(legacyKind(m2.group(2)), Digest.of("sha256", m2.group(1)), e));
      } else if (kind.equals(Annotations.KIND_SIGS) || kind.equals(Annotations.KIND_ATTS)
          || kind.equals(Annotations.KIND_SBOMS)) {
        cosignKindCarriers.add(e);
      } else if (MediaTypes.isIndex(e.mediaType()) || MediaTypes.isManifest(e.mediaType())) {
        if (isReferrer(e)) {
          listedReferrers.add(e.digest());
          continue;
        }
        Found f = images.computeIfAbsent(e.digest(), d -> new Found());
        f.image = f.image == null ? e : f.image;
        addReference(f, e, refName, fullName);
      }
      // other media types in index.json are tolerated and ignored (image-layout.md)
    }
    for (Found f : images.values()) {
      expand(f);
    }
    // cosign save writes one image per layout: its kind=sigs/atts entries belong to that image.
    if (!cosignKindCarriers.isEmpty()) {
      List<Digest> cosignImages = new ArrayList<>();
      for (Descriptor e : index.manifests()) {
        String kind = e.annotation(Annotations.COSIGN_KIND).orElse("");
        if (kind.equals(Annotations.KIND_IMAGE) || kind.equals(Annotations.KIND_IMAGE_INDEX)) {
          cosignImages.add(e.digest());
        }
      }
      if (cosignImages.size() == 1) {
        for (Descriptor e : cosignKindCarriers) {
          String kind = e.annotation(Annotations.COSIGN_KIND).orElseThrow();
          AttachedSignature.Kind k = kind.equals(Annotations.KIND_SIGS) ? AttachedSignature.Kind.LEGACY_SIGNATURE
              : kind.equals(Annotations.KIND_ATTS) ? AttachedSignature.Kind.LEGACY_ATTESTATION
              : AttachedSignature.Kind.LEGACY_SBOM;
          carriers.add(new Carrier(k, cosignImages.get(0), e));
        }
      }
    }
    for (Carrier c : carriers) {
      Found f = owner(images, c.subject());
      if (f != null) {
        attachLegacy(f, c);
      }
    }
    Set<Digest> referrers = new LinkedHashSet<>(listedReferrers);
    referrers.addAll(looseManifestsWithSubject(images));
    for (Digest r : referrers) {
      attachReferrer(images, r);
    }
    List<ImageCandidate> out = new ArrayList<>();
    for (Found f : images.values()) {
      if (f.refs.isEmpty()) {
        fallbackReference(f);
      }
      out.add(new ImageCandidate(sourceName, f.image, List.copyOf(f.refs), f.platforms,
          List.copyOf(f.blobs.values()), f.sigs, Optional.ofNullable(f.problem), blobs));
    }
    return out;
  }

  private static AttachedSignature.Kind legacyKind(String suffix) {
    return switch (suffix) {
      case "sig" -> AttachedSignature.Kind.LEGACY_SIGNATURE;
      case "att" -> AttachedSignature.Kind.LEGACY_ATTESTATION;
      default -> AttachedSignature.Kind.LEGACY_SBOM;
    };
  }

  private boolean isReferrer(Descriptor e) {
    if (!MediaTypes.isManifest(e.mediaType()) || !blobs.has(e.digest())) {
      return false;
    }
    try {
      return Manifest.parse(blobs.readSmall(e.digest(), limits.maxJsonBytes()), e.mediaType(), "x")
          .subject().isPresent();
    } catch (AirlockException | IOException ex) {
      return false;
    }
  }

  private void addReference(Found f, Descriptor e, String refName, String fullName) {
    // DESIGN.md 6a: io.containerd.image.name, else ref.name when it is a full reference.
    if (!fullName.isEmpty() && ImageReference.isValid(fullName)) {
      f.refs.add(ImageReference.parse(fullName));
    } else if (!refName.isEmpty() && (refName.contains("/") || refName.contains(":"))
        && ImageReference.isValid(refName)) {
      f.refs.add(ImageReference.parse(refName));
    } else if (!refName.isEmpty()) {
      f.refNameTags.add(refName);
    }
  }

  private void fallbackReference(Found f) {
    List<String> tags = new ArrayList<>();
    tags.addAll(repoTags.getOrDefault(f.image.digest(), List.of()));
    for (Descriptor b : f.blobs.values()) {
      if (b.mediaType().equals(MediaTypes.OCI_CONFIG) || b.mediaType().equals(MediaTypes.DOCKER_CONFIG)) {
        tags.addAll(repoTags.getOrDefault(b.digest(), List.of()));
      }
    }
    for (String t : tags) {
      if (ImageReference.isValid(t)) {
        f.refs.add(ImageReference.parse(t));
      }
    }
    if (!f.refs.isEmpty() || folderName == null || !ImageReference.isValid(folderName)) {
      return;
    }
    ImageReference base = ImageReference.parse(folderName);
    if (f.refNameTags.isEmpty()) {
      f.refs.add(base);
    }
    for (String t : f.refNameTags) {
      try {
        f.refs.add(base.withTag(t));
      } catch (OciException ignored) {
        // a ref.name that is neither a reference nor a tag names nothing
      }
    }
  }

  /** Reads the image's manifest or index tree and records every blob it needs. */
  private void expand(Found f) {
    try {
      walk(f, f.image, 0, true);
    } catch (OciException e) {
      f.problem = new ImageCandidate.Problem(e.reason(), e.getMessage());
    } catch (AirlockException e) {
      f.problem = new ImageCandidate.Problem(Reason.MANIFEST_MALFORMED, e.getMessage());
    } catch (java.nio.file.NoSuchFileException e) {
      f.problem = new ImageCandidate.Problem(Reason.BLOB_MISSING, e.getMessage() + ": blob missing");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void walk(Found f, Descriptor d, int depth, boolean top) throws IOException {
    if (depth > MAX_INDEX_DEPTH) {
      throw new OciException(Reason.MANIFEST_MALFORMED, blobs.describe(d.digest()) + ": indexes nested too deep");
    }
    if (!blobs.has(d.digest())) {
      if (!top && depth == 1) {
        // A platform manifest absent from the layout (docker's containerd exporter writes the
        // whole index but only the host platform): keep the platform, nothing to store for it.
        return;
      }
      throw new java.nio.file.NoSuchFileException(blobs.describe(d.digest()));
    }
    f.blobs.putIfAbsent(d.digest(), stripped(d));
    f.members.add(d.digest());
    byte[] bytes = blobs.readSmall(d.digest(), limits.maxJsonBytes());
    String what = blobs.describe(d.digest());
    if (MediaTypes.isIndex(d.mediaType())) {
      ImageIndex idx = ImageIndex.parse(bytes, d.mediaType(), what);
      for (Descriptor child : idx.manifests()) {
        if (top) {
          f.platforms.add(child);
        }
        if (MediaTypes.isIndex(child.mediaType()) || MediaTypes.isManifest(child.mediaType())) {
          walk(f, child, depth + 1, false);
        }
      }
    } else {
      Manifest m = Manifest.parse(bytes, d.mediaType(), what);
      for (Descriptor b : m.blobs()) {
        if (!blobs.has(b.digest())) {
          throw new java.nio.file.NoSuchFileException(blobs.describe(b.digest()));
        }
        f.blobs.putIfAbsent(b.digest(), stripped(b));
      }
    }
  }

  private static Descriptor stripped(Descriptor d) {
    return Descriptor.of(d.mediaType(), d.digest(), d.size());
  }

  private static Found owner(Map<Digest, Found> images, Digest subject) {
    Found f = images.get(subject);
    if (f != null) {
      return f;
    }
    for (Found g : images.values()) {
      if (g.members.contains(subject)) {
        return g;
      }
    }
    return null;
  }

  private void attachLegacy(Found f, Carrier c) {
    Optional<Manifest> m = readCarrier(c.manifest().digest(), c.manifest().mediaType());
    if (m.isEmpty() || f.problem != null) {
      return;
    }
    addCarrierBlobs(f, c.manifest(), m.get());
    for (Descriptor layer : m.get().layers()) {
      f.sigs.add(new AttachedSignature(c.kind(), c.subject(), c.manifest().digest(), layer));
    }
  }

  private void attachReferrer(Map<Digest, Found> images, Digest r) {
    Optional<Manifest> m = readCarrier(r, null);
    if (m.isEmpty() || m.get().subject().isEmpty()) {
      return;
    }
    Digest subject = m.get().subject().get().digest();
    Found f = owner(images, subject);
    if (f == null || f.problem != null) {
      return;
    }
    List<Descriptor> bundleLayers = m.get().layers().stream()
        .filter(l -> l.mediaType().startsWith(MediaTypes.SIGSTORE_BUNDLE_PREFIX)).toList();
    if (bundleLayers.isEmpty()) {
      return;
    }
    Descriptor carrier = new Descriptor(m.get().mediaType(), r, blobs.size(r), m.get().annotations(),
        Optional.empty(), m.get().artifactType());
    addCarrierBlobs(f, carrier, m.get());
    for (Descriptor layer : bundleLayers) {
      f.sigs.add(new AttachedSignature(AttachedSignature.Kind.BUNDLE, subject, r, layer));
    }
  }

  /** A carrier whose blobs are not all present is skipped: it proves nothing, and harms nothing. */
  private Optional<Manifest> readCarrier(Digest d, String mediaType) {
    if (!blobs.has(d)) {
      return Optional.empty();
    }
    try {
      Manifest m = Manifest.parse(blobs.readSmall(d, limits.maxJsonBytes()), mediaType, blobs.describe(d));
      for (Descriptor b : m.blobs()) {
        if (!blobs.has(b.digest())) {
          return Optional.empty();
        }
      }
      return Optional.of(m);
    } catch (AirlockException | IOException e) {
      return Optional.empty();
    }
  }

  private static void addCarrierBlobs(Found f, Descriptor carrier, Manifest m) {
    f.blobs.putIfAbsent(carrier.digest(), stripped(carrier));
    for (Descriptor b : m.blobs()) {
      f.blobs.putIfAbsent(b.digest(), stripped(b));
    }
  }

  /** Every loose blob small enough to be a manifest that parses as one and has a subject. */
  private List<Digest> looseManifestsWithSubject(Map<Digest, Found> images) throws IOException {
    List<Digest> out = new ArrayList<>();
    for (Digest d : blobs.list()) {
      if (images.containsKey(d)) {
        continue;
      }
      long size = blobs.size(d);
      if (size < 2 || size > limits.maxJsonBytes()) {
        continue;
      }
      byte[] head;
      try (var in = blobs.open(d)) {
        head = in.readNBytes(1);
      }
      if (head.length == 0 || head[0] != '{') {
        continue;
      }
      try {
        Manifest m = Manifest.parse(blobs.readSmall(d, limits.maxJsonBytes()), null, blobs.describe(d));
        if (m.subject().isPresent()) {
          out.add(d);
        }
      } catch (AirlockException e) {
        // not a manifest (a config, a bundle, an SBOM): not a referrer
      }
    }
    return out;
  }
}
