package dev.airlock.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.AirlockException;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.demo.DemoMedium.Image;
import dev.airlock.media.ImageSource;
import dev.airlock.media.Medium;
import dev.airlock.oci.AttachedSignature;
import dev.airlock.oci.ImageCandidate;
import dev.airlock.oci.ImageReference;
import dev.airlock.policy.Authority;
import dev.airlock.policy.Context;
import dev.airlock.policy.IdentityMatcher;
import dev.airlock.policy.Policy;
import dev.airlock.policy.PolicyEngine;
import dev.airlock.policy.PolicyParser;
import dev.airlock.policy.SignedItem;
import dev.airlock.policy.Subject;
import dev.airlock.tlog.CheckpointRefusedException;
import dev.airlock.tlog.CheckpointStore;
import dev.airlock.tlog.LogKey;
import dev.airlock.trust.KeyAuthority;
import dev.airlock.trust.TransparencyLog;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import dev.airlock.trust.TrustLab;
import dev.airlock.trust.tuf.PinnedRoot;
import dev.airlock.trust.tuf.TufInstaller;
import dev.airlock.verify.Artifact;
import dev.airlock.verify.BundleVerification;
import dev.airlock.verify.BundleVerifier;
import dev.airlock.verify.CosignSignature;
import dev.airlock.verify.Verdict;
import dev.airlock.verify.VerifyOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks of the demo material (issue 6), run on the committed files ({@link DemoMediumTest})
 * and on a fresh generation ({@link DemoMediumGeneratorTest}): the demo root pins, the demo
 * medium's TUF repository installs the lab trusted root and both keys, its checkpoints verify and
 * import, discovery finds five images with their signatures, every signature verifies as intended,
 * and the demo policy decides each image as documented.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DemoChecks {
  Path repoDir;
  Path rootFile;
  Path medium;
  static final Instant LATE = Instant.parse("2035-12-01T00:00:00Z");

  Path tmp;
  Instant now;
  Home home;
  TrustSnapshot snapshot;
  BundleVerifier verifier;
  Map<Image, ImageCandidate> found = new EnumMap<>(Image.class);
  Map<Image, Path> layouts = new EnumMap<>(Image.class);

  @BeforeAll
  void install(@TempDir Path dir) throws IOException {
    tmp = dir;
    now = Clock.systemUTC().instant();
    repoDir = repo(dir.resolve("repo"), now);
    rootFile = repoDir.resolve("trust-root/demo/root.json");
    medium = repoDir.resolve("bundles/demo");
    home = TrustLab.home(tmp.resolve("home"), Files.readAllBytes(rootFile), now);
    TufInstaller.Result r = dev.airlock.appliance.TrustService.install(home, medium.resolve("tuf"), Clock.fixed(now, ZoneOffset.UTC), false);
    snapshot = r.snapshot();
    verifier = new BundleVerifier(snapshot);
    try (Medium m = Medium.open(medium, home, Limits.defaults())) {
      for (ImageSource s : m.images()) {
        for (ImageCandidate c : s.scan(Limits.defaults())) {
          Image img = Image.valueOf(s.folderName().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
          found.put(img, c);
          layouts.put(img, s.dir());
        }
      }
    }
  }

  /** The repository root holding trust-root/demo, bundles/demo and bundles/README.md. */
  abstract Path repo(Path scratch, Instant now) throws IOException;

  /** Whether trust-root/demo/README.md and bundles/README.md exist and must name the root's digest. */
  boolean readmesNameTheRoot() {
    return true;
  }

  @Test
  void demoRootPinsNowAndUntilTheEndOf2035() throws IOException {
    byte[] root = Files.readAllBytes(rootFile);
    for (Instant t : List.of(now, LATE)) {
      PinnedRoot p = PinnedRoot.check(root, rootFile.toString(), t);
      assertEquals(1, p.version());
      assertEquals(2, p.threshold());
      assertEquals(3, p.verifiedKeyIds().size());
    }
    // make-demo gives 'airlock repo init' whole days until 2036-01-01: the root expires on that day
    assertEquals(DemoMedium.EXPIRES, PinnedRoot.check(root, rootFile.toString(), now).expires()
        .truncatedTo(java.time.temporal.ChronoUnit.DAYS));
    // the pinned root is the medium's first root, and the READMEs name its digest
    assertEquals(Hashing.sha256Hex(root), Hashing.sha256Hex(Files.readAllBytes(medium.resolve("tuf/metadata/1.root.json"))));
    if (readmesNameTheRoot()) {
      assertTrue(Files.readString(repoDir.resolve("trust-root/demo/README.md")).contains(Hashing.sha256Hex(root)));
      assertTrue(Files.readString(repoDir.resolve("bundles/README.md")).contains(Hashing.sha256Hex(root)));
    }
  }

  @Test
  void tufInstallsTheLabTrustedRootAndBothKeys() {
    assertEquals(1, snapshot.tufRootVersion());
    assertEquals(1, snapshot.roots().size());
    TrustedRoot tr = snapshot.roots().get(0);
    assertEquals(2, tr.tlogs().size(), "Rekor v1 and v2");
    assertEquals(1, tr.ctlogs().size());
    assertEquals(1, tr.certificateAuthorities().size());
    assertEquals(1, tr.timestampAuthorities().size());
    assertEquals(List.of("keys/hospital-it.pub", "keys/qa.pub"), snapshot.keys().keySet().stream().sorted().toList());
    for (KeyAuthority k : snapshot.keys().values()) {
      assertTrue(k.window().contains(LATE), k.name() + " " + k.window());
      assertFalse(k.window().contains(Instant.parse("2036-01-01T00:00:00Z")), k.name() + " " + k.window());
    }
  }

  @Test
  void tufStillInstallsInDecember2035AndNotAfterExpiry() throws IOException {
    Home late = TrustLab.home(tmp.resolve("late"), Files.readAllBytes(rootFile), LATE);
    TufInstaller.Result r = dev.airlock.appliance.TrustService.install(late, medium.resolve("tuf"), Clock.fixed(LATE, ZoneOffset.UTC), false);
    assertEquals(2, r.snapshot().keys().size());
    Home expired = TrustLab.home(tmp.resolve("expired"), Files.readAllBytes(rootFile), LATE);
    Instant after = Instant.parse("2036-01-02T00:00:00Z");
    AirlockException e = org.junit.jupiter.api.Assertions.assertThrows(AirlockException.class,
        () -> dev.airlock.appliance.TrustService.install(expired, medium.resolve("tuf"), Clock.fixed(after, ZoneOffset.UTC), false));
    assertEquals(Reason.TUF_EXPIRED, e.reason());
  }

  @Test
  void checkpointsVerifyAndImportWithTheirProof() throws IOException {
    List<CheckpointStore.InputFile> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(medium.resolve("checkpoints"))) {
      for (Path p : s.sorted().toList()) {
        files.add(new CheckpointStore.InputFile(p.getFileName().toString(), Files.readAllBytes(p)));
      }
    }
    assertEquals(3, files.size(), "two checkpoints and a proof");
    List<LogKey> keys = new ArrayList<>();
    for (TransparencyLog t : snapshot.roots().get(0).tlogs()) {
      keys.add(LogKey.unnamed(t.key()));
    }
    CheckpointStore.ImportResult r = Database.open(home).transaction(tx -> {
      try {
        return tx.checkpoints().importFiles(files, keys, List.of(), now);
      } catch (CheckpointRefusedException e) {
        throw new AssertionError("refused: " + e.getMessage(), e);
      }
    });
    assertEquals(2, r.added().size());
    assertEquals(1, r.proofsStored());
    assertTrue(r.added().stream().allMatch(c -> c.origin().startsWith("rekor.lab.internal - ")));
  }

  @Test
  void discoveryFindsFiveImagesWithTheirSignatures() {
    assertEquals(Image.values().length, found.size());
    for (Image img : Image.values()) {
      ImageCandidate c = found.get(img);
      assertTrue(c.problem().isEmpty(), img + ": " + c.problem());
      assertEquals(List.of(img.reference), c.references().stream().map(ImageReference::toString).toList(), img.name());
      long legacy = c.signatures().stream().filter(s -> s.kind() == AttachedSignature.Kind.LEGACY_SIGNATURE).count();
      long bundles = c.signatures().stream().filter(s -> s.kind() == AttachedSignature.Kind.BUNDLE).count();
      assertEquals(1, legacy, img.name());
      int expected = switch (img) {
        case DICOM_ANON -> 0;
        case SEG, DET -> 4;
        case CLS -> 3;
        case TRIAGE -> 1;
      };
      assertEquals(expected, bundles, img.name());
    }
  }

  @Test
  void noPrivateKeyIsOnTheMediumOrInTheRoot() throws IOException {
    // bundles/demo/keys holds the DEMO-ONLY keys (encrypted) on purpose; it is not part of the
    // medium: pack never copies it, and no reader looks into keys/ (checked here: nothing else holds one)
    Path keys = medium.resolve("keys");
    List<Path> files;
    try (Stream<Path> s = Stream.concat(Files.walk(medium), Files.walk(rootFile.getParent()))) {
      files = s.filter(Files::isRegularFile).filter(p -> !p.startsWith(keys)).toList();
    }
    assertTrue(files.size() > 50, "walked " + files.size());
    for (Path p : files) {
      String text = new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1);
      assertFalse(text.contains("PRIVATE KEY"), p + " holds a private key");
      assertFalse(text.contains("\"private\""), p + " holds a private key");
    }
  }

  @Test
  void mediumStaysSmall() throws IOException {
    long total;
    try (Stream<Path> s = Files.walk(medium)) {
      total = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    try (Stream<Path> s = Files.list(medium.resolve("keys"))) {
      List<String> names = s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("README.md")).toList();
      assertTrue(names.size() >= 16, "the demo keys are kept: " + names);
      assertTrue(names.stream().allMatch(n -> n.startsWith("demo-") || n.startsWith("DEMO-ONLY-")),
          "every kept key's name says demo: " + names);
    }
    assertTrue(total < 1024 * 1024, "bundles/demo is " + total + " bytes");
  }

  @Test
  void eachSignatureVerifiesAsIntended() {
    VerifyOptions vendor = keyless(DemoMedium.VENDOR_IDENTITY);
    VerifyOptions evil = keyless(DemoMedium.EVIL_IDENTITY);
    VerifyOptions qa = key("keys/qa.pub");
    VerifyOptions it = key("keys/hospital-it.pub");
    for (Image img : Image.values()) {
      List<Material> ms = material(img);
      Material legacy = ms.stream().filter(m -> m.sig().kind() == AttachedSignature.Kind.LEGACY_SIGNATURE).findFirst().orElseThrow();
      VerifyOptions legacyKey = img == Image.DICOM_ANON ? it : qa;
      VerifyOptions otherKey = img == Image.DICOM_ANON ? qa : it;
      assertTrue(legacy.verify(verifier, legacyKey).valid(), img + " .sig: " + legacy.verify(verifier, legacyKey).signature().checks());
      assertEquals(List.of(Reason.SIGNATURE_INVALID), legacy.verify(verifier, otherKey).signature().reasons(), img + " .sig under the other key");
      List<String> types = new ArrayList<>();
      for (Material m : ms) {
        if (m.sig().kind() != AttachedSignature.Kind.BUNDLE) {
          continue;
        }
        BundleVerification asVendor = m.verify(verifier, vendor);
        if (img == Image.TRIAGE) {
          assertFalse(asVendor.valid(), "triage's keyless signature accepted as vendor-ci");
          assertEquals(List.of(Reason.IDENTITY_MISMATCH), asVendor.signature().reasons());
          BundleVerification asEvil = m.verify(verifier, evil);
          assertTrue(asEvil.valid(), "the evil signature is genuine: " + asEvil.signature().checks());
          types.add(asEvil.predicateType());
        } else {
          assertTrue(asVendor.valid(), img + " " + m.sig().layer().digest() + ": " + asVendor.signature().checks());
          assertEquals(DemoMedium.VENDOR_IDENTITY, asVendor.signature().identity());
          // SLSA provenance is logged in Rekor v2 and timestamped by the TSA; the rest in Rekor v1
          assertEquals("https://slsa.dev/provenance/v1".equals(asVendor.predicateType()) ? "rfc3161" : "rekor-set",
              asVendor.signature().timeSource(), img + " " + asVendor.predicateType());
          assertFalse(m.verify(verifier, qa).valid(), "a keyless bundle verified under a key");
          types.add(asVendor.predicateType());
        }
      }
      List<String> want = switch (img) {
        case DICOM_ANON -> List.of();
        case SEG, DET -> List.of(PolicyEngine.VULN_PREDICATE, "https://sigstore.dev/cosign/sign/v1",
            "https://slsa.dev/provenance/v1", "https://spdx.dev/Document");
        case CLS -> List.of(PolicyEngine.VULN_PREDICATE, "https://sigstore.dev/cosign/sign/v1",
            "https://slsa.dev/provenance/v1");
        case TRIAGE -> List.of("https://sigstore.dev/cosign/sign/v1");
      };
      assertEquals(want, types.stream().sorted().toList(), img.name());
    }
  }

  @Test
  void thePolicyDecidesEachImageAsDocumented() throws IOException {
    byte[] bytes = Files.readAllBytes(medium.resolve("policy.yaml"));
    Policy policy = PolicyParser.parse(bytes, "bundles/demo/policy.yaml", medium, "sha256:" + Hashing.sha256Hex(bytes));
    assertEquals("demo-hospital", policy.name());
    assertEquals(Policy.Mode.ENFORCE, policy.mode());
    Context ctx = new Context(now, "system", snapshot.tufRootVersion(), snapshot.id(), Map.of());
    for (Image img : Image.values()) {
      ImageCandidate c = found.get(img);
      List<SignedItem> items = new ArrayList<>();
      for (Material m : material(img)) {
        items.add(new Item(m));
      }
      Subject subject = new Subject(c.digest(), List.of(img.repository()), img.reference,
          img.reference.substring(img.reference.lastIndexOf(':') + 1), false);
      Verdict v = PolicyEngine.decide(policy, subject, items, ctx);
      assertEquals(img.decision, v.decision().json(), img + ": " + v.toJson());
      for (String r : img.reasons.isEmpty() ? List.<String>of() : List.of(img.reasons.split(", "))) {
        assertTrue(v.reasons().contains(Reason.valueOf(r)), img + " lacks " + r + ": " + v.reasons());
      }
      if (img.reasons.isEmpty()) {
        assertEquals(List.of(), v.reasons(), img.name());
      }
    }
  }

  // ---- a small SignedItem adapter (test code; the production adapter lives in cli) -----------

  record Material(AttachedSignature sig, byte[] bytes, ImageCandidate image) {
    BundleVerification verify(BundleVerifier v, VerifyOptions o) {
      if (sig.kind() == AttachedSignature.Kind.BUNDLE) {
        return v.verify(bytes, Artifact.ofDigest(image.digest()), o);
      }
      CosignSignature cs = CosignSignature.fromAnnotations(bytes, sig.layer().mediaType(), sig.layer().annotations());
      return v.verifyCosign(cs, image.digest(), null, o);
    }
  }

  final class Item implements SignedItem {
    private final Material m;

    Item(Material m) {
      this.m = m;
    }

    @Override
    public String source() {
      return m.sig().kind() + " " + m.sig().layer().digest();
    }

    @Override
    public Evaluation evaluate(Authority authority) {
      VerifyOptions o;
      if (authority instanceof Authority.Keyless k) {
        VerifyOptions.Builder b = VerifyOptions.builder();
        b = k.identity().kind() == IdentityMatcher.Kind.REGEXP
            ? b.identityRegexp(k.identity().text()) : b.identity(k.identity().text());
        b = k.issuer().kind() == IdentityMatcher.Kind.REGEXP
            ? b.issuerRegexp(k.issuer().text()) : b.issuer(k.issuer().text());
        o = b.build();
      } else {
        o = key(((Authority.Key) authority).tufTarget());
      }
      BundleVerification r = m.verify(verifier, o);
      return new Evaluation(r.signature(), r.predicateType(), r.predicate());
    }
  }

  List<Material> material(Image img) {
    ImageCandidate c = found.get(img);
    List<Material> out = new ArrayList<>();
    for (AttachedSignature s : c.signatures()) {
      try {
        out.add(new Material(s, Files.readAllBytes(layouts.get(img).resolve("blobs/sha256").resolve(s.layer().digest().hex())), c));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  static VerifyOptions keyless(String identity) {
    return VerifyOptions.builder().identity(identity).issuer(DemoMedium.ISSUER).build();
  }

  VerifyOptions key(String target) {
    KeyAuthority k = snapshot.keys().get(target);
    assertNotNull(k, target);
    // airlock sign logs nothing: the demo policy's key authorities say tlog: false
    // and has no verified signing time: it is judged at the appliance's now (DESIGN 6a, key authorities)
    return VerifyOptions.builder().keyAuthority(k).tlogNotRequiredUnsafe(target).trustedNow(now).build();
  }
}
