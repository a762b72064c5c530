package dev.airlock.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.Reason;
import dev.airlock.testing.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Rejection tests on real corpus bundles (STYLE.md rule 14): every signed field of passing bundles
 * of each shape (v0.1 SET only, v0.3 Rekor v1 with proof, Rekor v2 with RFC 3161, DSSE, key-based)
 * is bit-flipped, truncated or swapped, and the bundle must be denied with the right reason.
 */
class CorpusMutationTest {
  static final ObjectMapper M = new ObjectMapper();
  static final AtomicInteger COUNT = new AtomicInteger();
  static final List<String> BASES = List.of(
      "conformance.happy-path-v0.1", "conformance.happy-path-v0.3", "conformance.rekor2-happy-path",
      "conformance.rekor2-dsse-happy-path", "sigstore-js.bundleV03-dsse", "sigstore-js.bundleV02-intoto",
      "conformance.managed-key-happy-path", "sigstore-java.rekor-v1-with-rfc3161-timestamp");

  record Mutation(String name, Consumer<ObjectNode> edit, Set<Reason> reasons) {}

  static final Set<Reason> SIG = Set.of(Reason.SIGNATURE_INVALID, Reason.SIGNATURE_MALFORMED);
  static final Set<Reason> BODY = Set.of(Reason.TLOG_BODY_MISMATCH);

