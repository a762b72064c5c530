package dev.airlock.cli;

import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.crypto.Hashing;
import dev.airlock.lab.CosignLegacy;
import dev.airlock.lab.LabCrypto;
import dev.airlock.lab.Signer;
import dev.airlock.lab.SigstoreLab;
import dev.airlock.oci.AttachedSignature;
import dev.airlock.oci.BlobSource;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.Digest;
import dev.airlock.oci.ImageCandidate;
import dev.airlock.oci.ImageReference;
import dev.airlock.policy.Context;
import dev.airlock.policy.Policy;
import dev.airlock.policy.PolicyParser;
import dev.airlock.store.BlobStore;
import dev.airlock.store.StoredImage;
import dev.airlock.trust.KeyAuthority;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import dev.airlock.trust.ValidityWindow;
import dev.airlock.verify.BundleVerifier;
import dev.airlock.verify.CosignSignature;
import dev.airlock.verify.Verdict;
import dev.airlock.verify.VerifyOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code scripts/bench policy}: re-evaluates N stored images (lab-made, one key-pair cosign
 * signature each, with a Rekor SET) under a changed policy, through the real path of
 * {@code verify}: read every image record, verify its signature material from the content store
 * per authority, decide, store the decision. Reference in the same run: verifying the same N
 * signatures alone (BundleVerifier.verifyCosign), so the ratio shows what the store, the policy
 * and the decision records add. Not a test.
 */
