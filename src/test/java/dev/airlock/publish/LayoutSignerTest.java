package dev.airlock.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Json;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.crypto.KeyAlgorithm;
import dev.airlock.crypto.PrivateKeys;
import dev.airlock.crypto.SigningKey;
import dev.airlock.lab.CosignKeys;
import dev.airlock.lab.oci.OciLayoutWriter;
import dev.airlock.media.Medium;
import dev.airlock.oci.Annotations;
import dev.airlock.oci.AttachedSignature;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.Digest;
import dev.airlock.oci.ImageCandidate;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.verify.Artifact;
import dev.airlock.verify.BundleVerification;
import dev.airlock.verify.BundleVerifier;
import dev.airlock.verify.Check;
import dev.airlock.verify.CosignSignature;
import dev.airlock.verify.VerifyOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publisher's signatures, checked by airlock's own verifier after reading the layout back
 * the way import does: valid ones verify (only for an authority that needs no log), every mutation
 * is rejected, co-signatures accumulate, a failure leaves index.json untouched, and skopeo still
 * reads the layout.
 */
class LayoutSignerTest {
  static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
  static final BundleVerifier VERIFIER = new BundleVerifier(TrustSnapshot.ofRoots("none", NOW, List.of()));
  static final byte[] SLSA = ("{\"buildDefinition\":{\"buildType\":\"https://ci.vendor.example/build/v1\"},"
      + "\"runDetails\":{\"builder\":{\"id\":\"https://ci.vendor.example/builder\"}}}").getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;

  record Layout(Path dir, Descriptor image) {}

  Layout layout(String name, long seed) {
    OciLayoutWriter w = new OciLayoutWriter(tmp.resolve(name), seed);
    Descriptor img = w.image(2, 1500);
    w.list(img, Map.of(Annotations.REF_NAME, "1.0", Annotations.CONTAINERD_IMAGE_NAME, "reg.example/ai/seg:1.0"))
        .writeIndex();
    return new Layout(w.dir(), img);
  }

  static SigningKey key(KeyAlgorithm a) {
    return PrivateKeys.of(a.generate());
  }

  static LayoutSigner.Result sign(Path dir, String ref, SigningKey k, LayoutSigner.Attestation att, boolean bundle) {
    return LayoutSigner.sign(new LayoutSigner.Request(dir, ref, k, att, bundle, NOW));
  }

  static VerifyOptions offline(SigningKey k) {
    return VerifyOptions.builder().key(k.publicKey()).tlogNotRequiredUnsafe("vendor").build();
  }

  /** What import finds in the layout (media + oci stages), with each layer's bytes. */
  record Found(AttachedSignature a, byte[] bytes) {}

  List<Found> scan(Path dir) throws Exception {
    List<Found> out = new ArrayList<>();
    try (Medium m = Medium.open(dir, Home.at(tmp.resolve("home-" + System.nanoTime())), Limits.defaults())) {
      for (var s : m.images()) {
        for (ImageCandidate c : s.scan(Limits.defaults())) {
          assertTrue(c.problem().isEmpty(), c.problem().toString());
          for (AttachedSignature a : c.signatures()) {
            out.add(new Found(a, Files.readAllBytes(dir.resolve("blobs/sha256").resolve(a.layer().digest().hex()))));
          }
        }
      }
    }
    return out;
  }

  static List<Found> of(List<Found> all, AttachedSignature.Kind kind) {
    return all.stream().filter(f -> f.a().kind() == kind).toList();
  }

  static BundleVerification verifySig(Found f, Digest image, VerifyOptions o) {
    return VERIFIER.verifyCosign(CosignSignature.fromAnnotations(f.bytes(), f.a().layer().mediaType(),
        f.a().layer().annotations()), image, null, o);
  }

  static BundleVerification verifySig(byte[] payload, Map<String, String> ann, Digest image, VerifyOptions o) {
    return VERIFIER.verifyCosign(CosignSignature.fromAnnotations(payload,
        "application/vnd.dev.cosign.simplesigning.v1+json", ann), image, null, o);
  }

