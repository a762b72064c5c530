package dev.airlock.verify;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Certificates;
import dev.airlock.verify.json.BundleJson;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A Sigstore bundle v0.1, v0.2 or v0.3 (FORMATS.md section 3), parsed once from its wire form and
 * validated. Immutable apart from the certificates, which callers must not modify.
 *
 * @param version minor version 1, 2 or 3
 * @param certificates leaf first (keyless), or empty for a {@code publicKey} bundle
 * @param publicKeyHint the {@code publicKey.hint} (unauthenticated), or null
 */
record Bundle(
    int version,
    List<X509Certificate> certificates,
    String publicKeyHint,
    List<TlogEntry> tlogEntries,
    List<byte[]> timestamps,
    byte[] signature,
    String digestAlgorithm,
    byte[] messageDigest,
    Dsse dsse) {

  /** A DSSE envelope with exactly one signature. */
  record Dsse(String payloadType, byte[] payload, byte[] signature) {}

  /** One {@code tlogEntries[]} element. */
  record TlogEntry(
      long logIndex,
      byte[] logId,
      String kind,
      String kindVersion,
      long integratedTime,
      byte[] signedEntryTimestamp,
      Proof proof,
      byte[] body) {}

  /** {@code inclusionProof}. */
  record Proof(long logIndex, byte[] rootHash, long treeSize, List<byte[]> hashes, String checkpoint) {}

  boolean keyless() {
    return !certificates.isEmpty();
  }

  /**
   * Parses a bundle.
   *
   * @throws Denial {@link Reason#BUNDLE_MALFORMED} or {@link Reason#MEDIA_TYPE_UNSUPPORTED}
   */
  static Bundle parse(byte[] json) throws Denial {
    BundleJson b;
    try {
      b = BundleJson.read(Json.parse(json, "bundle"), "bundle");
    } catch (AirlockException e) {
      throw new Denial(Reason.BUNDLE_MALFORMED, e.getMessage());
    }
    if (b == null) {
      throw new Denial(Reason.BUNDLE_MALFORMED, "bundle: not a JSON object");
    }
    int version = version(b.mediaType);
    BundleJson.VerificationMaterial vm = b.verificationMaterial;
    if (vm == null) {
      throw malformed("verificationMaterial is missing");
    }
    int materials = (vm.publicKey != null ? 1 : 0) + (vm.x509CertificateChain != null ? 1 : 0)
        + (vm.certificate != null ? 1 : 0);
    if (materials != 1) {
      throw malformed("verificationMaterial must hold exactly one of publicKey, x509CertificateChain, certificate");
    }
    List<X509Certificate> certs = new ArrayList<>();
    if (vm.x509CertificateChain != null) {
      if (vm.x509CertificateChain.certificates == null || vm.x509CertificateChain.certificates.isEmpty()) {
        throw malformed("x509CertificateChain is empty");
      }
      for (BundleJson.RawBytes rb : vm.x509CertificateChain.certificates) {
        certs.add(cert(rb));
      }
    } else if (vm.certificate != null) {
      certs.add(cert(vm.certificate));
    }
    if (certs.size() > 10) {
      throw malformed("certificate chain longer than 10");
    }
    String hint = vm.publicKey == null ? null : vm.publicKey.hint;
    List<TlogEntry> entries = new ArrayList<>();
    if (vm.tlogEntries != null) {
      if (vm.tlogEntries.size() > 32) {
        throw new Denial(Reason.LIMIT_EXCEEDED, "more than 32 tlog entries");
      }
      for (BundleJson.TlogEntry t : vm.tlogEntries) {
        entries.add(entry(t));
      }
    }
    checkStructure(version, vm, entries);
    List<byte[]> timestamps = new ArrayList<>();
    if (vm.timestampVerificationData != null && vm.timestampVerificationData.rfc3161Timestamps != null) {
      if (vm.timestampVerificationData.rfc3161Timestamps.size() > 32) {
        throw new Denial(Reason.LIMIT_EXCEEDED, "more than 32 timestamps");
      }
      for (BundleJson.SignedTimestamp ts : vm.timestampVerificationData.rfc3161Timestamps) {
        timestamps.add(b64(ts == null ? null : ts.signedTimestamp, "signedTimestamp"));
      }
    }
    if ((b.messageSignature == null) == (b.dsseEnvelope == null)) {
      throw malformed("bundle must hold exactly one of messageSignature and dsseEnvelope");
    }
    if (b.messageSignature != null) {
      byte[] sig = b64(b.messageSignature.signature, "messageSignature.signature");
      String alg = null;
      byte[] md = null;
      if (b.messageSignature.messageDigest != null) {
        alg = b.messageSignature.messageDigest.algorithm;
        md = b64(b.messageSignature.messageDigest.digest, "messageDigest.digest");
      }
      return new Bundle(version, List.copyOf(certs), hint, List.copyOf(entries), List.copyOf(timestamps),
          sig, alg, md, null);
    }
    BundleJson.Envelope e = b.dsseEnvelope;
    if (e.signatures == null || e.signatures.size() != 1 || e.signatures.get(0) == null) {
      throw new Denial(Reason.DSSE_MALFORMED, "DSSE envelope must have exactly one signature, has "
          + (e.signatures == null ? 0 : e.signatures.size()));
    }
    if (e.payloadType == null) {
      throw new Denial(Reason.DSSE_MALFORMED, "DSSE payloadType is missing");
    }
    byte[] payload = b64(e.payload, "dsseEnvelope.payload");
    byte[] sig = b64(e.signatures.get(0).sig, "dsseEnvelope.signatures[0].sig");
    Dsse dsse = new Dsse(e.payloadType, payload, sig);
    return new Bundle(version, List.copyOf(certs), hint, List.copyOf(entries), List.copyOf(timestamps),
        sig, null, null, dsse);
  }

  /**
   * What protobuf-specs requires or forbids per bundle version, beyond the one-of and required
   * fields checked while parsing (sigstore_bundle.proto, sigstore_rekor.proto, v0.3.x):
   *
   * <ul>
   *   <li>{@code VerificationMaterial.certificate} (a single leaf, field 5) exists only from v0.3;
   *       v0.1 and v0.2 carry {@code x509CertificateChain} or {@code publicKey}.
   *   <li>v0.1: {@code TransparencyLogEntry.inclusion_promise} is "Required for v0.1 bundles, and
   *       MUST be verified"; an inclusion proof is optional (and counts only with its checkpoint).
   *   <li>v0.2 and later: {@code inclusion_proof} is REQUIRED, and so is its {@code checkpoint}
   *       ({@code InclusionProof.checkpoint} REQUIRED); the promise is optional.
   * </ul>
   *
   * A v0.3 bundle with {@code x509CertificateChain} is accepted although the proto says keyless
   * Public Good bundles MUST use {@code certificate} from v0.3: sigstore-java writes such bundles
   * (corpus sigstore-java.bundle-no-message-digest), and the chain is validated the same way
   * (carried certificates are never anchors).
   */
  private static void checkStructure(int version, BundleJson.VerificationMaterial vm, List<TlogEntry> entries)
      throws Denial {
    if (version < 3 && vm.certificate != null) {
      throw malformed("v0." + version + " has verificationMaterial.certificate, which exists only from v0.3"
          + " (use x509CertificateChain)");
    }
    for (int i = 0; i < entries.size(); i++) {
      TlogEntry e = entries.get(i);
      if (version == 1 && e.signedEntryTimestamp() == null) {
        throw new Denial(Reason.TLOG_SET_MISSING, "bundle v0.1: tlogEntries[" + i
            + "] has no inclusionPromise, which v0.1 requires (sigstore_rekor.proto)");
      }
      if (version >= 2 && e.proof() == null) {
        throw new Denial(Reason.INCLUSION_PROOF_MISSING, "bundle v0." + version + ": tlogEntries[" + i
            + "] has no inclusionProof, which v0.2 and later require (sigstore_rekor.proto)");
      }
      if (version >= 2 && (e.proof().checkpoint() == null || e.proof().checkpoint().isEmpty())) {
        throw new Denial(Reason.INCLUSION_PROOF_MISSING, "bundle v0." + version + ": tlogEntries[" + i
            + "].inclusionProof has no checkpoint, which v0.2 and later require (sigstore_rekor.proto)");
      }
    }
  }

  private static int version(String mediaType) throws Denial {
    if (mediaType == null) {
      throw malformed("mediaType is missing");
    }
    return switch (mediaType) {
      case "application/vnd.dev.sigstore.bundle+json;version=0.1" -> 1;
      case "application/vnd.dev.sigstore.bundle+json;version=0.2" -> 2;
      case "application/vnd.dev.sigstore.bundle+json;version=0.3",
          "application/vnd.dev.sigstore.bundle.v0.3+json" -> 3;
      default -> throw new Denial(Reason.MEDIA_TYPE_UNSUPPORTED,
          "bundle media type '" + mediaType + "' is not supported");
    };
  }

  private static X509Certificate cert(BundleJson.RawBytes rb) throws Denial {
    byte[] der = b64(rb == null ? null : rb.rawBytes, "certificate rawBytes");
    try {
      return Certificates.parseDer(der);
    } catch (Certificates.CertificateParseException ex) {
      throw new Denial(Reason.CERTIFICATE_MALFORMED, "bundle certificate: " + ex.getMessage());
    }
  }

  private static TlogEntry entry(BundleJson.TlogEntry t) throws Denial {
    if (t == null) {
      throw malformed("null tlog entry");
    }
    long logIndex = int64(t.logIndex, "logIndex", true);
    if (t.logId == null) {
      throw malformed("tlog entry without logId");
    }
    byte[] logId = b64(t.logId.keyId, "logId.keyId");
    if (t.kindVersion == null || t.kindVersion.kind == null || t.kindVersion.version == null) {
      throw malformed("tlog entry without kindVersion");
    }
    long integrated = t.integratedTime == null ? 0 : int64(t.integratedTime, "integratedTime", true);
    byte[] set = t.inclusionPromise == null ? null
        : b64(t.inclusionPromise.signedEntryTimestamp, "inclusionPromise.signedEntryTimestamp");
    Proof proof = null;
    if (t.inclusionProof != null) {
      BundleJson.InclusionProof p = t.inclusionProof;
      List<byte[]> hashes = new ArrayList<>();
      if (p.hashes != null) {
        if (p.hashes.size() > 64) {
          throw malformed("inclusion proof has more than 64 hashes");
        }
        for (String h : p.hashes) {
          hashes.add(b64(h, "inclusionProof.hashes"));
        }
      }
      String cp = p.checkpoint == null ? null : p.checkpoint.envelope;
      proof = new Proof(int64(p.logIndex, "inclusionProof.logIndex", true), b64(p.rootHash, "rootHash"),
          int64(p.treeSize, "inclusionProof.treeSize", true), List.copyOf(hashes), cp);
    }
    byte[] body = b64(t.canonicalizedBody, "canonicalizedBody");
    return new TlogEntry(logIndex, logId, t.kindVersion.kind, t.kindVersion.version, integrated, set, proof, body);
  }

  private static long int64(String s, String what, boolean nonNegative) throws Denial {
    if (s == null) {
      return 0; // proto3 JSON omits zero values
    }
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw malformed(what + " is not an int64: " + s);
    }
    if (nonNegative && v < 0) {
      throw malformed(what + " is negative: " + v);
    }
    return v;
  }

  /** Standard or URL-safe base64 (proto3 JSON accepts both). */
  static byte[] b64(String s, String what) throws Denial {
    if (s == null) {
      throw malformed(what + " is missing");
    }
    try {
      if (s.indexOf('-') >= 0 || s.indexOf('_') >= 0) {
        return Base64.getUrlDecoder().decode(s);
      }
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw malformed(what + " is not valid base64");
    }
  }

  private static Denial malformed(String msg) {
    return new Denial(Reason.BUNDLE_MALFORMED, "bundle: " + msg);
  }
}