public final class PolicyBench {
  private PolicyBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Path work = Files.createTempDirectory("airlock-policy-bench");
    Home home = Home.at(work.resolve("home"));
    Files.createDirectories(home.blobs().resolve("sha256"));
    Database db = Database.create(home);
    BlobStore blobs = BlobStore.at(home);
    Instant now = Instant.parse("2026-11-22T10:00:00Z");
    SigstoreLab lab = SigstoreLab.create(7);
    Signer signer = lab.key(LabCrypto.KeyKind.ECDSA_P256, "bench");
    TrustedRoot root = TrustedRoot.parse(lab.trustedRoot().json().getBytes(StandardCharsets.UTF_8), "lab");
    KeyAuthority key = new KeyAuthority("keys/bench.pub", signer.keyPair().getPublic(), ValidityWindow.ALWAYS);
    TrustSnapshot trust = new TrustSnapshot("sha256:" + "b".repeat(64), 1, now, List.of(root),
        Map.of("keys/bench.pub", key), Map.of());
    System.out.printf(Locale.ROOT, "airlock policy benchmark (%d CPUs, java %s), %d images, work dir %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), n, work);

    long t0 = System.nanoTime();
    List<CosignSignature> sigs = new ArrayList<>();
    List<Digest> digests = new ArrayList<>();
    BlobSource none = new NoBlobs();
    for (int batch = 0; batch < n; batch += 1000) {
      List<ImageCandidate> cands = new ArrayList<>();
      for (int i = batch; i < Math.min(n, batch + 1000); i++) {
        String repo = "reg.bench.example/app" + i;
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},"
            + "\"layers\":[],\"annotations\":{\"n\":\"" + i + "\"}}").getBytes(StandardCharsets.UTF_8);
        Digest md = Digest.sha256(Hashing.sha256(manifest));
        blobs.put(new ByteArrayInputStream(manifest), md, manifest.length, "manifest " + i);
        byte[] payload = CosignLegacy.simpleSigningPayload(repo, md.toString(), null);
        CosignLegacy.OciSignatureLayer layer = lab.cosign().signature(signer, payload, true, false);
        Digest pd = Digest.sha256(Hashing.sha256(layer.payload()));
        blobs.put(new ByteArrayInputStream(layer.payload()), pd, layer.payload().length, "signature " + i);
        Descriptor sigLayer = new Descriptor(layer.mediaType(), pd, layer.payload().length, layer.annotations(),
            Optional.empty(), Optional.empty());
        AttachedSignature att = new AttachedSignature(AttachedSignature.Kind.LEGACY_SIGNATURE, md, md, sigLayer);
        Descriptor top = Descriptor.of("application/vnd.oci.image.manifest.v1+json", md, manifest.length);
        cands.add(new ImageCandidate("bench/" + i, top, List.of(ImageReference.parse(repo + ":1.0")), List.of(),
            List.of(top, sigLayer), List.of(att), Optional.empty(), none));
        sigs.add(CosignSignature.fromAnnotations(layer.payload(), layer.mediaType(), layer.annotations()));
        digests.add(md);
      }
      db.transaction(tx -> {
        for (ImageCandidate c : cands) {
          tx.images().record(c, now);
        }
        return null;
      });
    }
    System.out.printf(Locale.ROOT, "setup: %d signed images stored in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);

    Policy before = policy("bench-v1", "reg.bench.example/**", "enforce");
    Policy after = policy("bench-v2", "reg.bench.example/app*", "warn");
    dev.airlock.appliance.CosignFlags flags = dev.airlock.appliance.CosignFlags.NONE;
    // warm-up: decide everything once under the old policy (JIT, caches), as the import did
    int[] admitted = {0};
    decideAll(db, before, trust, blobs, now, flags, admitted);
    if (admitted[0] != n) {
      throw new IllegalStateException("setup broken: " + admitted[0] + " of " + n + " admitted");
    }

    // reference: the same signatures verified alone, no store, no policy
    BundleVerifier verifier = new BundleVerifier(trust);
    VerifyOptions opts = VerifyOptions.builder().keyAuthority(key).build();
    long r0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      if (!verifier.verifyCosign(sigs.get(i), digests.get(i), null, opts).valid()) {
        throw new IllegalStateException("reference verification failed for image " + i);
      }
    }
    double refSecs = (System.nanoTime() - r0) / 1e9;

    admitted[0] = 0;
    long p0 = System.nanoTime();
    decideAll(db, after, trust, blobs, now, flags, admitted);
    double secs = (System.nanoTime() - p0) / 1e9;
    if (admitted[0] != n) {
      throw new IllegalStateException(admitted[0] + " of " + n + " admitted under the changed policy");
    }
    System.out.printf(Locale.ROOT, "reference: verify %d cosign signatures alone: %.2f s = %.0f signatures/s%n",
        n, refSecs, n / refSecs);
    System.out.printf(Locale.ROOT, "re-evaluate %d stored images under a changed policy (read record, verify from "
        + "the store, decide, store verdict): %.2f s = %.0f images/s (%.2fx the reference time)%n",
        n, secs, n / secs, secs / refSecs);
    try (java.util.stream.Stream<Path> files = Files.walk(work)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void decideAll(Database db, Policy policy, TrustSnapshot trust, BlobStore blobs, Instant now,
      dev.airlock.appliance.CosignFlags flags, int[] admitted) {
    db.transaction(tx -> {
      Context ctx = new Context(now, "system", 1, trust.id(), Map.of());
      for (StoredImage img : tx.images().list()) {
        java.util.List<String> repos = img.references().stream()
            .map(r -> dev.airlock.oci.ImageReference.parse(r).repository()).distinct().toList();
        Verdict v = dev.airlock.policy.PolicyEngine.decide(policy,
            new dev.airlock.policy.Subject(img.digest(), repos, null, null, false),
            dev.airlock.appliance.SignedMaterial.items(tx, img, trust, blobs, policy, flags, null, now), ctx);
        tx.images().setDecision(img.digest(), v.decision().json(), v.toJson().toString(), now);
        admitted[0] += v.admitted() ? 1 : 0;
      }
      return null;
    });
  }

  private static Policy policy(String name, String match, String mode) {
    String yaml = "apiVersion: airlock/v1\nkind: Policy\nname: " + name + "\nmode: " + mode + "\n"
        + "authorities:\n  bench: {key: {tuf: keys/bench.pub}}\n"
        + "images:\n  - match: \"" + match + "\"\n    signatures: {threshold: 1, from: [bench]}\n";
    byte[] b = yaml.getBytes(StandardCharsets.UTF_8);
    return PolicyParser.parse(b, name, null, "sha256:" + Hashing.sha256Hex(b));
  }

  /** The images are recorded directly; nothing is copied from a medium. */
  private static final class NoBlobs implements BlobSource {
    @Override
    public InputStream open(Digest digest) throws IOException {
      throw new java.nio.file.NoSuchFileException(digest.toString());
    }

    @Override
    public boolean has(Digest digest) {
      return false;
    }

    @Override
    public long size(Digest digest) {
      return -1;
    }

    @Override
    public List<Digest> list() {
      return List.of();
    }

    @Override
    public String describe(Digest digest) {
      return digest.toString();
    }
  }
}