  static Check check(BundleVerification v, String id) {
    return v.signature().checks().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow(
        () -> new AssertionError("no check " + id + " in " + v.signature().checks()));
  }

  // ---- round trips ---------------------------------------------------------------------------

  @Test
  void signatureVerifiesOnlyForAnAuthorityThatNeedsNoLog() throws Exception {
    Layout l = layout("app", 1);
    SigningKey k = key(KeyAlgorithm.ECDSA_P256);
    LayoutSigner.Result r = sign(l.dir(), null, k, null, false);
    assertEquals(l.image().digest(), r.image());
    assertEquals("reg.example/ai/seg", r.dockerReference());
    List<Found> sigs = of(scan(l.dir()), AttachedSignature.Kind.LEGACY_SIGNATURE);
    assertEquals(1, sigs.size());
    Found f = sigs.get(0);
    JsonNode payload = Json.parse(f.bytes(), "payload");
    assertEquals(l.image().digest().toString(), payload.at("/critical/image/docker-manifest-digest").asText());
    assertEquals("cosign container image signature", payload.at("/critical/type").asText());
    assertEquals("reg.example/ai/seg", payload.at("/critical/identity/docker-reference").asText());
    assertTrue(payload.get("optional").isNull());

    BundleVerification ok = verifySig(f, l.image().digest(), offline(k));
    assertTrue(ok.valid(), ok.signature().checks().toString());
    assertEquals("not required by authority vendor", check(ok, "tlog.required").detail());
    assertEquals(dev.airlock.verify.Outcome.SKIP, check(ok, "option.tlog-not-required").outcome());

    // the secure default: a signature without a log entry is denied
    BundleVerification strict = verifySig(f, l.image().digest(), VerifyOptions.builder().key(k.publicKey()).build());
    assertFalse(strict.valid());
    assertEquals(List.of(Reason.TLOG_ENTRY_MISSING), strict.signature().reasons());

    // another key does not verify it
    BundleVerification other = verifySig(f, l.image().digest(), offline(key(KeyAlgorithm.ECDSA_P256)));
    assertFalse(other.valid());
  }

  @Test
  void everyKeygenAlgorithmSignsAndAttestsVerifiably() throws Exception {
    for (KeyAlgorithm a : KeyAlgorithm.values()) {
      Layout l = layout("app-" + a.cliName(), 2);
      SigningKey k = key(a);
      sign(l.dir(), "1.0", k, null, false);
      sign(l.dir(), "1.0", k, new LayoutSigner.Attestation("https://slsa.dev/provenance/v1", SLSA), false);
      List<Found> all = scan(l.dir());
      Found s = of(all, AttachedSignature.Kind.LEGACY_SIGNATURE).get(0);
      BundleVerification v = verifySig(s, l.image().digest(), offline(k));
      assertTrue(v.valid(), a + ": " + v.signature().checks());
      Found att = of(all, AttachedSignature.Kind.LEGACY_ATTESTATION).get(0);
      BundleVerification va = VERIFIER.verifyCosignAttestation(att.bytes(), att.a().layer().annotations(),
          l.image().digest(), offline(k));
      assertTrue(va.valid(), a + ": " + va.signature().checks());
      assertEquals("https://slsa.dev/provenance/v1", va.predicateType());
      assertEquals("https://ci.vendor.example/builder", va.predicate().at("/runDetails/builder/id").asText());
    }
  }

