package dev.airlock.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.crypto.Certificates;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import dev.airlock.oci.Digest;
import dev.airlock.testing.Corpus;
import dev.airlock.trust.CertificateAuthority;
import dev.airlock.trust.TransparencyLog;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import dev.airlock.trust.ValidityWindow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The 20 cosign-simple-signing corpus cases (containers/image fixtures): legacy cosign signatures
 * fed to {@link BundleVerifier#verifyCosign} with the case's keys, Fulcio root, Rekor key and
 * reference rule. The containers/image {@code sigstore-json} blob format is parsed here, in test
 * code: {@code 0x00 "sigstore-json" 0x0A} then {@code {mimeType, payload, annotations}}.
 */
class CorpusCosignTest {
  static final AtomicInteger MATCH = new AtomicInteger();
  static final AtomicInteger TOTAL = new AtomicInteger();
  /** containers/image judges private-PKI certificates at "now"; the corpus has no now: use this. */
  static final Instant PKI_NOW = Instant.parse("2026-11-22T00:00:00Z");

  @TestFactory
  List<DynamicTest> everyCosignSimpleSigningCase() {
    List<JsonNode> cases = Corpus.ofKind("cosign-simple-signing");
    assertEquals(20, cases.size());
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.path("id").asText(), () -> run(c))).toList();
  }

  static CosignSignature parseBlob(byte[] blob) throws Exception {
    byte[] prefix = "\0sigstore-json\n".getBytes(StandardCharsets.US_ASCII);
    if (blob.length < prefix.length || !Arrays.equals(Arrays.copyOf(blob, prefix.length), prefix)) {
      throw new IllegalArgumentException("not a sigstore-json blob");
    }
    JsonNode j = new ObjectMapper().readTree(Arrays.copyOfRange(blob, prefix.length, blob.length));
    Map<String, String> a = new HashMap<>();
    j.path("annotations").fields().forEachRemaining(e -> a.put(e.getKey(), e.getValue().asText()));
    byte[] payload = java.util.Base64.getDecoder().decode(j.path("payload").asText());
    return CosignSignature.fromAnnotations(payload, j.path("mimeType").asText(), a);
  }

  static void run(JsonNode c) throws Exception {
    String id = c.path("id").asText();
    JsonNode p = c.path("policy");
    boolean requireSet = p.path("require_rekor_set").asBoolean(false);
    List<TransparencyLog> tlogs = new ArrayList<>();
    if (Corpus.hasFile(c, "rekor_public_key")) {
      PublicKey k = Keys.parsePublicKey(Files.readAllBytes(Corpus.file(c, "rekor_public_key")));
      tlogs.add(new TransparencyLog("rekor", Keys.spkiSha256(k), null, k, Keys.defaultAlgorithm(k), ValidityWindow.ALWAYS));
    }
    List<CertificateAuthority> cas = new ArrayList<>();
    if (Corpus.hasFile(c, "fulcio_ca")) {
      cas.add(new CertificateAuthority("fulcio", "fulcio", certs(c, "fulcio_ca"), ValidityWindow.ALWAYS));
    }
    if (Corpus.hasFile(c, "pki_roots")) {
      List<X509Certificate> chain = new ArrayList<>(certs(c, "pki_intermediates"));
      chain.addAll(certs(c, "pki_roots"));
      cas.add(new CertificateAuthority("pki", "pki", chain, ValidityWindow.ALWAYS));
    }
    TrustedRoot root = new TrustedRoot(id, Digest.sha256(Hashing.sha256(id.getBytes(StandardCharsets.UTF_8))),
        tlogs, cas, List.of(), List.of());
    BundleVerifier v = new BundleVerifier(TrustSnapshot.ofRoots("test", Instant.EPOCH, List.of(root)));
    Digest image = Digest.sha256(Hashing.sha256(Files.readAllBytes(Corpus.file(c, "image_manifest"))));
    CosignSignature.ReferenceMatch ref = new CosignSignature.ReferenceMatch(
        c.path("docker_reference").asText(), "exact".equals(c.path("reference_match").asText()));
    List<VerifyOptions> options = new ArrayList<>();
    for (String role : List.of("public_key", "public_key_2")) {
      if (Corpus.hasFile(c, role)) {
        VerifyOptions.Builder o = VerifyOptions.builder()
            .key(Keys.parsePublicKey(Files.readAllBytes(Corpus.file(c, role))));
        if (!requireSet) {
          o.insecureIgnoreTlogUnsafe();
        }
        options.add(o.build());
      }
    }
    if (!cas.isEmpty()) {
      VerifyOptions.Builder o = VerifyOptions.builder().identity(c.path("identity").asText()).withoutSctUnsafe();
      if (c.path("issuer").isTextual()) {
        o.issuer(c.path("issuer").asText());
      } else {
        o.withoutIdentityUnsafe();
      }
      if (!requireSet) {
        o.insecureIgnoreTlogUnsafe().fallbackTimeUnsafe(PKI_NOW).withoutCodeSigningEkuUnsafe();
      }
      options.add(o.build());
    }
    boolean any = false;
    List<String> got = new ArrayList<>();
    for (String role : List.of("signature_1", "signature_2")) {
      if (!Corpus.hasFile(c, role)) {
        continue;
      }
      CosignSignature s = parseBlob(Files.readAllBytes(Corpus.file(c, role)));
      for (VerifyOptions o : options) {
        BundleVerification r = v.verifyCosign(s, image, ref, o);
        any |= r.valid();
        got.add(r.valid() ? "pass" : r.signature().reasons().toString());
      }
    }
    TOTAL.incrementAndGet();
    if (any == Corpus.expectPass(c)) {
      MATCH.incrementAndGet();
    }
    CorpusBundleTest.LINES.put(id + " [cosign]", c.path("expect").asText() + " -> " + got);
    assertEquals(Corpus.expectPass(c), any, id + ": expected " + c.path("expect").asText() + " ("
        + c.path("reason").asText() + "), got " + got);
  }

  static List<X509Certificate> certs(JsonNode c, String role) throws Exception {
    return Certificates.parsePem(Files.readAllBytes(Corpus.file(c, role)));
  }

  @AfterAll
  static void report() {
    System.out.println("cosign-simple-signing corpus cases matching: " + MATCH.get() + "/" + TOTAL.get());
  }
}