  static List<Mutation> mutations(JsonNode base, String otherCertB64) {
    List<Mutation> m = new ArrayList<>();
    boolean dsse = base.has("dsseEnvelope");
    String sigPath = dsse ? "dsseEnvelope.signatures.0.sig" : "messageSignature.signature";
    m.add(new Mutation("signature bit flip", b -> flip(b, sigPath), SIG));
    m.add(new Mutation("signature truncated", b -> truncate(b, sigPath), SIG));
    m.add(new Mutation("signature extended", b -> extend(b, sigPath), SIG));
    if (dsse) {
      m.add(new Mutation("payload bit flip", b -> flip(b, "dsseEnvelope.payload"), SIG));
      m.add(new Mutation("payloadType changed", b -> ((ObjectNode) b.get("dsseEnvelope")).put("payloadType",
          "application/json"), Set.of(Reason.DSSE_PAYLOAD_TYPE_UNSUPPORTED)));
      m.add(new Mutation("second signature", b -> ((ArrayNode) b.get("dsseEnvelope").get("signatures"))
          .add(b.get("dsseEnvelope").get("signatures").get(0).deepCopy()), Set.of(Reason.DSSE_MALFORMED)));
    } else if (base.path("messageSignature").has("messageDigest")) {
      m.add(new Mutation("messageDigest bit flip", b -> flip(b, "messageSignature.messageDigest.digest"),
          Set.of(Reason.MESSAGE_DIGEST_MISMATCH)));
    }
    JsonNode vm = base.path("verificationMaterial");
    String certPath = vm.has("certificate") ? "verificationMaterial.certificate.rawBytes"
        : vm.has("x509CertificateChain") ? "verificationMaterial.x509CertificateChain.certificates.0.rawBytes" : null;
    if (certPath != null) {
      m.add(new Mutation("certificate swapped", b -> set(b, certPath, otherCertB64), SIG));
      m.add(new Mutation("certificate bit flip", b -> flip(b, certPath),
          Set.of(Reason.CERTIFICATE_MALFORMED, Reason.SIGNATURE_INVALID, Reason.TLOG_BODY_MISMATCH,
              Reason.CERTIFICATE_CHAIN_UNTRUSTED, Reason.SCT_INVALID)));
    }
    String t = "verificationMaterial.tlogEntries.0.";
    JsonNode e0 = vm.path("tlogEntries").path(0);
    m.add(new Mutation("body bit flip", b -> flipBody(b), Set.of(Reason.TLOG_BODY_MISMATCH, Reason.TLOG_SET_INVALID,
        Reason.INCLUSION_ROOT_MISMATCH)));
    m.add(new Mutation("log id swapped", b -> flip(b, t + "logId.keyId"), Set.of(Reason.TLOG_UNKNOWN_LOG)));
    m.add(new Mutation("entry removed", b -> ((ArrayNode) b.get("verificationMaterial").get("tlogEntries")).removeAll(),
        Set.of(Reason.TLOG_ENTRY_MISSING)));
    if (e0.has("inclusionPromise")) {
      m.add(new Mutation("SET bit flip", b -> flip(b, t + "inclusionPromise.signedEntryTimestamp"),
          Set.of(Reason.TLOG_SET_INVALID)));
      m.add(new Mutation("integratedTime changed", b -> ((ObjectNode) b.at("/verificationMaterial/tlogEntries/0"))
          .put("integratedTime", String.valueOf(e0.path("integratedTime").asLong() + 1)), Set.of(Reason.TLOG_SET_INVALID)));
    }
    if (e0.has("inclusionProof")) {
      m.add(new Mutation("proof hash bit flip", b -> flip(b, t + "inclusionProof.hashes.0"),
          Set.of(Reason.INCLUSION_ROOT_MISMATCH)));
      m.add(new Mutation("proof hash removed", b -> ((ArrayNode) b.at("/verificationMaterial/tlogEntries/0/inclusionProof/hashes")).remove(0),
          Set.of(Reason.INCLUSION_PROOF_INVALID)));
      m.add(new Mutation("root hash bit flip", b -> flip(b, t + "inclusionProof.rootHash"),
          Set.of(Reason.INCLUSION_ROOT_MISMATCH)));
      m.add(new Mutation("tree size changed", b -> ((ObjectNode) b.at("/verificationMaterial/tlogEntries/0/inclusionProof"))
          .put("treeSize", String.valueOf(e0.path("inclusionProof").path("treeSize").asLong() + 1)),
          Set.of(Reason.INCLUSION_PROOF_INVALID, Reason.INCLUSION_ROOT_MISMATCH, Reason.CHECKPOINT_MISMATCH)));
      m.add(new Mutation("checkpoint signature flip", b -> flipCheckpoint(b, false),
          Set.of(Reason.CHECKPOINT_SIGNATURE_INVALID, Reason.CHECKPOINT_MALFORMED, Reason.CHECKPOINT_UNKNOWN_LOG)));
      m.add(new Mutation("checkpoint text flip", b -> flipCheckpoint(b, true),
          Set.of(Reason.CHECKPOINT_SIGNATURE_INVALID, Reason.CHECKPOINT_MALFORMED)));
    }
    if (vm.has("timestampVerificationData")) {
      String ts = "verificationMaterial.timestampVerificationData.rfc3161Timestamps.0.signedTimestamp";
      m.add(new Mutation("timestamp bit flip", b -> flipAt(b, ts, 0.85),
          Set.of(Reason.TIMESTAMP_MALFORMED, Reason.TIMESTAMP_UNTRUSTED, Reason.TIMESTAMP_IMPRINT_MISMATCH)));
      m.add(new Mutation("timestamp truncated", b -> truncate(b, ts), Set.of(Reason.TIMESTAMP_MALFORMED)));
    }
    m.add(new Mutation("unknown media type", b -> b.put("mediaType", "application/vnd.dev.sigstore.bundle.v0.9+json"),
        Set.of(Reason.MEDIA_TYPE_UNSUPPORTED)));
    return m;
  }

  @TestFactory
  List<DynamicTest> everyFieldMutationIsDenied() throws Exception {
    List<DynamicTest> out = new ArrayList<>();
    String other = M.readTree(Files.readAllBytes(Corpus.file(kase("sigstore-java.bundle-v0.3"), "bundle")))
        .at("/verificationMaterial/certificate/rawBytes").asText();
    for (String id : BASES) {
      JsonNode c = kase(id);
      byte[] bytes = Files.readAllBytes(Corpus.file(c, "bundle"));
      JsonNode base = M.readTree(bytes);
      BundleVerifier v = CorpusCases.verifier(c);
      Artifact a = CorpusCases.byFile(c) != null ? CorpusCases.byFile(c) : CorpusCases.byDigest(c);
      VerifyOptions o = CorpusCases.options(c);
      out.add(DynamicTest.dynamicTest(id + " unmodified passes", () ->
          assertTrue(v.verify(bytes, a, o).valid())));
      for (Mutation mu : mutations(base, other)) {
        out.add(DynamicTest.dynamicTest(id + " " + mu.name(), () -> {
          ObjectNode b = base.deepCopy();
          mu.edit().accept(b);
          BundleVerification r = v.verify(M.writeValueAsBytes(b), a, o);
          COUNT.incrementAndGet();
          assertFalse(r.valid(), mu.name() + " was accepted");
          Reason first = r.signature().reasons().get(0);
          assertTrue(mu.reasons().contains(first), mu.name() + ": reason " + first + ", expected one of "
              + mu.reasons() + "; checks " + r.signature().checks());
        }));
      }
      out.add(DynamicTest.dynamicTest(id + " other artifact", () -> {
        BundleVerification r = v.verify(bytes, Artifact.ofBytes("not the artifact".getBytes(StandardCharsets.UTF_8)), o);
        COUNT.incrementAndGet();
        assertFalse(r.valid());
        assertTrue(Set.of(Reason.MESSAGE_DIGEST_MISMATCH, Reason.SIGNATURE_INVALID, Reason.STATEMENT_SUBJECT_MISMATCH)
            .contains(r.signature().reasons().get(0)), r.signature().reasons().toString());
      }));
    }
    return out;
  }