  @Test
  void attestationLayerIsCosignShaped() throws Exception {
    Layout l = layout("app", 3);
    SigningKey k = key(KeyAlgorithm.ECDSA_P256);
    LayoutSigner.Result r = sign(l.dir(), null, k, new LayoutSigner.Attestation(PredicateTypes.resolve("slsaprovenance1"), SLSA), false);
    assertEquals("https://slsa.dev/provenance/v1", r.predicateType());
    Found att = of(scan(l.dir()), AttachedSignature.Kind.LEGACY_ATTESTATION).get(0);
    assertEquals("application/vnd.dsse.envelope.v1+json", att.a().layer().mediaType());
    assertEquals(Map.of("dev.cosignproject.cosign/signature", "", "predicateType", "https://slsa.dev/provenance/v1"),
        att.a().layer().annotations());
    JsonNode env = Json.parse(att.bytes(), "envelope");
    assertEquals("application/vnd.in-toto+json", env.get("payloadType").asText());
    JsonNode st = Json.parse(Base64.getDecoder().decode(env.get("payload").asText()), "statement");
    assertEquals("https://in-toto.io/Statement/v1", st.get("_type").asText());
    assertEquals(l.image().digest().hex(), st.at("/subject/0/digest/sha256").asText());
    assertEquals("https://slsa.dev/provenance/v1", st.get("predicateType").asText());
    assertEquals(Json.parse(SLSA, "p"), st.get("predicate"));
    // the .att manifest is found by its tag, and its layer digest is what the result says
    assertEquals(r.written().get(0).layer(), att.a().layer().digest());
    assertEquals("sha256-" + l.image().digest().hex() + ".att", r.written().get(0).tag());
  }

  @Test
  void bundleReferrersVerifyForSignaturesAndAttestations() throws Exception {
    Layout l = layout("app", 4);
    SigningKey k = key(KeyAlgorithm.ECDSA_P256);
    sign(l.dir(), null, k, null, true);
    sign(l.dir(), null, k, new LayoutSigner.Attestation("https://spdx.dev/Document", "{\"spdxVersion\":\"SPDX-2.3\"}"
        .getBytes(StandardCharsets.UTF_8)), true);
    List<Found> bundles = of(scan(l.dir()), AttachedSignature.Kind.BUNDLE);
    assertEquals(2, bundles.size(), bundles.toString());
    List<String> types = new ArrayList<>();
    for (Found b : bundles) {
      JsonNode j = Json.parse(b.bytes(), "bundle");
      assertEquals("application/vnd.dev.sigstore.bundle.v0.3+json", j.get("mediaType").asText());
      assertEquals(k.hint(), j.at("/verificationMaterial/publicKey/hint").asText());
      assertFalse(j.get("verificationMaterial").has("tlogEntries"));
      BundleVerification v = VERIFIER.verify(b.bytes(), Artifact.ofDigest(l.image().digest()), offline(k));
      assertTrue(v.valid(), v.signature().checks().toString());
      types.add(v.predicateType());
      BundleVerification strict = VERIFIER.verify(b.bytes(), Artifact.ofDigest(l.image().digest()),
          VerifyOptions.builder().key(k.publicKey()).build());
      assertFalse(strict.valid(), "no log entry, no tlog: false: denied");
      Digest other = Digest.sha256(new byte[32]);
      assertFalse(VERIFIER.verify(b.bytes(), Artifact.ofDigest(other), offline(k)).valid(), "other image");
    }
    assertEquals(List.of("https://sigstore.dev/cosign/sign/v1", "https://spdx.dev/Document"), types.stream().sorted().toList());
  }

  // ---- rejection -----------------------------------------------------------------------------

