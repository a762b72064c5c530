package dev.airlock.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.AirlockException;
import dev.airlock.crypto.Hashing;
import dev.airlock.lab.BundleBuilder;
import dev.airlock.lab.LabMerkleTree;
import dev.airlock.lab.LabRekor;
import dev.airlock.lab.LeafSpec;
import dev.airlock.lab.Signer;
import dev.airlock.lab.SigstoreLab;
import dev.airlock.lab.Statements;
import dev.airlock.oci.Digest;
import dev.airlock.tlog.NoteSignature;
import dev.airlock.tlog.ProofException;
import dev.airlock.tlog.SignedNote;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Fuzz targets for the verify stage's parsers of hostile input (issue 13 "Fuzzing"). Property: no
 * exception but the documented refusals ({@link Denial}, {@link AirlockException}); the verifier
 * itself never throws, and a mutated valid lab bundle is accepted only when the mutation is
 * neutral (the parsed bundle, written canonically, equals the original's). Without JAZZER_FUZZ
 * each target replays its seeds under src/test/resources/dev/airlock/verify/VerifyFuzzTestInputs.
 */
class VerifyFuzzTest {
  private static final Digest IMAGE =
      Digest.parse("sha256:5e1f0f3c8d0c3f5a2b1e4d6c7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b");

  @FuzzTest
  void sigstoreBundle(byte[] data) {
    try {
      Bundle.parse(data);
    } catch (Denial | AirlockException refused) {
      // documented refusal
    }
  }

  @FuzzTest
  void dsseEnvelope(byte[] data) {
    try {
      CosignSignature.attestationBundle(data, Map.of());
    } catch (Denial | AirlockException refused) {
      // documented refusal
    }
  }

  @FuzzTest
  void cosignSimpleSigning(byte[] data) {
    try {
      CosignSignature.fromAnnotations(data, CosignSignature.SIMPLE_SIGNING, Map.of()).checkPayload(IMAGE, null);
    } catch (Denial | AirlockException refused) {
      // documented refusal
    }
  }

  /** The lab's valid bundles (one per shape), made once per JVM. */
  private static final class Lab {
    static final Lab INSTANCE = new Lab();
    final BundleVerifier verifier;
    final List<byte[]> bundles;
    final List<Artifact> artifacts;
    final VerifyOptions options;
    /** The lab's logs, the ground truth of where each entry really is. */
    final List<LabRekor> logs;

    private Lab() {
      SigstoreLab lab = SigstoreLab.create(42);
      logs = List.of(lab.rekorV1(), lab.rekorV2());
      TrustedRoot root = TrustedRoot.parse(lab.trustedRoot().json().getBytes(StandardCharsets.UTF_8), "lab");
      verifier = new BundleVerifier(TrustSnapshot.ofRoots("lab", Instant.EPOCH, List.of(root)));
      byte[] artifact = "lab artifact\n".getBytes(StandardCharsets.UTF_8);
      String hex = Hashing.sha256Hex(artifact);
      Signer alice = lab.keyless(LeafSpec.email("alice@lab.internal"));
      options = VerifyOptions.builder().identity("alice@lab.internal").issuer(LeafSpec.DEFAULT_ISSUER).build();
      Artifact byDigest = Artifact.ofDigest("sha256", Hashing.unhex(hex));
      bundles = List.of(
          lab.bundle(alice).version(BundleBuilder.Version.V0_1).messageSignature(artifact).build().json()
              .getBytes(StandardCharsets.UTF_8),
          lab.bundle(alice).messageSignature(artifact).build().json().getBytes(StandardCharsets.UTF_8),
          lab.bundle(alice).messageSignature(artifact).tlogs(LabRekor.Version.V2).timestamp().build().json()
              .getBytes(StandardCharsets.UTF_8),
          lab.bundle(alice).dsse(BundleBuilder.IN_TOTO, Statements.cosignSign("reg.lab.internal/app", hex)).build()
              .json().getBytes(StandardCharsets.UTF_8));
      artifacts = List.of(Artifact.ofBytes(artifact), Artifact.ofBytes(artifact), Artifact.ofBytes(artifact), byDigest);
    }
  }

  /**
   * A valid lab bundle, mutated as the input says (bit flips, byte overwrites, cuts, insertions),
   * must not verify unless the mutation is neutral.
   */
  @FuzzTest
  void mutatedLabBundle(FuzzedDataProvider data) throws Exception {
    Lab lab = Lab.INSTANCE;
    int which = data.consumeInt(0, lab.bundles.size() - 1);
    byte[] original = lab.bundles.get(which);
    byte[] b = original.clone();
    int n = data.consumeInt(1, 4);
    for (int i = 0; i < n && b.length > 0; i++) {
      int pos = data.consumeInt(0, b.length - 1);
      switch (data.consumeInt(0, 3)) {
        case 0 -> b[pos] ^= (byte) (1 << data.consumeInt(0, 7));
        case 1 -> b[pos] = data.consumeByte();
        case 2 -> b = concat(Arrays.copyOfRange(b, 0, pos),
            Arrays.copyOfRange(b, Math.min(b.length, pos + data.consumeInt(1, 64)), b.length));
        default -> b = concat(concat(Arrays.copyOfRange(b, 0, pos), data.consumeBytes(data.consumeInt(1, 16))),
            Arrays.copyOfRange(b, pos, b.length));
      }
    }
    BundleVerification v = lab.verifier.verify(b, lab.artifacts.get(which), lab.options);
    if (v.valid()) {
      Bundle mutated = Bundle.parse(b);
      // messageDigest only identifies the artifact (FORMATS.md section 3): the signature is checked
      // over the artifact itself, so a bundle without it is the same signature (the third neutral
      // finding, kept as a seed); a present one is compared
      boolean withDigest = mutated.messageDigest() != null;
      assertEquals(canonical(Bundle.parse(original), withDigest), canonical(mutated, withDigest),
          "a non-neutral mutation of lab bundle " + which + " was accepted: " + new String(b, StandardCharsets.UTF_8));
    }
  }

  /**
   * RFC 3161 2.4.2: a response carries a token only when granted. The status is outside the
   * token's signature, so each other status on the lab's genuine token is refused
   * (TIMESTAMP_MALFORMED), as sigstore-go's reader refuses it; re-encoded as granted, it verifies
   * (the re-encoding alone changes nothing). The fuzzer found status 8 accepted (seed
   * crash-timestamp-status-value).
   */
  @org.junit.jupiter.api.Test
  void aTimestampResponseThatIsNotGrantedIsRefused() throws Exception {
    Lab lab = Lab.INSTANCE;
    for (int status : new int[] {0, 1, 2, 3, 4, 5, 6, 8}) {
      byte[] b = withTimestampStatus(lab.bundles.get(2), status);
      BundleVerification v = lab.verifier.verify(b, lab.artifacts.get(2), lab.options);
      if (status == 0) {
        org.junit.jupiter.api.Assertions.assertTrue(v.valid(), "status 0 (granted) re-encoded");
      } else {
        org.junit.jupiter.api.Assertions.assertFalse(v.valid(), "status " + status);
        org.junit.jupiter.api.Assertions.assertTrue(v.signature().checks().stream()
            .anyMatch(c -> c.reason() == dev.airlock.core.Reason.TIMESTAMP_MALFORMED), "status " + status + ": "
            + v.signature().checks());
      }
    }
  }

  /** The bundle with its first RFC 3161 response's PKIStatus set to {@code status} (token, rest unchanged). */
  private static byte[] withTimestampStatus(byte[] bundle, int status) throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode json =
        (com.fasterxml.jackson.databind.node.ObjectNode) dev.airlock.core.Json.parse(bundle, "lab bundle");
    com.fasterxml.jackson.databind.node.ObjectNode ts = (com.fasterxml.jackson.databind.node.ObjectNode)
        json.path("verificationMaterial").path("timestampVerificationData").path("rfc3161Timestamps").get(0);
    org.bouncycastle.asn1.tsp.TimeStampResp resp = org.bouncycastle.asn1.tsp.TimeStampResp.getInstance(
        java.util.Base64.getDecoder().decode(ts.path("signedTimestamp").asText()));
    org.bouncycastle.asn1.tsp.TimeStampResp changed = new org.bouncycastle.asn1.tsp.TimeStampResp(
        new org.bouncycastle.asn1.cmp.PKIStatusInfo(org.bouncycastle.asn1.cmp.PKIStatus.getInstance(
            new org.bouncycastle.asn1.ASN1Integer(status))), resp.getTimeStampToken());
    ts.put("signedTimestamp", java.util.Base64.getEncoder().encodeToString(changed.getEncoded("DER")));
    return dev.airlock.core.Json.write(json).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** The parsed bundle written canonically: every field the verifier reads, bytes in hex. */
  static String canonical(Bundle b, boolean withDigest) throws CertificateEncodingException {
    StringBuilder s = new StringBuilder("v").append(b.version());
    for (X509Certificate c : b.certificates()) {
      s.append("|cert:").append(Hashing.hex(c.getEncoded()));
    }
    s.append("|hint:").append(b.publicKeyHint());
    for (Bundle.TlogEntry e : b.tlogEntries()) {
      Bundle.Proof p = e.proof();
      boolean inLog = p != null && inLog(e, p);
      // without a SET nothing but the proof stands behind the top-level index (Rekor v2), and the
      // verifier requires the two equal: such an index is then the proven position, compared as one
      String index = inLog && e.signedEntryTimestamp() == null && e.logIndex() == p.logIndex()
          ? "proven" : Long.toString(e.logIndex());
      s.append("|tlog:").append(index).append(',').append(Hashing.hex(e.logId())).append(',')
          .append(e.kind()).append(',').append(e.kindVersion()).append(',').append(e.integratedTime()).append(',')
          .append(hex(e.signedEntryTimestamp())).append(',').append(hex(e.body()));
      if (p != null) {
        // compared by the root the entry is proven under (root, size, checkpoint); the index and
        // path only as "the log holds this body there", so another true position of the same entry
        // is the same claim (the lab log holds one hashedrekord body at leaves 1000 and 1001: the
        // proof for 1000 is valid, seed crash-proof-index-duplicate-leaf); a path that is not the
        // log's own stays compared as written
        s.append(",proof:").append(hex(p.rootHash())).append(',').append(p.treeSize()).append(',')
            .append(checkpoint(p.checkpoint()));
        if (inLog) {
          s.append(",in-log");
        } else {
          s.append(',').append(p.logIndex());
          p.hashes().forEach(h -> s.append(',').append(hex(h)));
        }
      }
    }
    b.timestamps().forEach(t -> s.append("|ts:").append(timestamp(t)));
    s.append("|sig:").append(hex(b.signature()));
    if (withDigest) {
      s.append("|md:").append(b.digestAlgorithm()).append(':').append(hex(b.messageDigest()));
    }
    if (b.dsse() != null) {
      s.append("|dsse:").append(b.dsse().payloadType()).append(',').append(hex(b.dsse().payload())).append(',')
          .append(hex(b.dsse().signature()));
    }
    return s.toString();
  }

  /**
   * Whether the lab log with the entry's log ID really holds the entry's body at the proof's index
   * in its tree of the proof's size, and the proof's hashes are that leaf's audit path there (RFC
   * 9162 2.1.3.1): the proof is then true whatever index the bundle originally named. Uses the lab's
   * own Merkle tree, not {@code merkle.Merkle}, so a verifier bug there is not mirrored here.
   */
  private static boolean inLog(Bundle.TlogEntry e, Bundle.Proof p) {
    for (LabRekor log : Lab.INSTANCE.logs) {
      LabMerkleTree tree = log.tree();
      if (!Arrays.equals(log.logId(), e.logId()) || e.body() == null || p.logIndex() < 0
          || p.logIndex() >= p.treeSize() || p.treeSize() > tree.size()) {
        continue;
      }
      List<byte[]> path = tree.inclusionProof(p.logIndex(), p.treeSize());
      boolean samePath = path.size() == p.hashes().size();
      for (int i = 0; samePath && i < path.size(); i++) {
        samePath = Arrays.equals(path.get(i), p.hashes().get(i));
      }
      if (samePath && Arrays.equals(tree.root(p.treeSize()), LabMerkleTree.rootFromInclusion(
          p.logIndex(), p.treeSize(), LabMerkleTree.leafHash(e.body()), p.hashes()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * A checkpoint as the verifier reads it: the note body and each signature line's key hint and
   * signature. The signer name of an ECDSA line (Rekor v1) is left out: its key hint does not cover
   * the name and airlock does not treat it as a trust input (docs/verification.md, "Rejection
   * tests"); found by this target as its first finding and kept as a seed. Any other name stays.
   */
  private static String checkpoint(String envelope) {
    if (envelope == null) {
      return "-";
    }
    try {
      SignedNote note = SignedNote.parse(envelope.getBytes(StandardCharsets.UTF_8));
      StringBuilder s = new StringBuilder(note.body());
      for (NoteSignature sig : note.signatures()) {
        boolean ecdsaDer = sig.signature().length > 0 && sig.signature()[0] == 0x30 && sig.signature().length != 64;
        s.append("\n").append(ecdsaDer ? "" : sig.name()).append(' ').append(hex(sig.keyHint()))
            .append(hex(sig.signature()));
      }
      return s.toString();
    } catch (ProofException e) {
      return envelope;
    }
  }

  /**
   * An RFC 3161 response as the verifier reads it: the status, the token's content type, the
   * signed TSTInfo and the signer infos. The certificates the token carries are left out: the
   * verifier checks the token against the trusted root's TSA chain only, so they are no trust
   * input (the second neutral finding of this target, kept as a seed).
   */
  private static String timestamp(byte[] der) {
    try {
      org.bouncycastle.tsp.TimeStampToken token;
      String status = "token";
      try {
        org.bouncycastle.tsp.TimeStampResponse r = new org.bouncycastle.tsp.TimeStampResponse(der);
        token = r.getTimeStampToken();
        // statusString is free text (RFC 3161 2.4.2 PKIFreeText), no trust input: left out
        status = r.getStatus() + "," + r.getFailInfo();
      } catch (Exception e) {
        token = null;
      }
      if (token == null) {
        token = new org.bouncycastle.tsp.TimeStampToken(new org.bouncycastle.cms.CMSSignedData(der));
      }
      StringBuilder s = new StringBuilder(status).append(',')
          .append(token.toCMSSignedData().toASN1Structure().getContentType()).append(',')
          .append(hex(token.getTimeStampInfo().getEncoded()));
      for (org.bouncycastle.cms.SignerInformation si : token.toCMSSignedData().getSignerInfos().getSigners()) {
        s.append(",signer:").append(hex(si.toASN1Structure().getEncoded()));
      }
      return s.toString();
    } catch (Exception e) {
      return hex(der);
    }
  }

  private static String hex(byte[] b) {
    return b == null ? "-" : Hashing.hex(b);
  }
}