  @AfterAll
  static void report() {
    System.out.println("corpus mutations denied: " + COUNT.get());
  }

  static JsonNode kase(String id) {
    return Corpus.ofKind("sigstore-bundle").stream().filter(c -> c.path("id").asText().equals(id))
        .findFirst().orElseThrow();
  }

  // ---- JSON path helpers ("a.b.0.c") -------------------------------------------------------
  static JsonNode parent(ObjectNode root, String path) {
    String[] p = path.split("\\.");
    JsonNode n = root;
    for (int i = 0; i < p.length - 1; i++) {
      n = n.isArray() ? n.get(Integer.parseInt(p[i])) : n.get(p[i]);
    }
    return n;
  }

  static String last(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  static String get(ObjectNode root, String path) {
    JsonNode p = parent(root, path);
    return p.isArray() ? p.get(Integer.parseInt(last(path))).asText() : p.get(last(path)).asText();
  }

  static void set(ObjectNode root, String path, String value) {
    JsonNode p = parent(root, path);
    if (p.isArray()) {
      ((ArrayNode) p).set(Integer.parseInt(last(path)), M.getNodeFactory().textNode(value));
    } else {
      ((ObjectNode) p).put(last(path), value);
    }
  }

  static void flip(ObjectNode root, String path) {
    flipAt(root, path, 0.5);
  }

  static void flipAt(ObjectNode root, String path, double where) {
    byte[] d = Base64.getDecoder().decode(get(root, path));
    d[(int) (d.length * where)] ^= 0x01;
    set(root, path, Base64.getEncoder().encodeToString(d));
  }

  static void truncate(ObjectNode root, String path) {
    byte[] d = Base64.getDecoder().decode(get(root, path));
    set(root, path, Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(d, d.length - 1)));
  }

  static void extend(ObjectNode root, String path) {
    byte[] d = Base64.getDecoder().decode(get(root, path));
    set(root, path, Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(d, d.length + 1)));
  }

  static void flipBody(ObjectNode root) {
    String p = "verificationMaterial.tlogEntries.0.canonicalizedBody";
    String body = new String(Base64.getDecoder().decode(get(root, p)), StandardCharsets.UTF_8);
    // change one character inside the logged signature/digest/key material
    int i = body.indexOf("\"spec\"") + 40;
    char ch = body.charAt(i);
    char repl = ch == 'A' ? 'B' : 'A';
    body = body.substring(0, i) + repl + body.substring(i + 1);
    set(root, p, Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
  }

  static void flipCheckpoint(ObjectNode root, boolean text) {
    String p = "verificationMaterial.tlogEntries.0.inclusionProof.checkpoint.envelope";
    String env = get(root, p);
    int i;
    if (text) {
      i = env.indexOf('\n', env.indexOf('\n') + 1) + 5; // inside the root hash line
    } else {
      int sig = env.indexOf("\u2014 ");
      i = env.indexOf(' ', sig + 2) + 12; // inside the first signature, after the key hint
    }
    char ch = env.charAt(i);
    char repl = ch == 'A' ? 'B' : 'A';
    set(root, p, env.substring(0, i) + repl + env.substring(i + 1));
  }
}