  @Test
  void mutatedSignaturesPayloadsAndDigestsAreRejected() throws Exception {
    Layout l = layout("app", 5);
    SigningKey k = key(KeyAlgorithm.ECDSA_P256);
    sign(l.dir(), null, k, null, false);
    Found f = of(scan(l.dir()), AttachedSignature.Kind.LEGACY_SIGNATURE).get(0);
    VerifyOptions o = offline(k);
    Digest image = l.image().digest();
    assertTrue(verifySig(f, image, o).valid());
    byte[] sig = Base64.getDecoder().decode(f.a().layer().annotations().get("dev.cosignproject.cosign/signature"));
    int rejected = 0;
    for (int bit = 0; bit < sig.length * 8; bit++) {
      byte[] bad = sig.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      assertFalse(verifySig(f.bytes(), Map.of("dev.cosignproject.cosign/signature",
          Base64.getEncoder().encodeToString(bad)), image, o).valid(), "signature bit " + bit);
      rejected++;
    }
    for (byte[] bad : List.of(java.util.Arrays.copyOf(sig, sig.length - 1), java.util.Arrays.copyOf(sig, sig.length + 1))) {
      assertFalse(verifySig(f.bytes(), Map.of("dev.cosignproject.cosign/signature",
          Base64.getEncoder().encodeToString(bad)), image, o).valid(), "truncated/extended signature");
    }
    Map<String, String> ann = f.a().layer().annotations();
    for (int i = 0; i < f.bytes().length; i++) {
      byte[] bad = f.bytes().clone();
      bad[i] ^= 0x01;
      assertFalse(verifySig(bad, ann, image, o).valid(), "payload byte " + i);
      rejected++;
    }
    // the signature is bound to the image digest: another image (one bit off) is refused
    byte[] d = image.bytes();
    d[31] ^= 0x01;
    BundleVerification wrongImage = verifySig(f, Digest.sha256(d), o);
    assertFalse(wrongImage.valid());
    assertTrue(wrongImage.signature().reasons().contains(Reason.SIMPLE_SIGNING_DIGEST_MISMATCH), wrongImage.signature().reasons().toString());
    assertTrue(rejected > 500);
  }

  @Test
  void mutatedAttestationsAreRejected() throws Exception {
    Layout l = layout("app", 6);
    SigningKey k = key(KeyAlgorithm.ED25519);
    sign(l.dir(), null, k, new LayoutSigner.Attestation("https://cosign.sigstore.dev/attestation/vuln/v1",
        "{\"scanner\":{\"result\":{}}}".getBytes(StandardCharsets.UTF_8)), false);
    Found att = of(scan(l.dir()), AttachedSignature.Kind.LEGACY_ATTESTATION).get(0);
    Map<String, String> ann = att.a().layer().annotations();
    VerifyOptions o = offline(k);
    assertTrue(VERIFIER.verifyCosignAttestation(att.bytes(), ann, l.image().digest(), o).valid());
    JsonNode env = Json.parse(att.bytes(), "env");
    byte[] sig = Base64.getDecoder().decode(env.at("/signatures/0/sig").asText());
    byte[] payload = Base64.getDecoder().decode(env.get("payload").asText());
    for (int i = 0; i < sig.length; i += 3) {
      byte[] bad = sig.clone();
      bad[i] ^= 0x10;
      String e2 = Json.write(env).replace(env.at("/signatures/0/sig").asText(), Base64.getEncoder().encodeToString(bad));
      assertFalse(VERIFIER.verifyCosignAttestation(e2.getBytes(StandardCharsets.UTF_8), ann, l.image().digest(), o).valid());
    }
    for (int i = 0; i < payload.length; i += 5) {
      byte[] bad = payload.clone();
      bad[i] ^= 0x01;
      String e2 = Json.write(env).replace(env.get("payload").asText(), Base64.getEncoder().encodeToString(bad));
      assertFalse(VERIFIER.verifyCosignAttestation(e2.getBytes(StandardCharsets.UTF_8), ann, l.image().digest(), o).valid(),
          "payload byte " + i);
    }
    assertFalse(VERIFIER.verifyCosignAttestation(att.bytes(), ann, Digest.sha256(new byte[32]), o).valid(),
        "subject is another image");
  }

  // ---- co-signing, idempotence, crash safety ----------------------------------------------------

