package dev.airlock.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds one Sigstore bundle (../shared/FORMATS.md section 3) with the lab's logs and TSA. Field
 * names and order follow protojson as the Sigstore clients write them (int64 as strings).
 *
 * <p>Defaults: v0.3 media type, one Rekor v1 entry, no RFC 3161 timestamp, keyless leaf as
 * {@code certificate} (v0.3) or {@code x509CertificateChain} (v0.1/v0.2). The entry is integrated
 * 5 s and the timestamp taken 3 s after {@link SigstoreLab#now()} (the leaf's notBefore); move
 * them past the 10-minute validity with {@link #integratedAfter} / {@link #timestampAfter} to
 * make "signed outside the certificate's validity" cases.
 */
public final class BundleBuilder {
  /** Bundle media type versions. */
  public enum Version {
    V0_1("application/vnd.dev.sigstore.bundle+json;version=0.1"),
    V0_2("application/vnd.dev.sigstore.bundle+json;version=0.2"),
    V0_3("application/vnd.dev.sigstore.bundle.v0.3+json"),
    /** v0.3 with the older media-type spelling, also valid. */
    V0_3_LEGACY_MEDIA_TYPE("application/vnd.dev.sigstore.bundle+json;version=0.3");

    public final String mediaType;

    Version(String mediaType) {
      this.mediaType = mediaType;
    }
  }

  public static final String IN_TOTO = "application/vnd.in-toto+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SigstoreLab lab;
  private final Signer signer;
  private Version version = Version.V0_3;
  private byte[] artifact;
  private String payloadType;
  private byte[] payload;
  private final List<LabRekor> tlogs = new ArrayList<>();
  private String dsseKindV1 = "dsse";
  private String dsseKindV2 = "hashedrekord";
  private boolean timestamp;
  private Boolean useChain;
  private String publicKeyHint;
  private boolean fullChain;
  private Duration integratedAfter = Duration.ofSeconds(5);
  private Duration timestampAfter = Duration.ofSeconds(3);

  BundleBuilder(SigstoreLab lab, Signer signer) {
    this.lab = lab;
    this.signer = signer;
    this.tlogs.add(lab.rekorV1());
  }

  public BundleBuilder version(Version v) {
    this.version = v;
    return this;
  }

  /** Signs the artifact bytes directly (messageSignature). */
  public BundleBuilder messageSignature(byte[] artifactBytes) {
    this.artifact = artifactBytes.clone();
    this.payload = null;
    return this;
  }

  /** Signs a DSSE envelope over {@code payloadBytes} (see {@link Statements} for payloads). */
  public BundleBuilder dsse(String type, byte[] payloadBytes) {
    this.payloadType = type;
    this.payload = payloadBytes.clone();
    this.artifact = null;
    return this;
  }

  /** The transparency-log entries to make, in order (empty: none). Default: one Rekor v1 entry. */
  public BundleBuilder tlogs(LabRekor.Version... logs) {
    tlogs.clear();
    for (LabRekor.Version v : logs) {
      tlogs.add(lab.rekor(v));
    }
    return this;
  }

  /**
   * Log in these log instances instead, e.g. a second Rekor shard or a log that is not in the
   * trusted root ({@code new LabRekor(V1, "rekor2.lab.internal", seed, 100)}); add them to a
   * trusted root with {@link TrustedRootWriter#addTlog}.
   */
  public BundleBuilder tlogsIn(LabRekor... logs) {
    tlogs.clear();
    tlogs.addAll(List.of(logs));
    return this;
  }

  /** The Rekor v1 entry kind for DSSE: "dsse" (0.0.1, default) or "intoto" (0.0.2, older cosign). */
  public BundleBuilder dsseKindV1(String kind) {
    this.dsseKindV1 = kind;
    return this;
  }

  /** The Rekor v2 entry kind for DSSE: "hashedrekord" (0.0.2 over SHA-256(PAE), default) or "dsse" (0.0.2). */
  public BundleBuilder dsseKindV2(String kind) {
    this.dsseKindV2 = kind;
    return this;
  }

  /** Adds an RFC 3161 timestamp over the signature bytes. */
  public BundleBuilder timestamp() {
    this.timestamp = true;
    return this;
  }

  /** Keyless material as x509CertificateChain (true) or certificate (false). */
  public BundleBuilder certificateChain(boolean chain) {
    this.useChain = chain;
    return this;
  }

  /**
   * Writes leaf and intermediate into x509CertificateChain (default: the leaf only, as Sigstore
   * clients do). Note: sigstore-java 2.0.0 rejects the full form (the intermediate then appears
   * twice in its path and violates pathLen 0); the spec allows it.
   */
  public BundleBuilder fullChain() {
    this.fullChain = true;
    this.useChain = true;
    return this;
  }

  /** Overrides the publicKey hint of key-based bundles (default: b64 SHA-256 of SPKI). */
  public BundleBuilder publicKeyHint(String hint) {
    this.publicKeyHint = hint;
    return this;
  }

  /** How long after {@link SigstoreLab#now()} the entries are integrated (default 5 s). */
  public BundleBuilder integratedAfter(Duration d) {
    this.integratedAfter = d;
    return this;
  }

  /** How long after {@link SigstoreLab#now()} the RFC 3161 timestamp is taken (default 3 s). */
  public BundleBuilder timestampAfter(Duration d) {
    this.timestampAfter = d;
    return this;
  }

  public LabBundle build() {
    if ((artifact == null) == (payload == null)) {
      throw new IllegalStateException("call messageSignature(..) or dsse(..)");
    }
    boolean dsse = payload != null;
    byte[] signedBytes = dsse ? LabCrypto.pae(payloadType, payload) : artifact;
    byte[] sig = signer.sign(signedBytes);
    String hashName = "SHA-384".equals(signer.kind().hash()) ? "SHA-384" : "SHA-256";
    byte[] digest = LabCrypto.digest(hashName, dsse ? payload : artifact);
    Instant integrated = lab.now().plus(integratedAfter);

    ObjectNode root = JSON.createObjectNode();
    root.put("mediaType", version.mediaType);
    ObjectNode vm = root.putObject("verificationMaterial");
    if (signer.keyless()) {
      boolean chain = useChain != null ? useChain : version != Version.V0_3 && version != Version.V0_3_LEGACY_MEDIA_TYPE;
      if (chain) {
        ArrayNode certs = vm.putObject("x509CertificateChain").putArray("certificates");
        for (X509Certificate c : fullChain ? signer.chain() : signer.chain().subList(0, 1)) {
          certs.addObject().put("rawBytes", LabCrypto.b64(Signer.der(c)));
        }
      } else {
        vm.putObject("certificate").put("rawBytes", LabCrypto.b64(Signer.der(signer.leaf())));
      }
    } else {
      vm.putObject("publicKey").put("hint", publicKeyHint != null ? publicKeyHint : signer.publicKeyHint());
    }
    List<LabRekor.Entry> entries = new ArrayList<>();
    ArrayNode tl = vm.putArray("tlogEntries");
    for (LabRekor log : tlogs) {
      Logged b = body(log.version(), dsse, hashName, digest, sig, signedBytes);
      LabRekor.Entry e = log.append(b.body(), b.kind(), b.version(), integrated);
      entries.add(e);
      tl.add(tlogEntry(e, version != Version.V0_1));
    }
    if (timestamp) {
      vm.putObject("timestampVerificationData").putArray("rfc3161Timestamps").addObject()
          .put("signedTimestamp", LabCrypto.b64(lab.tsa().timestamp(sig, lab.now().plus(timestampAfter))));
    }
    if (dsse) {
      ObjectNode env = root.putObject("dsseEnvelope");
      env.put("payload", LabCrypto.b64(payload));
      env.put("payloadType", payloadType);
      env.putArray("signatures").addObject().put("sig", LabCrypto.b64(sig)).put("keyid", "");
    } else {
      ObjectNode ms = root.putObject("messageSignature");
      ms.putObject("messageDigest").put("algorithm", hashName.equals("SHA-384") ? "SHA2_384" : "SHA2_256")
          .put("digest", LabCrypto.b64(digest));
      ms.put("signature", LabCrypto.b64(sig));
    }
    try {
      String json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
      return new LabBundle(json, dsse ? payload : artifact, payloadType, sig, signer, entries);
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }

  private record Logged(byte[] body, String kind, String version) {}

  private Logged body(LabRekor.Version v, boolean dsse, String hashName, byte[] digest, byte[] sig, byte[] signedBytes) {
    if (v == LabRekor.Version.V1) {
      if (!dsse) {
        return new Logged(RekorBodies.hashedRekordV001(hashName.equals("SHA-384") ? "sha384" : "sha256", digest, sig,
            signer.verifierPem()), "hashedrekord", "0.0.1");
      }
      if (dsseKindV1.equals("intoto")) {
        return new Logged(RekorBodies.intotoV002(payloadType, payload, sig, signer.verifierPem()), "intoto", "0.0.2");
      }
      return new Logged(RekorBodies.dsseV001(payloadType, payload, sig, signer.verifierPem()), "dsse", "0.0.1");
    }
    RekorBodies.Verifier verifier = new RekorBodies.Verifier(signer.kind().keyDetails,
        signer.keyless() ? Signer.der(signer.leaf()) : null,
        signer.keyless() ? null : signer.keyPair().getPublic().getEncoded());
    if (dsse && dsseKindV2.equals("dsse")) {
      return new Logged(RekorBodies.dsseV002(payload, sig, verifier), "dsse", "0.0.2");
    }
    // Rekor v2 logs a DSSE envelope as hashedrekord over SHA-256(PAE) (FORMATS.md section 3).
    byte[] d = dsse ? LabCrypto.sha256(signedBytes) : digest;
    String alg = !dsse && hashName.equals("SHA-384") ? "SHA2_384" : "SHA2_256";
    return new Logged(RekorBodies.hashedRekordV002(alg, d, sig, verifier), "hashedrekord", "0.0.2");
  }

  /** One tlogEntries[] element; {@code withProof} false for v0.1 (SET only). */
  static ObjectNode tlogEntry(LabRekor.Entry e, boolean withProof) {
    LabRekor log = e.log();
    ObjectNode n = JSON.createObjectNode();
    n.put("logIndex", Long.toString(e.logIndex()));
    n.putObject("logId").put("keyId", LabCrypto.b64(log.logId()));
    n.putObject("kindVersion").put("kind", e.kind()).put("version", e.kindVersion());
    if (log.version() == LabRekor.Version.V1) {
      n.put("integratedTime", Long.toString(e.integratedTime()));
      n.putObject("inclusionPromise").put("signedEntryTimestamp", LabCrypto.b64(e.set()));
    }
    if (withProof || log.version() == LabRekor.Version.V2) {
      LabRekor.Proof p = log.prove(e);
      ObjectNode ip = n.putObject("inclusionProof");
      ip.put("logIndex", Long.toString(p.treeIndex()));
      ip.put("rootHash", LabCrypto.b64(p.rootHash()));
      ip.put("treeSize", Long.toString(p.treeSize()));
      ArrayNode hs = ip.putArray("hashes");
      for (byte[] h : p.hashes()) {
        hs.add(LabCrypto.b64(h));
      }
      ip.putObject("checkpoint").put("envelope", p.checkpoint());
    }
    n.put("canonicalizedBody", LabCrypto.b64(e.body()));
    return n;
  }
}
