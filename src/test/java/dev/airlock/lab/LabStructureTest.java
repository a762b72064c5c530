package dev.airlock.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.merkle.Merkle;
import dev.airlock.merkle.MerkleProofException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Structural checks of the lab's output with independent code: inclusion and consistency proofs
 * with airlock's {@code Merkle}, SCTs, SETs, checkpoints and TSA tokens with plain JCA / BC.
 */
class LabStructureTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final byte[] ARTIFACT = "artifact".getBytes(StandardCharsets.UTF_8);
  static SigstoreLab lab;

  @BeforeAll
  static void setUp() {
    lab = SigstoreLab.create(1);
  }

  @Test
  void merkleTreeMatchesRfcVectorAndAirlockMerkle() throws Exception {
    LabMerkleTree t = new LabMerkleTree();
    for (String s : List.of("a", "b", "c")) {
      t.append(s.getBytes(StandardCharsets.UTF_8));
    }
    assertEquals("36642e73c2540ab121e3a6bf9545b0a24982cd830eb13d3cd19de3ce6c021ec1", LabCrypto.hex(t.root(3)));
    LabMerkleTree big = new LabMerkleTree();
    List<byte[]> leafHashes = new ArrayList<>();
    for (int i = 0; i < 77; i++) {
      byte[] e = ("leaf" + i).getBytes(StandardCharsets.UTF_8);
      big.append(e);
      leafHashes.add(LabMerkleTree.leafHash(e));
    }
    for (int n = 1; n <= 77; n++) {
      assertArrayEquals(Merkle.root(leafHashes.subList(0, n)), big.root(n));
      for (int i = 0; i < n; i += 5) {
        Merkle.verifyInclusion(i, n, leafHashes.get(i), big.inclusionProof(i, n), big.root(n));
      }
      for (int m = 1; m <= n; m += 3) {
        Merkle.verifyConsistency(m, n, big.root(m), big.root(n), big.consistencyProof(m, n));
      }
    }
    // The lab's own RFC 9162 verifier agrees with airlock's.
    for (int i = 0; i < 77; i++) {
      assertArrayEquals(big.root(77), LabMerkleTree.rootFromInclusion(i, 77, leafHashes.get(i), big.inclusionProof(i, 77)));
    }
    // A wrong proof is refused by the verifier (the lab's proofs are not vacuous).
    List<byte[]> p = new ArrayList<>(big.inclusionProof(10, 77));
    p.set(0, new byte[32]);
    assertThrows(MerkleProofException.class, () -> Merkle.verifyInclusion(10, 77, leafHashes.get(10), p, big.root(77)));
  }

  @Test
  void logConsistencyBetweenCheckpoints() throws Exception {
    LabRekor log = lab.rekorV2();
    long before = log.tree().size();
    byte[] rootBefore = log.tree().root(before);
    lab.bundle(lab.keyless(LeafSpec.email("a@lab.internal"))).messageSignature(ARTIFACT).tlogs(LabRekor.Version.V2).build();
    long after = log.tree().size();
    assertTrue(after > before && before >= 1000);
    Merkle.verifyConsistency(before, after, rootBefore, log.tree().root(after), log.consistencyProof(before, after));
  }

  @Test
  void rekorV1BundleProofSetAndCheckpointVerify() throws Exception {
    LabBundle b = lab.bundle(lab.keyless(LeafSpec.uri("https://ci.lab.internal/job"))).messageSignature(ARTIFACT).build();
    JsonNode e = JSON.readTree(b.json()).at("/verificationMaterial/tlogEntries/0");
    LabRekor log = lab.rekorV1();
    byte[] body = LabCrypto.unb64(e.get("canonicalizedBody").asText());
    long logIndex = e.get("logIndex").asLong();
    JsonNode p = e.get("inclusionProof");
    assertEquals(logIndex - log.globalIndexOffset(), p.get("logIndex").asLong(), "v1: global vs shard index");
    assertTrue(p.get("hashes").size() >= 5, "proof has depth");
    verifyProof(p, body);
    // SET: ECDSA over JCS {body, integratedTime, logID hex, logIndex}, recomputed from the bundle fields.
    String setJson = "{\"body\":\"" + e.get("canonicalizedBody").asText() + "\",\"integratedTime\":"
        + e.get("integratedTime").asText() + ",\"logID\":\"" + LabCrypto.hex(LabCrypto.unb64(e.at("/logId/keyId").asText()))
        + "\",\"logIndex\":" + logIndex + "}";
    byte[] setPayload = new JsonCanonicalizer(setJson).getEncodedUTF8();
    assertTrue(LabCrypto.verifies("SHA256withECDSA", log.keyPair().getPublic(), setPayload,
        LabCrypto.unb64(e.at("/inclusionPromise/signedEntryTimestamp").asText())));
    assertArrayEquals(LabCrypto.sha256(log.keyPair().getPublic().getEncoded()), LabCrypto.unb64(e.at("/logId/keyId").asText()));
    // Checkpoint: origin "<host> - <treeID>", signer name = host, hint = SHA-256(SPKI)[:4], ECDSA over the note text.
    String note = p.at("/checkpoint/envelope").asText();
    assertTrue(note.startsWith(log.host() + " - "), note);
    verifyNote(note, log.host(), "SHA256withECDSA", log.keyPair().getPublic(), Arrays.copyOf(log.logId(), 4));
    // Body binds signature, digest and certificate.
    JsonNode bj = JSON.readTree(body);
    assertEquals(LabCrypto.hex(LabCrypto.sha256(ARTIFACT)), bj.at("/spec/data/hash/value").asText());
    assertEquals(LabCrypto.b64(b.signature()), bj.at("/spec/signature/content").asText());
    assertEquals(b.signer().verifierPem(), new String(LabCrypto.unb64(bj.at("/spec/signature/publicKey/content").asText()),
        StandardCharsets.UTF_8));
    assertEquals(new String(body, StandardCharsets.UTF_8), new JsonCanonicalizer(new String(body, StandardCharsets.UTF_8)).getEncodedString());
  }

  @Test
  void rekorV2BundleUsesC2spKeyIdAndHashedRekordOverPae() throws Exception {
    byte[] stmt = Statements.cosignSign("reg.lab.internal/app", LabCrypto.hex(LabCrypto.sha256(ARTIFACT)));
    LabBundle b = lab.bundle(lab.keyless(LeafSpec.email("a@lab.internal"))).dsse(BundleBuilder.IN_TOTO, stmt)
        .tlogs(LabRekor.Version.V2).timestamp().build();
    JsonNode root = JSON.readTree(b.json());
    JsonNode e = root.at("/verificationMaterial/tlogEntries/0");
    assertTrue(e.at("/integratedTime").isMissingNode() && e.at("/inclusionPromise").isMissingNode());
    assertEquals(e.get("logIndex").asText(), e.at("/inclusionProof/logIndex").asText());
    LabRekor log = lab.rekorV2();
    byte[] raw = log.rawEd25519();
    byte[] keyId = LabCrypto.sha256((log.host() + "\n").getBytes(StandardCharsets.UTF_8), new byte[] {1}, raw);
    assertArrayEquals(keyId, LabCrypto.unb64(e.at("/logId/keyId").asText()));
    byte[] body = LabCrypto.unb64(e.get("canonicalizedBody").asText());
    verifyProof(e.get("inclusionProof"), body);
    String note = e.at("/inclusionProof/checkpoint/envelope").asText();
    assertTrue(note.startsWith(log.host() + "\n"));
    verifyNote(note, log.host(), "Ed25519", log.keyPair().getPublic(), Arrays.copyOf(keyId, 4));
    JsonNode bj = JSON.readTree(body);
    assertEquals("hashedrekord", bj.get("kind").asText());
    assertEquals(LabCrypto.b64(LabCrypto.sha256(LabCrypto.pae(BundleBuilder.IN_TOTO, stmt))),
        bj.at("/spec/hashedRekordV002/data/digest").asText());
    String[] vkey = log.vkey().split("\\+", 3);
    assertEquals(List.of(log.host(), LabCrypto.hex(Arrays.copyOf(keyId, 4))), List.of(vkey[0], vkey[1]));
    byte[] typed = LabCrypto.unb64(vkey[2]);
    assertEquals(1, typed[0]);
    assertArrayEquals(raw, Arrays.copyOfRange(typed, 1, 33));
    // TSA token over SHA-256 of the signature, signed by the TSA leaf, chain leaf -> root.
    byte[] resp = LabCrypto.unb64(root.at("/verificationMaterial/timestampVerificationData/rfc3161Timestamps/0/signedTimestamp").asText());
    verifyTimestamp(resp, b.signature());
  }

  @Test
  void sctVerifiesOverPrecertificateTbs() throws Exception {
    X509Certificate leaf = lab.keyless(LeafSpec.otherName("dev")).leaf();
    byte[] ext = leaf.getExtensionValue(LabCa.SCT_LIST.getId());
    assertNotNull(ext);
    byte[] list = ASN1OctetString.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getOctets();
    ByteBuffer bb = ByteBuffer.wrap(list);
    assertEquals(list.length - 2, Short.toUnsignedInt(bb.getShort()));
    int sctLen = Short.toUnsignedInt(bb.getShort());
    assertEquals(0, bb.get());
    byte[] logId = new byte[32];
    bb.get(logId);
    assertArrayEquals(lab.ctLog().logId(), logId);
    long ts = bb.getLong();
    assertEquals(leaf.getNotBefore().getTime(), ts);
    assertEquals(0, bb.getShort());
    assertEquals(4, bb.get());
    assertEquals(3, bb.get());
    byte[] sig = new byte[Short.toUnsignedInt(bb.getShort())];
    bb.get(sig);
    assertEquals(list.length, 2 + 2 + sctLen);
    byte[] tbs = LabCa.tbsWithout(leaf, LabCa.SCT_LIST);
    byte[] issuerKeyHash = LabCrypto.sha256(lab.ca().intermediate().getPublicKey().getEncoded());
    PublicKey ctKey = lab.ctLog().keyPair().getPublic();
    assertTrue(LabCrypto.verifies("SHA256withECDSA", ctKey, LabCtLog.signedData(ts, issuerKeyHash, tbs), sig));
    assertFalse(LabCrypto.verifies("SHA256withECDSA", ctKey, LabCtLog.signedData(ts + 1, issuerKeyHash, tbs), sig));
    assertNotNull(leaf.getExtensionValue(LabCa.FULCIO_ARC + "8"));
    assertEquals(null, leaf.getExtensionValue(LabCa.PRECERT_POISON.getId()));
  }

  @Test
  void leafCertificateLooksLikeFulcio() throws Exception {
    LeafSpec spec = LeafSpec.githubWorkflow("acme/app", ".github/workflows/release.yml", "refs/tags/v1");
    X509Certificate leaf = lab.keyless(spec).leaf();
    assertEquals("", leaf.getSubjectX500Principal().getName());
    assertEquals(List.of("1.3.6.1.5.5.7.3.3"), leaf.getExtendedKeyUsage());
    assertTrue(leaf.getKeyUsage()[0]);
    assertEquals(600_000, leaf.getNotAfter().getTime() - leaf.getNotBefore().getTime());
    assertEquals(spec.san(), leaf.getSubjectAlternativeNames().iterator().next().get(1));
    assertTrue(leaf.getCriticalExtensionOIDs().contains("2.5.29.17"));
    byte[] v2 = ASN1OctetString.getInstance(leaf.getExtensionValue(LabCa.FULCIO_ARC + "8")).getOctets();
    assertEquals(spec.issuer(), DERUTF8String.getInstance(ASN1Primitive.fromByteArray(v2)).getString());
    byte[] v1 = ASN1OctetString.getInstance(leaf.getExtensionValue(LabCa.FULCIO_ARC + "1")).getOctets();
    assertEquals(spec.issuer(), new String(v1, StandardCharsets.UTF_8));
    for (int arc = 9; arc <= 22; arc++) {
      assertNotNull(leaf.getExtensionValue(LabCa.FULCIO_ARC + arc), "extension ." + arc);
    }
    leaf.verify(lab.ca().intermediate().getPublicKey(), LabCrypto.BC);
    lab.ca().intermediate().verify(lab.ca().root().getPublicKey(), LabCrypto.BC);
    lab.ca().root().verify(lab.ca().root().getPublicKey(), LabCrypto.BC);
    assertEquals("EC", lab.ca().intermediate().getPublicKey().getAlgorithm());
    X509Certificate noEku = lab.keyless(LeafSpec.email("x@lab.internal").withoutCodeSigningEku().withoutSct()).leaf();
    assertEquals(null, noEku.getExtendedKeyUsage());
    assertEquals(null, noEku.getExtensionValue(LabCa.SCT_LIST.getId()));
  }

  @Test
  void keyBasedBundlesForEveryKeyKind() throws Exception {
    for (LabCrypto.KeyKind kind : LabCrypto.KeyKind.values()) {
      if (kind.rsaBits() == 4096 || kind == LabCrypto.KeyKind.RSA_PSS_3072) {
        continue; // 4096-bit key generation takes seconds on the shared build machine; same code path
      }
      Signer s = lab.key(kind, "k-" + kind);
      LabBundle b = lab.bundle(s).messageSignature(ARTIFACT).tlogs(LabRekor.Version.V1, LabRekor.Version.V2).timestamp().build();
      JsonNode root = JSON.readTree(b.json());
      assertEquals(s.publicKeyHint(), root.at("/verificationMaterial/publicKey/hint").asText());
      assertEquals(2, root.at("/verificationMaterial/tlogEntries").size());
      String jca = switch (kind) {
        case ECDSA_P256 -> "SHA256withECDSA";
        case ECDSA_P384 -> "SHA384withECDSA";
        case ED25519 -> "Ed25519";
        case RSA_PSS_2048, RSA_PSS_3072, RSA_PSS_4096 -> "SHA256withRSA/PSS";
        default -> "SHA256withRSA";
      };
      assertTrue(LabCrypto.verifies(jca, s.keyPair().getPublic(), ARTIFACT, b.signature()), kind.name());
      String alg = root.at("/messageSignature/messageDigest/algorithm").asText();
      assertEquals(kind == LabCrypto.KeyKind.ECDSA_P384 ? "SHA2_384" : "SHA2_256", alg);
    }
  }

  @Test
  void bundleVersionsAndContentKinds() throws Exception {
    Signer s = lab.keyless(LeafSpec.email("a@lab.internal"));
    JsonNode v01 = JSON.readTree(lab.bundle(s).version(BundleBuilder.Version.V0_1).messageSignature(ARTIFACT).build().json());
    assertEquals("application/vnd.dev.sigstore.bundle+json;version=0.1", v01.get("mediaType").asText());
    assertTrue(v01.at("/verificationMaterial/tlogEntries/0/inclusionProof").isMissingNode());
    assertTrue(v01.at("/verificationMaterial/tlogEntries/0/inclusionPromise").isObject());
    assertEquals(1, v01.at("/verificationMaterial/x509CertificateChain/certificates").size());
    JsonNode full = JSON.readTree(lab.bundle(s).fullChain().messageSignature(ARTIFACT).build().json());
    assertEquals(2, full.at("/verificationMaterial/x509CertificateChain/certificates").size());
    byte[] stmt = Statements.spdx("reg.lab.internal/app", "ab".repeat(32), "openssl", "Apache-2.0");
    Set<String> kinds = new HashSet<>();
    for (String k : List.of("dsse", "intoto")) {
      JsonNode d = JSON.readTree(lab.bundle(s).dsse(BundleBuilder.IN_TOTO, stmt).dsseKindV1(k).build().json());
      kinds.add(d.at("/verificationMaterial/tlogEntries/0/kindVersion/kind").asText()
          + d.at("/verificationMaterial/tlogEntries/0/kindVersion/version").asText());
    }
    JsonNode d2 = JSON.readTree(lab.bundle(s).dsse(BundleBuilder.IN_TOTO, stmt).tlogs(LabRekor.Version.V2).dsseKindV2("dsse").build().json());
    kinds.add(d2.at("/verificationMaterial/tlogEntries/0/kindVersion/kind").asText()
        + d2.at("/verificationMaterial/tlogEntries/0/kindVersion/version").asText());
    assertEquals(Set.of("dsse0.0.1", "intoto0.0.2", "dsse0.0.2"), kinds);
    JsonNode none = JSON.readTree(lab.bundle(s).messageSignature(ARTIFACT).tlogs().timestamp().build().json());
    assertEquals(0, none.at("/verificationMaterial/tlogEntries").size());
    JsonNode vuln = JSON.readTree(Statements.cosignVuln("app", "ab".repeat(32), "CVE-2026-1", "HIGH", "2026-01-01T00:00:00Z"));
    assertEquals(Statements.STATEMENT_V01, vuln.get("_type").asText());
  }

  @Test
  void cosignLegacySignatureLayer() throws Exception {
    Signer s = lab.keyless(LeafSpec.email("a@lab.internal"));
    String digest = "sha256:" + "5e".repeat(32);
    byte[] payload = CosignLegacy.simpleSigningPayload("reg.lab.internal/app", digest, Map.of("git-sha", "1a2b3c"));
    CosignLegacy.OciSignatureLayer l = lab.cosign().signature(s, payload, true, true);
    assertEquals(CosignLegacy.SIMPLE_SIGNING, l.mediaType());
    JsonNode p = JSON.readTree(l.payload());
    assertEquals("cosign container image signature", p.at("/critical/type").asText());
    assertEquals(digest, p.at("/critical/image/docker-manifest-digest").asText());
    byte[] sig = LabCrypto.unb64(l.annotations().get(CosignLegacy.ANN_SIGNATURE));
    assertTrue(LabCrypto.verifies("SHA256withECDSA", s.keyPair().getPublic(), payload, sig));
    assertTrue(l.annotations().get(CosignLegacy.ANN_CERTIFICATE).startsWith("-----BEGIN CERTIFICATE-----"));
    assertEquals(2, l.annotations().get(CosignLegacy.ANN_CHAIN).split("BEGIN CERTIFICATE").length - 1);
    JsonNode bundle = JSON.readTree(l.annotations().get(CosignLegacy.ANN_BUNDLE));
    JsonNode pl = bundle.get("Payload");
    String setJson = JSON.writeValueAsString(pl);
    assertTrue(LabCrypto.verifies("SHA256withECDSA", lab.rekorV1().keyPair().getPublic(),
        new JsonCanonicalizer(setJson).getEncodedUTF8(), LabCrypto.unb64(bundle.get("SignedEntryTimestamp").asText())));
    JsonNode body = JSON.readTree(LabCrypto.unb64(pl.get("body").asText()));
    assertEquals(LabCrypto.hex(LabCrypto.sha256(payload)), body.at("/spec/data/hash/value").asText());
    byte[] ts = LabCrypto.unb64(JSON.readTree(l.annotations().get(CosignLegacy.ANN_RFC3161)).get("SignedRFC3161Timestamp").asText());
    verifyTimestamp(ts, sig);

    byte[] stmt = Statements.cosignSign("reg.lab.internal/app", "5e".repeat(32));
    CosignLegacy.OciSignatureLayer att = lab.cosign().attestation(lab.key(LabCrypto.KeyKind.ECDSA_P256, "cosign"),
        stmt, Statements.COSIGN_SIGN_V1, true, true);
    assertEquals(CosignLegacy.DSSE_ENVELOPE, att.mediaType());
    assertEquals("", att.annotations().get(CosignLegacy.ANN_SIGNATURE));
    assertEquals(Statements.COSIGN_SIGN_V1, att.annotations().get(CosignLegacy.ANN_PREDICATE_TYPE));
    assertFalse(att.annotations().containsKey(CosignLegacy.ANN_CERTIFICATE));
    JsonNode env = JSON.readTree(att.payload());
    assertArrayEquals(stmt, LabCrypto.unb64(env.get("payload").asText()));
    byte[] ts2 = LabCrypto.unb64(JSON.readTree(att.annotations().get(CosignLegacy.ANN_RFC3161)).get("SignedRFC3161Timestamp").asText());
    verifyTimestamp(ts2, att.payload());
  }

  @Test
  void mutationsAreNamedLabelledAndChangeTheBundle() {
    Signer s = lab.keyless(LeafSpec.email("a@lab.internal"));
    byte[] stmt = Statements.cosignSign("reg.lab.internal/app", "5e".repeat(32));
    LabBundle b = lab.bundle(s).dsse(BundleBuilder.IN_TOTO, stmt).tlogs(LabRekor.Version.V2).timestamp()
        .fullChain().build();
    LabBundle other = lab.bundle(s).dsse(BundleBuilder.IN_TOTO, stmt).tlogs(LabRekor.Version.V2).timestamp()
        .fullChain().build();
    List<BundleMutations.Mutation> ms = BundleMutations.of(lab, b, other);
    Set<String> names = new HashSet<>();
    for (BundleMutations.Mutation m : ms) {
      assertTrue(names.add(m.name()), "duplicate " + m.name());
      assertFalse(m.json().equals(b.json()), m.name());
      assertNotNull(m.reason());
    }
    for (String want : List.of("/dsseEnvelope/payload/bitflip", "dsseEnvelope.payloadType/other",
        "/dsseEnvelope/signatures/0/sig/truncate", "rfc3161Timestamp/truncate", "checkpoint/signature-bitflip",
        "x509CertificateChain/append-root", "/verificationMaterial/tlogEntries/0/inclusionProof/hashes/0/bitflip",
        "/verificationMaterial/tlogEntries/0/swap")) {
      assertTrue(names.contains(want), want + " in " + names);
    }
  }

  @Test
  void sameSeedSameKeys() {
    SigstoreLab a = SigstoreLab.create(9, SigstoreLab.DEFAULT_EPOCH, false, 5);
    SigstoreLab c = SigstoreLab.create(9, SigstoreLab.DEFAULT_EPOCH, false, 5);
    assertArrayEquals(a.rekorV1().logId(), c.rekorV1().logId());
    assertArrayEquals(a.rekorV2().logId(), c.rekorV2().logId());
    assertArrayEquals(a.ctLog().logId(), c.ctLog().logId());
    assertEquals(a.rekorV1().origin(), c.rekorV1().origin());
    assertArrayEquals(a.rekorV1().tree().root(5), c.rekorV1().tree().root(5));
    assertFalse(Arrays.equals(a.rekorV1().logId(), SigstoreLab.create(10, SigstoreLab.DEFAULT_EPOCH, false, 5).rekorV1().logId()));
  }

  @Test
  void sameSeedSameBytes() {
    String[] out = new String[2];
    for (int i = 0; i < 2; i++) {
      SigstoreLab l = SigstoreLab.create(11, SigstoreLab.DEFAULT_EPOCH, false, 20);
      Signer s = l.keyless(LeafSpec.email("a@lab.internal"));
      out[i] = l.trustedRoot().json()
          + l.bundle(s).messageSignature(ARTIFACT).tlogs(LabRekor.Version.V1, LabRekor.Version.V2).timestamp().build().json()
          + l.bundle(s).dsse(BundleBuilder.IN_TOTO, Statements.cosignSign("app", "ab".repeat(32))).build().json()
          + l.cosign().signature(s, ARTIFACT, true, true).annotations().toString();
    }
    assertEquals(out[0], out[1], "golden files need byte-identical output for a seed");
  }

  @Test
  void writesCaseDirectories(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    Signer k = lab.key(LabCrypto.KeyKind.ECDSA_P256, "files");
    LabFiles.Case c = LabFiles.writeCase(dir.resolve("k"), lab, lab.bundle(k).messageSignature(ARTIFACT).build());
    assertArrayEquals(ARTIFACT, java.nio.file.Files.readAllBytes(c.artifact()));
    assertTrue(java.nio.file.Files.readString(c.key()).startsWith("-----BEGIN PUBLIC KEY-----"));
    assertEquals(lab.trustedRoot().json(), java.nio.file.Files.readString(c.trustedRoot()));
    JsonNode b = JSON.readTree(c.bundle().toFile());
    assertEquals(k.publicKeyHint(), b.at("/verificationMaterial/publicKey/hint").asText());
    LabFiles.Case d = LabFiles.writeCase(dir.resolve("d"), lab,
        lab.bundle(lab.keyless(LeafSpec.email("a@lab.internal"))).dsse(BundleBuilder.IN_TOTO, ARTIFACT).build());
    assertEquals(null, d.key());
    assertTrue(d.artifact().endsWith("payload.json"));
  }

  @Test
  void trustedRootListsAllAuthorities() throws Exception {
    JsonNode r = JSON.readTree(lab.trustedRoot().json());
    assertEquals(TrustedRootWriter.MEDIA_TYPE_V01, r.get("mediaType").asText());
    assertEquals(2, r.get("tlogs").size());
    assertEquals(1, r.get("ctlogs").size());
    assertEquals(2, r.at("/certificateAuthorities/0/certChain/certificates").size());
    assertEquals(2, r.at("/timestampAuthorities/0/certChain/certificates").size());
    assertEquals("https://" + lab.rekorV1().host(), r.at("/tlogs/0/baseUrl").asText());
    JsonNode v2 = JSON.readTree(lab.trustedRoot().v02().json());
    assertEquals(TrustedRootWriter.MEDIA_TYPE_V02, v2.get("mediaType").asText());
    assertEquals(v2.at("/tlogs/1/logId/keyId").asText(), v2.at("/tlogs/1/checkpointKeyId/keyId").asText());
  }

  @Test
  void witnessLinesAreAppendedAndVerify() {
    LabRekor log = lab.rekorV2();
    String note = log.checkpoint(log.tree().size());
    for (int i = 0; i < 15; i++) {
      note = SignedNotes.addEd25519Signature(note, "witness" + i + ".lab.internal",
          SignedNotes.ed25519Signer(1, "witness" + i));
    }
    assertEquals(16, note.split("\u2014 ", -1).length - 1);
    // The log's own line still verifies over the unchanged text; a witness line verifies too.
    int split = note.lastIndexOf("\n\n");
    String text = note.substring(0, split + 1);
    String[] sigLines = note.substring(split + 2).split("\n");
    verifyNote(text + "\n" + sigLines[0] + "\n", log.host(), "Ed25519", log.keyPair().getPublic(), log.keyHint());
    var w3 = SignedNotes.ed25519Signer(1, "witness3");
    verifyNote(text + "\n" + sigLines[4] + "\n", "witness3.lab.internal", "Ed25519", w3.getPublic(),
        SignedNotes.ed25519KeyId("witness3.lab.internal", w3));
  }

  @Test
  void cosignMutationsBreakWhatTheyClaim() throws Exception {
    Signer s = lab.keyless(LeafSpec.email("a@lab.internal"));
    byte[] payload = CosignLegacy.simpleSigningPayload("reg.lab.internal/app", "sha256:" + "5e".repeat(32), null);
    CosignLegacy.OciSignatureLayer l = lab.cosign().signature(s, payload, true, true);
    CosignLegacy.OciSignatureLayer other = lab.cosign().signature(lab.keyless(LeafSpec.email("a@lab.internal")),
        CosignLegacy.simpleSigningPayload("reg.lab.internal/app", "sha256:" + "6f".repeat(32), null), true, true);
    List<CosignMutations.LayerMutation> ms = CosignMutations.of(l, other);
    assertTrue(ms.size() >= 17, "" + ms.size());
    for (CosignMutations.LayerMutation m : ms) {
      CosignLegacy.OciSignatureLayer x = m.layer();
      boolean changed = !Arrays.equals(x.payload(), l.payload()) || !x.annotations().equals(l.annotations());
      assertTrue(changed, m.name());
      if (m.reason() == dev.airlock.core.Reason.SIGNATURE_INVALID && x.annotations().get(CosignLegacy.ANN_CERTIFICATE)
          .equals(l.annotations().get(CosignLegacy.ANN_CERTIFICATE))) {
        assertFalse(LabCrypto.verifies("SHA256withECDSA", s.keyPair().getPublic(), x.payload(),
            LabCrypto.unb64(x.annotations().get(CosignLegacy.ANN_SIGNATURE))), m.name());
      }
      if (m.reason() == dev.airlock.core.Reason.TLOG_SET_INVALID) {
        JsonNode b = JSON.readTree(x.annotations().get(CosignLegacy.ANN_BUNDLE));
        assertFalse(LabCrypto.verifies("SHA256withECDSA", lab.rekorV1().keyPair().getPublic(),
            new JsonCanonicalizer(JSON.writeValueAsString(b.get("Payload"))).getEncodedUTF8(),
            LabCrypto.unb64(b.get("SignedEntryTimestamp").asText())), m.name());
      }
    }
    assertEquals("sha256:" + "5e".repeat(32), JSON.readTree(payload).at("/critical/image/docker-manifest-digest").asText());
    assertTrue(JSON.readTree(payload).get("optional").isNull());
  }

  @Test
  void integratedAndTimestampTimesCanBeMovedOutsideTheCertificate() throws Exception {
    Signer s = lab.keyless(LeafSpec.email("late@lab.internal"));
    LabBundle b = lab.bundle(s).messageSignature(ARTIFACT).timestamp()
        .integratedAfter(java.time.Duration.ofMinutes(11)).timestampAfter(java.time.Duration.ofMinutes(12)).build();
    JsonNode r = JSON.readTree(b.json());
    long integrated = r.at("/verificationMaterial/tlogEntries/0/integratedTime").asLong();
    assertTrue(integrated * 1000 > s.leaf().getNotAfter().getTime());
    TimeStampToken t = new TimeStampResponse(LabCrypto.unb64(
        r.at("/verificationMaterial/timestampVerificationData/rfc3161Timestamps/0/signedTimestamp").asText()))
        .getTimeStampToken();
    assertTrue(t.getTimeStampInfo().getGenTime().after(s.leaf().getNotAfter()));
  }

  @Test
  void secondShardAndCheckpointExtensionLines() throws Exception {
    LabRekor shard2 = new LabRekor(LabRekor.Version.V1, "rekor2.lab.internal", 1, 50)
        .checkpointExtensions(List.of("Timestamp: 1767225600000000000"));
    LabBundle b = lab.bundle(lab.keyless(LeafSpec.email("a@lab.internal"))).messageSignature(ARTIFACT)
        .tlogsIn(lab.rekorV1(), shard2).build();
    JsonNode e = JSON.readTree(b.json()).at("/verificationMaterial/tlogEntries/1");
    assertArrayEquals(shard2.logId(), LabCrypto.unb64(e.at("/logId/keyId").asText()));
    String note = e.at("/inclusionProof/checkpoint/envelope").asText();
    assertEquals("Timestamp: 1767225600000000000", note.split("\n")[3]);
    verifyProof(e.get("inclusionProof"), LabCrypto.unb64(e.get("canonicalizedBody").asText()));
    verifyNote(note, shard2.host(), "SHA256withECDSA", shard2.keyPair().getPublic(), shard2.keyHint());
    JsonNode r = JSON.readTree(lab.trustedRoot().addTlog(shard2).json());
    assertEquals(3, r.get("tlogs").size());
    assertEquals(shard2.baseUrl(), r.at("/tlogs/2/baseUrl").asText());
  }

  @Test
  void speed() {
    long t0 = System.nanoTime();
    SigstoreLab l = SigstoreLab.create(5);
    long t1 = System.nanoTime();
    Signer s = l.keyless(LeafSpec.email("a@lab.internal"));
    int n = 50;
    for (int i = 0; i < n; i++) {
      l.bundle(s).messageSignature(ARTIFACT).tlogs(LabRekor.Version.V1, LabRekor.Version.V2).timestamp().build();
    }
    long t2 = System.nanoTime();
    double createMs = (t1 - t0) / 1e6;
    double perBundleMs = (t2 - t1) / 1e6 / n;
    System.out.printf("lab create (2 logs x 1000 leaves): %.0f ms; bundle with 2 tlog entries + TSA: %.1f ms%n",
        createMs, perBundleMs);
    assertTrue(createMs < 30_000 && perBundleMs < 2_000, createMs + " / " + perBundleMs);
  }

  static void verifyProof(JsonNode p, byte[] body) throws Exception {
    List<byte[]> hashes = new ArrayList<>();
    p.get("hashes").forEach(h -> hashes.add(LabCrypto.unb64(h.asText())));
    byte[] rootHash = LabCrypto.unb64(p.get("rootHash").asText());
    Merkle.verifyInclusion(p.get("logIndex").asLong(), p.get("treeSize").asLong(), Merkle.leafHash(body), hashes, rootHash);
    String[] lines = p.at("/checkpoint/envelope").asText().split("\n");
    assertEquals(p.get("treeSize").asText(), lines[1]);
    assertEquals(p.get("rootHash").asText(), lines[2]);
  }

  static void verifyNote(String note, String name, String jcaAlg, PublicKey key, byte[] hint) {
    int split = note.lastIndexOf("\n\n");
    String text = note.substring(0, split + 1);
    String sigLine = note.substring(split + 2);
    assertTrue(sigLine.startsWith("\u2014 " + name + " ") && sigLine.endsWith("\n"), sigLine);
    byte[] both = LabCrypto.unb64(sigLine.substring(("\u2014 " + name + " ").length(), sigLine.length() - 1));
    assertArrayEquals(hint, Arrays.copyOf(both, 4));
    assertTrue(LabCrypto.verifies(jcaAlg, key, text.getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(both, 4, both.length)));
  }

  static void verifyTimestamp(byte[] resp, byte[] signedBytes) {
    assertDoesNotThrow(() -> {
      TimeStampResponse r = new TimeStampResponse(resp);
      assertEquals(0, r.getStatus());
      TimeStampToken t = r.getTimeStampToken();
      X509Certificate tsaLeaf = lab.tsa().chain().get(0);
      t.validate(new JcaSimpleSignerInfoVerifierBuilder().setProvider(LabCrypto.BC).build(tsaLeaf));
      assertArrayEquals(LabCrypto.sha256(signedBytes), t.getTimeStampInfo().getMessageImprintDigest());
      tsaLeaf.verify(lab.tsa().chain().get(1).getPublicKey(), LabCrypto.BC);
    });
  }
}