  @Test
  void coSignaturesAccumulateAndResigningChangesNothing() throws Exception {
    Layout l = layout("app", 7);
    SigningKey vendor = key(KeyAlgorithm.ECDSA_P256);
    SigningKey qa = key(KeyAlgorithm.ECDSA_P384);
    LayoutSigner.Result first = sign(l.dir(), null, vendor, null, false);
    LayoutSigner.Result second = sign(l.dir(), null, qa, null, false);
    assertEquals(1, first.written().get(0).layers());
    assertEquals(2, second.written().get(0).layers());
    LayoutSigner.Result again = sign(l.dir(), null, vendor, null, false);
    assertTrue(again.written().get(0).alreadyPresent());
    assertEquals(2, again.written().get(0).layers());

    List<Found> sigs = of(scan(l.dir()), AttachedSignature.Kind.LEGACY_SIGNATURE);
    assertEquals(2, sigs.size());
    int vendorOk = 0;
    int qaOk = 0;
    for (Found f : sigs) {
      vendorOk += verifySig(f, l.image().digest(), offline(vendor)).valid() ? 1 : 0;
      qaOk += verifySig(f, l.image().digest(), offline(qa)).valid() ? 1 : 0;
    }
    assertEquals(1, vendorOk);
    assertEquals(1, qaOk);
    // index.json holds exactly one entry for the tag, plus the image
    JsonNode index = Json.parse(Files.readAllBytes(l.dir().resolve("index.json")), "index");
    assertEquals(2, index.get("manifests").size(), index.toString());
  }

