package dev.airlock.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cosign's legacy OCI signature layers as values (../shared/FORMATS.md section 2): {@code .sig}
 * layers (simple-signing payload, signature annotation, certificate/chain PEM, the old Rekor
 * bundle annotation, the rfc3161timestamp annotation) and {@code .att} layers (DSSE envelope with
 * predicateType). The media engineer writes these into OCI layouts.
 */
public final class CosignLegacy {
  public static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
  public static final String DSSE_ENVELOPE = "application/vnd.dsse.envelope.v1+json";
  public static final String ANN_SIGNATURE = "dev.cosignproject.cosign/signature";
  public static final String ANN_CERTIFICATE = "dev.sigstore.cosign/certificate";
  public static final String ANN_CHAIN = "dev.sigstore.cosign/chain";
  public static final String ANN_BUNDLE = "dev.sigstore.cosign/bundle";
  public static final String ANN_RFC3161 = "dev.sigstore.cosign/rfc3161timestamp";
  public static final String ANN_PREDICATE_TYPE = "predicateType";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One layer of a cosign {@code .sig} / {@code .att} manifest.
   *
   * @param signature the raw signature bytes (over the payload, or over the DSSE PAE)
   * @param entry the Rekor v1 entry behind the bundle annotation, or null
   */
  public record OciSignatureLayer(String mediaType, byte[] payload, Map<String, String> annotations,
      byte[] signature, LabRekor.Entry entry) {
    public OciSignatureLayer {
      payload = payload.clone();
      annotations = Map.copyOf(annotations);
    }

    public byte[] payload() {
      return payload.clone();
    }
  }

  private final SigstoreLab lab;

  CosignLegacy(SigstoreLab lab) {
    this.lab = lab;
  }

  /**
   * The simple-signing payload, compact JSON in cosign's key order.
   *
   * @param optional user annotations, or null (written as {@code "optional":null})
   */
  public static byte[] simpleSigningPayload(String dockerReference, String manifestDigest, Map<String, String> optional) {
    return simpleSigningPayload("cosign container image signature", dockerReference, manifestDigest, optional);
  }

  /** As above with another {@code critical.type} (for SIMPLE_SIGNING_TYPE_INVALID cases). */
  public static byte[] simpleSigningPayload(String type, String dockerReference, String manifestDigest,
      Map<String, String> optional) {
    ObjectNode n = JSON.createObjectNode();
    ObjectNode c = n.putObject("critical");
    c.putObject("identity").put("docker-reference", dockerReference);
    c.putObject("image").put("docker-manifest-digest", manifestDigest);
    c.put("type", type);
    if (optional == null) {
      n.putNull("optional");
    } else {
      ObjectNode o = n.putObject("optional");
      new java.util.TreeMap<>(optional).forEach(o::put);
    }
    try {
      return JSON.writeValueAsBytes(n);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A {@code .sig} layer signing {@code payload} (usually {@link #simpleSigningPayload}).
   *
   * @param tlog add the Rekor bundle annotation (hashedrekord 0.0.1 in the lab's Rekor v1)
   * @param timestamp add the rfc3161timestamp annotation (over the raw signature bytes)
   */
  public OciSignatureLayer signature(Signer signer, byte[] payload, boolean tlog, boolean timestamp) {
    byte[] sig = signer.sign(payload);
    Map<String, String> ann = new LinkedHashMap<>();
    ann.put(ANN_SIGNATURE, LabCrypto.b64(sig));
    certificates(signer, ann);
    LabRekor.Entry entry = null;
    if (tlog) {
      String alg = "SHA-384".equals(signer.kind().hash()) ? "SHA-384" : "SHA-256";
      byte[] body = RekorBodies.hashedRekordV001(alg.equals("SHA-384") ? "sha384" : "sha256",
          LabCrypto.digest(alg, payload), sig, signer.verifierPem());
      entry = lab.rekorV1().append(body, "hashedrekord", "0.0.1", lab.now().plusSeconds(5));
      ann.put(ANN_BUNDLE, rekorBundle(entry));
    }
    if (timestamp) {
      ann.put(ANN_RFC3161, rfc3161(sig));
    }
    return new OciSignatureLayer(SIMPLE_SIGNING, payload, ann, sig, entry);
  }

  /**
   * An {@code .att} layer: the DSSE envelope JSON over an in-toto {@code statement}, signature
   * annotation empty, {@code predicateType} annotation set.
   *
   * @param tlog add the Rekor bundle annotation (intoto 0.0.2, as older cosign logged attestations)
   * @param timestamp add the rfc3161timestamp annotation (over the whole layer blob, FORMATS.md 2)
   */
  public OciSignatureLayer attestation(Signer signer, byte[] statement, String predicateType, boolean tlog,
      boolean timestamp) {
    byte[] sig = signer.sign(LabCrypto.pae(BundleBuilder.IN_TOTO, statement));
    ObjectNode env = JSON.createObjectNode();
    env.put("payloadType", BundleBuilder.IN_TOTO);
    env.put("payload", LabCrypto.b64(statement));
    env.putArray("signatures").addObject().put("keyid", "").put("sig", LabCrypto.b64(sig));
    byte[] blob;
    try {
      blob = JSON.writeValueAsBytes(env);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    Map<String, String> ann = new LinkedHashMap<>();
    ann.put(ANN_SIGNATURE, "");
    ann.put(ANN_PREDICATE_TYPE, predicateType);
    certificates(signer, ann);
    LabRekor.Entry entry = null;
    if (tlog) {
      byte[] body = RekorBodies.intotoV002(BundleBuilder.IN_TOTO, statement, sig, signer.verifierPem());
      entry = lab.rekorV1().append(body, "intoto", "0.0.2", lab.now().plusSeconds(5));
      ann.put(ANN_BUNDLE, rekorBundle(entry));
    }
    if (timestamp) {
      ann.put(ANN_RFC3161, rfc3161(blob));
    }
    return new OciSignatureLayer(DSSE_ENVELOPE, blob, ann, sig, entry);
  }

  private void certificates(Signer signer, Map<String, String> ann) {
    if (signer.keyless()) {
      ann.put(ANN_CERTIFICATE, signer.verifierPem());
      List<java.security.cert.X509Certificate> rest = new java.util.ArrayList<>(signer.chain().subList(1, signer.chain().size()));
      rest.add(lab.ca().root());
      ann.put(ANN_CHAIN, signer.chainPem(rest));
    }
  }

  /** {"SignedEntryTimestamp": b64 SET, "Payload": {body, integratedTime, logIndex, logID (hex)}}. */
  public static String rekorBundle(LabRekor.Entry e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("SignedEntryTimestamp", LabCrypto.b64(e.set()));
    ObjectNode p = n.putObject("Payload");
    p.put("body", LabCrypto.b64(e.body()));
    p.put("integratedTime", e.integratedTime());
    p.put("logIndex", e.logIndex());
    p.put("logID", LabCrypto.hex(e.log().logId()));
    return n.toString();
  }

  private String rfc3161(byte[] signedBytes) {
    Instant t = lab.now().plusSeconds(3);
    return JSON.createObjectNode().put("SignedRFC3161Timestamp", LabCrypto.b64(lab.tsa().timestamp(signedBytes, t))).toString();
  }
}
