package dev.airlock.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.Home;
import dev.airlock.core.Limits;
import dev.airlock.lab.oci.DockerArchiveWriter;
import dev.airlock.lab.oci.OciLayoutWriter;
import dev.airlock.lab.oci.Tars;
import dev.airlock.oci.Annotations;
import dev.airlock.oci.AttachedSignature;
import dev.airlock.oci.AttachedSignature.Kind;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.Digest;
import dev.airlock.oci.ImageCandidate;
import dev.airlock.oci.MediaTypes;
import dev.airlock.oci.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Layouts and archives as real tools write them, and every kind of attached signature. */
class DiscoveryTest {
  @TempDir Path tmp;

  /** What the lab wrote, to compare with what the scanner found. */
  record Written(Descriptor single, Descriptor index, List<Descriptor> platformManifests,
      Map<Kind, List<Digest>> carriers, Descriptor looseReferrer, Descriptor listedReferrer,
      Descriptor childReferrer) {}

  static Written writeLayout(Path dir) {
    OciLayoutWriter w = new OciLayoutWriter(dir, 42);
    Descriptor a = w.image(2, 1000);
    Descriptor arm = w.image(1, 500);
    Descriptor amd = w.image(1, 600);
    Descriptor idx = w.index(List.of(amd, arm),
        List.of(new Platform("linux", "amd64", null, null, null), new Platform("linux", "arm64", "v8", null, null)));
    Descriptor sig = w.legacyAttachment(a, "sig");
    Descriptor att = w.legacyAttachment(a, "att");
    Descriptor sbom = w.legacyAttachment(a, "sbom");
    Descriptor listed = w.referrerBundle(a, "https://slsa.dev/provenance/v1");
    Descriptor loose = w.referrerBundle(a, "https://sigstore.dev/cosign/sign/v1");
    Descriptor childRef = w.referrerBundle(arm, "https://sigstore.dev/cosign/sign/v1");
    Descriptor idxSig = w.legacyAttachment(idx, "sig");
    // a referrer of something else on the medium: ignored
    w.referrerBundle(Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.parse("sha256:" + "0".repeat(64)), 10),
        "https://sigstore.dev/cosign/sign/v1");
    w.list(a, Map.of(Annotations.CONTAINERD_IMAGE_NAME, "reg.example/app:1.0", Annotations.REF_NAME, "1.0"))
        .list(idx, Map.of(Annotations.REF_NAME, "2.0"))
        .list(sig, Map.of(Annotations.REF_NAME, OciLayoutWriter.legacyTag(a, "sig")))
        .list(att, Map.of(Annotations.REF_NAME, OciLayoutWriter.legacyTag(a, "att")))
        .list(sbom, Map.of(Annotations.CONTAINERD_IMAGE_NAME, "reg.example/app:" + OciLayoutWriter.legacyTag(a, "sbom")))
        .list(idxSig, Map.of(Annotations.REF_NAME, OciLayoutWriter.legacyTag(idx, "sig")))
        .list(listed, Map.of())
        .writeIndex();
    return new Written(a, idx, List.of(amd, arm), Map.of(Kind.LEGACY_SIGNATURE, List.of(sig.digest(), idxSig.digest()),
        Kind.LEGACY_ATTESTATION, List.of(att.digest()), Kind.LEGACY_SBOM, List.of(sbom.digest())), loose, listed,
        childRef);
  }

  static List<ImageCandidate> scanAll(Medium m) throws IOException {
    List<ImageCandidate> all = new ArrayList<>();
    for (ImageSource s : m.images()) {
      all.addAll(s.scan(Limits.defaults()));
    }
    return all;
  }

  static ImageCandidate byDigest(List<ImageCandidate> cs, Digest d) {
    return cs.stream().filter(c -> c.digest().equals(d)).findFirst().orElseThrow(() -> new AssertionError("no " + d));
  }

  static Set<Digest> carriers(ImageCandidate c, Kind k) {
    return c.signatures().stream().filter(s -> s.kind() == k).map(AttachedSignature::carrier).collect(Collectors.toSet());
  }

  void assertLayoutFound(List<ImageCandidate> cs, Written w, String fallbackRepo) {
    assertEquals(2, cs.size(), "two images; signature manifests and referrers are not images");
    ImageCandidate a = byDigest(cs, w.single().digest());
    assertTrue(a.problem().isEmpty(), a.problem().toString());
    assertEquals(List.of("reg.example/app:1.0"), a.references().stream().map(Object::toString).toList());
    assertEquals(Set.of(w.carriers().get(Kind.LEGACY_SIGNATURE).get(0)), carriers(a, Kind.LEGACY_SIGNATURE));
    assertEquals(Set.copyOf(w.carriers().get(Kind.LEGACY_ATTESTATION)), carriers(a, Kind.LEGACY_ATTESTATION));
    assertEquals(Set.copyOf(w.carriers().get(Kind.LEGACY_SBOM)), carriers(a, Kind.LEGACY_SBOM));
    assertEquals(Set.of(w.looseReferrer().digest(), w.listedReferrer().digest()), carriers(a, Kind.BUNDLE));
    for (AttachedSignature s : a.signatures()) {
      assertEquals(w.single().digest(), s.subject());
      assertTrue(a.blobs().stream().anyMatch(b -> b.digest().equals(s.carrier())), "carrier stored");
      assertTrue(a.blobs().stream().anyMatch(b -> b.digest().equals(s.layer().digest())), "layer stored");
    }
    AttachedSignature legacy = a.signatures().stream().filter(s -> s.kind() == Kind.LEGACY_SIGNATURE).findFirst().orElseThrow();
    assertEquals(MediaTypes.COSIGN_SIMPLE_SIGNING, legacy.layer().mediaType());
    assertTrue(legacy.layer().annotations().containsKey("dev.cosignproject.cosign/signature"));
    assertTrue(legacy.layer().annotations().containsKey("dev.sigstore.cosign/bundle"));
    assertTrue(a.signatures().stream().filter(s -> s.kind() == Kind.BUNDLE)
        .allMatch(s -> s.layer().mediaType().startsWith("application/vnd.dev.sigstore.bundle")));

    ImageCandidate idx = byDigest(cs, w.index().digest());
    assertTrue(idx.problem().isEmpty(), idx.problem().toString());
    assertEquals(List.of(fallbackRepo + ":2.0"), idx.references().stream().map(Object::toString).toList());
    assertEquals(List.of("linux/amd64", "linux/arm64/v8"),
        idx.platforms().stream().map(p -> p.platform().orElseThrow().toString()).toList());
    for (Descriptor p : w.platformManifests()) {
      assertTrue(idx.blobs().stream().anyMatch(b -> b.digest().equals(p.digest())), "platform manifest stored");
    }
    assertEquals(idx.digest(), idx.blobs().get(0).digest(), "the top index comes first");
    AttachedSignature child = idx.signatures().stream().filter(s -> s.kind() == Kind.BUNDLE).findFirst().orElseThrow();
    assertEquals(w.platformManifests().get(1).digest(), child.subject(), "a referrer of a platform manifest");
    assertEquals(w.childReferrer().digest(), child.carrier());
    assertEquals(Set.of(w.carriers().get(Kind.LEGACY_SIGNATURE).get(1)), carriers(idx, Kind.LEGACY_SIGNATURE));
  }

  @Test
  void folderMediumWithLayoutUnderImages() throws IOException {
    Written w = writeLayout(tmp.resolve("medium/images/app"));
    Home home = Home.at(tmp.resolve("home"));
    try (Medium m = Medium.open(tmp.resolve("medium"), home, Limits.defaults())) {
      assertEquals(1, m.images().size());
      assertLayoutFound(scanAll(m), w, "docker.io/library/app");
    }
    assertTrue(!Files.exists(home.root()) || !Files.exists(home.staging()), "a folder medium needs no staging");
  }

  @ParameterizedTest
  @EnumSource(Tars.Compression.class)
  void archivedMediumAndNestedOciArchive(Tars.Compression c) throws IOException {
    Written w = writeLayout(tmp.resolve("layout"));
    Path medium = Files.createDirectories(tmp.resolve("medium/images"));
    Tars.tar(tmp.resolve("layout"), medium.resolve("seg.tar"), c);
    Files.createDirectories(tmp.resolve("medium/checkpoints"));
    Files.writeString(tmp.resolve("medium/checkpoints/a.checkpoint"), "log\n1\nx\n");
    Files.createDirectories(tmp.resolve("medium/tuf"));
    Path archive = tmp.resolve("medium.tar.any");
    Tars.tar(tmp.resolve("medium"), archive, c);
    Home home = Home.at(tmp.resolve("home"));
    try (Medium m = Medium.open(archive, home, Limits.defaults())) {
      assertTrue(m.tufDir().isPresent());
      assertEquals(1, m.checkpointFiles().size());
      assertTrue(m.root().startsWith(home.staging()), "unpacked inside the home's staging");
      assertLayoutFound(scanAll(m), w, "docker.io/library/seg");
    }
    try (var s = Files.list(home.staging())) {
      assertEquals(0, s.count(), "closing deletes the staging folder");
    }
  }

  @Test
  void mediumThatIsItselfAnOciArchive() throws IOException {
    Written w = writeLayout(tmp.resolve("layout"));
    Path archive = tmp.resolve("app.tar.zst");
    Tars.tar(tmp.resolve("layout"), archive, Tars.Compression.ZSTD);
    try (Medium m = Medium.open(archive, Home.at(tmp.resolve("home")), Limits.defaults())) {
      assertEquals(1, m.images().size());
      List<ImageCandidate> cs = scanAll(m);
      ImageCandidate idx = byDigest(cs, w.index().digest());
      assertEquals(List.of(), idx.references(), "no folder name, a bare tag names nothing");
      assertEquals(2, cs.size());
    }
  }

  @Test
  void cosignSaveLayoutWithKindAnnotations() throws IOException {
    Path dir = tmp.resolve("medium/images/app");
    OciLayoutWriter w = new OciLayoutWriter(dir, 7);
    Descriptor img = w.image(1, 100);
    Descriptor sig = w.legacyAttachment(img, "sig");
    Descriptor att = w.legacyAttachment(img, "att");
    Descriptor loose = w.referrerBundle(img, "https://sigstore.dev/cosign/sign/v1");
    w.list(img, Map.of(Annotations.COSIGN_KIND, Annotations.KIND_IMAGE))
        .list(sig, Map.of(Annotations.COSIGN_KIND, Annotations.KIND_SIGS))
        .list(att, Map.of(Annotations.COSIGN_KIND, Annotations.KIND_ATTS))
        .writeIndex();
    try (Medium m = Medium.open(tmp.resolve("medium"), Home.at(tmp.resolve("home")), Limits.defaults())) {
      List<ImageCandidate> cs = scanAll(m);
      assertEquals(1, cs.size());
      ImageCandidate c = cs.get(0);
      assertEquals(Set.of(sig.digest()), carriers(c, Kind.LEGACY_SIGNATURE));
      assertEquals(Set.of(att.digest()), carriers(c, Kind.LEGACY_ATTESTATION));
      assertEquals(Set.of(loose.digest()), carriers(c, Kind.BUNDLE));
      assertEquals(List.of("docker.io/library/app"), c.references().stream().map(Object::toString).toList());
    }
  }

  @Test
  void missingLayerRejectsOnlyThatImage() throws IOException {
    Path dir = tmp.resolve("medium/images/app");
    OciLayoutWriter w = new OciLayoutWriter(dir, 9);
    Descriptor good = w.image(1, 100);
    Descriptor bad = w.image(2, 100);
    byte[] manifest = Files.readAllBytes(w.blobPath(bad.digest()));
    String layer = dev.airlock.core.Json.parse(manifest, "m").path("layers").get(1).path("digest").asText();
    Files.delete(w.blobPath(Digest.parse(layer)));
    w.list(good, Map.of(Annotations.REF_NAME, "good")).list(bad, Map.of(Annotations.REF_NAME, "bad")).writeIndex();
    try (Medium m = Medium.open(tmp.resolve("medium"), Home.at(tmp.resolve("home")), Limits.defaults())) {
      List<ImageCandidate> cs = scanAll(m);
      assertTrue(byDigest(cs, good.digest()).problem().isEmpty());
      assertEquals(dev.airlock.core.Reason.BLOB_MISSING, byDigest(cs, bad.digest()).problem().orElseThrow().reason());
    }
  }

  @Test
  void tamperedManifestIsRejectedBeforeItIsUsedAndATamperedLooseReferrerIsIgnored() throws IOException {
    Path dir = tmp.resolve("medium/images/app");
    OciLayoutWriter w = new OciLayoutWriter(dir, 10);
    Descriptor good = w.image(1, 100);
    Descriptor bad = w.image(1, 100);
    Descriptor loose = w.referrerBundle(good, "https://sigstore.dev/cosign/sign/v1");
    for (Descriptor d : List.of(bad, loose)) {
      String text = Files.readString(w.blobPath(d.digest()));
      Files.writeString(w.blobPath(d.digest()), text.replace("\"schemaVersion\":2", "\"schemaVersion\": 2"));
    }
    w.list(good, Map.of()).list(bad, Map.of()).writeIndex();
    try (Medium m = Medium.open(tmp.resolve("medium"), Home.at(tmp.resolve("home")), Limits.defaults())) {
      List<ImageCandidate> cs = scanAll(m);
      ImageCandidate b = byDigest(cs, bad.digest());
      assertEquals(dev.airlock.core.Reason.BLOB_DIGEST_MISMATCH, b.problem().orElseThrow().reason());
      ImageCandidate g = byDigest(cs, good.digest());
      assertTrue(g.problem().isEmpty());
      assertEquals(List.of(), g.signatures(), "a referrer whose bytes do not match its name is not used");
    }
  }

  @Test
  void legacyDockerArchive() throws IOException {
    DockerArchiveWriter.legacy(tmp.resolve("d"), List.of("app:1.4", "reg.example/x/app:1.4"), 2, 3);
    Path medium = Files.createDirectories(tmp.resolve("medium/images"));
    Tars.tar(tmp.resolve("d"), medium.resolve("app.tar"), Tars.Compression.NONE);
    try (Medium m = Medium.open(tmp.resolve("medium"), Home.at(tmp.resolve("home")), Limits.defaults())) {
      assertEquals(ImageSource.Format.DOCKER_ARCHIVE, m.images().get(0).format());
      List<ImageCandidate> cs = scanAll(m);
      assertEquals(1, cs.size());
      ImageCandidate c = cs.get(0);
      assertTrue(c.problem().isEmpty());
      assertEquals(List.of("docker.io/library/app:1.4", "reg.example/x/app:1.4"),
          c.references().stream().map(Object::toString).toList());
      assertEquals(MediaTypes.DOCKER_MANIFEST, c.image().mediaType());
      assertEquals(4, c.blobs().size(), "manifest, config, two layers");
      byte[] manifest = c.blobSource().readSmall(c.digest(), 1 << 20);
      assertEquals(c.digest(), Digest.sha256(dev.airlock.crypto.Hashing.sha256(manifest)));
    }
  }

  @Test
  void hybridDockerArchiveTakesRepoTags() throws IOException {
    Descriptor m0 = DockerArchiveWriter.hybrid(tmp.resolve("d"), "reg.example/app:25", 5);
    Path medium = Files.createDirectories(tmp.resolve("medium/images"));
    Tars.tar(tmp.resolve("d"), medium.resolve("app.tar.gz"), Tars.Compression.GZIP);
    try (Medium m = Medium.open(tmp.resolve("medium"), Home.at(tmp.resolve("home")), Limits.defaults())) {
      assertEquals(ImageSource.Format.OCI_LAYOUT, m.images().get(0).format());
      List<ImageCandidate> cs = scanAll(m);
      assertEquals(1, cs.size());
      assertEquals(m0.digest(), cs.get(0).digest());
      assertEquals(List.of("reg.example/app:25"), cs.get(0).references().stream().map(Object::toString).toList());
    }
  }
}