  @Test
  void aFailureLeavesIndexJsonAsItWas() throws Exception {
    Layout l = layout("app", 8);
    SigningKey k = key(KeyAlgorithm.ECDSA_P256);
    LayoutSigner.Result r = sign(l.dir(), null, k, null, false);
    byte[] before = Files.readAllBytes(l.dir().resolve("index.json"));
    // damage the existing .sig manifest: the next co-signature must not be written on top of it
    Path sigManifest = l.dir().resolve("blobs/sha256").resolve(r.written().get(0).carrier().hex());
    byte[] m = Files.readAllBytes(sigManifest);
    m[m.length - 2] ^= 0x01;
    Files.write(sigManifest, m);
    AirlockException e = assertThrows(AirlockException.class, () -> sign(l.dir(), null, key(KeyAlgorithm.ECDSA_P256), null, false));
    assertEquals(Reason.BLOB_DIGEST_MISMATCH, e.reason(), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(l.dir().resolve("index.json")));
    try (Stream<Path> s = Files.walk(l.dir())) {
      assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(), "no temporary files left");
    }
    // a missing image blob: refused before anything is written
    Layout l2 = layout("app2", 9);
    Files.delete(l2.dir().resolve("blobs/sha256").resolve(l2.image().digest().hex()));
    byte[] before2 = Files.readAllBytes(l2.dir().resolve("index.json"));
    assertEquals(Reason.BLOB_MISSING, assertThrows(AirlockException.class, () -> sign(l2.dir(), null, k, null, false)).reason());
    assertArrayEquals(before2, Files.readAllBytes(l2.dir().resolve("index.json")));
  }

  @Test
  void theImageIsChosenByTagReferenceOrDigest() throws Exception {
    OciLayoutWriter w = new OciLayoutWriter(tmp.resolve("two"), 10);
    Descriptor a = w.image(1, 100);
    Descriptor b = w.image(1, 100);
    w.list(a, Map.of(Annotations.REF_NAME, "1.0", Annotations.CONTAINERD_IMAGE_NAME, "reg.example/a:1.0"))
        .list(b, Map.of(Annotations.REF_NAME, "2.0")).writeIndex();
    SigningKey k = key(KeyAlgorithm.ECDSA_P256);
    AirlockException e = assertThrows(AirlockException.class, () -> sign(w.dir(), null, k, null, false));
    assertEquals(AirlockException.Kind.USAGE, e.kind());
    assertTrue(e.getMessage().contains("2 images"), e.getMessage());
    assertEquals(a.digest(), sign(w.dir(), "1.0", k, null, false).image());
    assertEquals(a.digest(), sign(w.dir(), "reg.example/a:1.0", k, null, false).image());
    assertEquals(b.digest(), sign(w.dir(), b.digest().toString(), k, null, false).image());
    assertEquals("two", sign(w.dir(), "2.0", k, null, false).dockerReference().replaceFirst(".*/", ""));
    assertEquals(AirlockException.Kind.USAGE, assertThrows(AirlockException.class, () -> sign(w.dir(), "3.0", k, null, false)).kind());
    // after signing, the .sig manifests are not images: the layout still holds exactly two
    assertEquals(AirlockException.Kind.USAGE, assertThrows(AirlockException.class, () -> sign(w.dir(), null, k, null, false)).kind());
  }

  @Test
  void aVendorsCosignKeySigns() throws Exception {
    Layout l = layout("app", 11);
    KeyPair kp = KeyAlgorithm.ECDSA_P256.generate();
    Path cosignKey = tmp.resolve("cosign.key");
    Files.writeString(cosignKey, CosignKeys.encrypt(kp.getPrivate().getEncoded(), "vendor pw", 1 << 12, new java.security.SecureRandom()));
    SigningKey k = KeyFiles.open(cosignKey, "vendor pw".getBytes(StandardCharsets.UTF_8));
    assertEquals("cosign", k.format());
    sign(l.dir(), null, k, null, false);
    Found f = of(scan(l.dir()), AttachedSignature.Kind.LEGACY_SIGNATURE).get(0);
    assertTrue(verifySig(f, l.image().digest(), VerifyOptions.builder().key(kp.getPublic())
        .tlogNotRequiredUnsafe("vendor").build()).valid());
    AirlockException wrong = assertThrows(AirlockException.class,
        () -> KeyFiles.open(cosignKey, "vendor PW".getBytes(StandardCharsets.UTF_8)));
    assertEquals(Reason.KEY_PASSWORD_INCORRECT, wrong.reason());
    assertEquals(AirlockException.Kind.DENIED, wrong.kind());
    assertTrue(wrong.getMessage().contains(cosignKey.toString()), wrong.getMessage());
  }

  // ---- skopeo -----------------------------------------------------------------------------------

  static boolean skopeoPresent() {
    boolean present = Files.isExecutable(Path.of("/usr/bin/skopeo"));
    if (System.getenv("CI") != null) {
      assertTrue(present, "skopeo is not installed; .ci/run installs it");
    }
    return present;
  }

  static String skopeo(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/skopeo", "--insecure-policy"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + "\n" + out);
    return out;
  }

  @Test
  void skopeoReadsTheSignedLayout() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(skopeoPresent(), "skopeo is not installed: interop not checked");
    Layout l = layout("app", 12);
    sign(l.dir(), null, key(KeyAlgorithm.ECDSA_P256), null, true);
    sign(l.dir(), null, key(KeyAlgorithm.ED25519), null, false);
    sign(l.dir(), null, key(KeyAlgorithm.ECDSA_P256), new LayoutSigner.Attestation("https://slsa.dev/provenance/v1", SLSA), true);
    JsonNode inspect = Json.parse(skopeo("inspect", "oci:" + l.dir() + ":1.0").getBytes(StandardCharsets.UTF_8), "inspect");
    assertEquals(l.image().digest().toString(), inspect.get("Digest").asText());
    String raw = skopeo("inspect", "--raw", "oci:" + l.dir() + ":sha256-" + l.image().digest().hex() + ".sig");
    JsonNode sig = Json.parse(raw.strip().getBytes(StandardCharsets.UTF_8), "sig");
    assertEquals(2, sig.get("layers").size());
    String att = skopeo("inspect", "oci:" + l.dir() + ":sha256-" + l.image().digest().hex() + ".att");
    assertTrue(att.contains("\"Layers\""), att);
    // and skopeo copies the whole layout (every referenced blob present and hashing right)
    skopeo("copy", "oci:" + l.dir() + ":1.0", "oci:" + tmp.resolve("copy") + ":1.0");
  }
}
