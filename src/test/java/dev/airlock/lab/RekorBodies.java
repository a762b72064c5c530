package dev.airlock.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * Canonicalized Rekor entry bodies, byte-exact as the logs store them: RFC 8785 (JCS) canonical
 * JSON, keys sorted, as in the corpus bodies (sigstore/rekor pkg/types/{hashedrekord,dsse,intoto},
 * rekor-tiles api/proto/rekor/v2). {@code verifierPem} is the PEM of the signing certificate or
 * public key; v1 bodies carry it base64-encoded.
 */
public final class RekorBodies {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RekorBodies() {}

  /** hashedrekord 0.0.1: data.hash {algorithm (sha256|sha384|sha512), value hex}, signature. */
  public static byte[] hashedRekordV001(String hashAlg, byte[] digest, byte[] signature, String verifierPem) {
    ObjectNode spec = JSON.createObjectNode();
    spec.putObject("data").putObject("hash").put("algorithm", hashAlg).put("value", LabCrypto.hex(digest));
    ObjectNode sig = spec.putObject("signature");
    sig.put("content", LabCrypto.b64(signature));
    sig.putObject("publicKey").put("content", LabCrypto.b64(LabCrypto.utf8(verifierPem)));
    return body("0.0.1", "hashedrekord", spec);
  }

  /**
   * dsse 0.0.1: envelopeHash = SHA-256 of the envelope JSON {"payload","payloadType","signatures":
   * [{"sig"}]} (compact, as protojson writes the bundle's envelope; checked against a corpus
   * entry), payloadHash = SHA-256 of the payload bytes, signatures[{signature, verifier (b64 PEM)}].
   */
  public static byte[] dsseV001(String payloadType, byte[] payload, byte[] signature, String verifierPem) {
    ObjectNode spec = JSON.createObjectNode();
    spec.putObject("envelopeHash").put("algorithm", "sha256")
        .put("value", LabCrypto.hex(LabCrypto.sha256(envelopeJson(payloadType, payload, signature))));
    spec.putObject("payloadHash").put("algorithm", "sha256").put("value", LabCrypto.hex(LabCrypto.sha256(payload)));
    ObjectNode s = spec.putArray("signatures").addObject();
    s.put("signature", LabCrypto.b64(signature));
    s.put("verifier", LabCrypto.b64(LabCrypto.utf8(verifierPem)));
    return body("0.0.1", "dsse", spec);
  }

  /**
   * intoto 0.0.2 (older cosign attestations): content.envelope {payloadType, signatures[{publicKey
   * (b64 PEM), sig (base64 of the base64 signature, as Rekor stores it)}]}, content.hash =
   * SHA-256 of the envelope JSON (the lab's choice; real Rekor's exact serialization is not
   * reproducible from a bundle, so verifiers should bind via payloadHash and the signature),
   * content.payloadHash = SHA-256 of the payload.
   */
  public static byte[] intotoV002(String payloadType, byte[] payload, byte[] signature, String verifierPem) {
    ObjectNode spec = JSON.createObjectNode();
    ObjectNode content = spec.putObject("content");
    ObjectNode env = content.putObject("envelope");
    env.put("payloadType", payloadType);
    ObjectNode s = env.putArray("signatures").addObject();
    s.put("publicKey", LabCrypto.b64(LabCrypto.utf8(verifierPem)));
    s.put("sig", LabCrypto.b64(LabCrypto.utf8(LabCrypto.b64(signature))));
    content.putObject("hash").put("algorithm", "sha256")
        .put("value", LabCrypto.hex(LabCrypto.sha256(envelopeJson(payloadType, payload, signature))));
    content.putObject("payloadHash").put("algorithm", "sha256")
        .put("value", LabCrypto.hex(LabCrypto.sha256(payload)));
    return body("0.0.2", "intoto", spec);
  }

  /**
   * hashedrekord 0.0.2 (Rekor v2): data {algorithm SHA2_256.., digest b64}, signature {content,
   * verifier {keyDetails, x509Certificate{rawBytes} | publicKey{rawBytes}}}. For a DSSE envelope
   * Rekor v2 logs this kind with digest = SHA-256(PAE(payloadType, payload)).
   */
  public static byte[] hashedRekordV002(String hashAlg, byte[] digest, byte[] signature, Verifier verifier) {
    ObjectNode spec = JSON.createObjectNode();
    ObjectNode v = spec.putObject("hashedRekordV002");
    v.putObject("data").put("algorithm", hashAlg).put("digest", LabCrypto.b64(digest));
    ObjectNode sig = v.putObject("signature");
    sig.put("content", LabCrypto.b64(signature));
    verifier.writeTo(sig.putObject("verifier"));
    return body("0.0.2", "hashedrekord", spec);
  }

  /** dsse 0.0.2 (Rekor v2, removed in 2026 but still accepted). */
  public static byte[] dsseV002(byte[] payload, byte[] signature, Verifier verifier) {
    ObjectNode spec = JSON.createObjectNode();
    ObjectNode v = spec.putObject("dsseV002");
    v.putObject("payloadHash").put("algorithm", "SHA2_256").put("digest", LabCrypto.b64(LabCrypto.sha256(payload)));
    ArrayNode sigs = v.putArray("signatures");
    ObjectNode s = sigs.addObject();
    s.put("content", LabCrypto.b64(signature));
    verifier.writeTo(s.putObject("verifier"));
    return body("0.0.2", "dsse", spec);
  }

  /** The Rekor v2 verifier: a DER certificate or a DER SPKI, with the key details name. */
  public record Verifier(String keyDetails, byte[] certificateDer, byte[] publicKeyDer) {
    void writeTo(ObjectNode n) {
      n.put("keyDetails", keyDetails);
      if (certificateDer != null) {
        n.putObject("x509Certificate").put("rawBytes", LabCrypto.b64(certificateDer));
      } else {
        n.putObject("publicKey").put("rawBytes", LabCrypto.b64(publicKeyDer));
      }
    }
  }

  /** The envelope JSON whose hash dsse 0.0.1 logs. */
  static byte[] envelopeJson(String payloadType, byte[] payload, byte[] signature) {
    ObjectNode env = JSON.createObjectNode();
    env.put("payload", LabCrypto.b64(payload));
    env.put("payloadType", payloadType);
    env.putArray("signatures").addObject().put("sig", LabCrypto.b64(signature));
    try {
      return JSON.writeValueAsBytes(env);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] body(String apiVersion, String kind, ObjectNode spec) {
    ObjectNode n = JSON.createObjectNode();
    n.put("apiVersion", apiVersion);
    n.put("kind", kind);
    n.set("spec", spec);
    try {
      return new JsonCanonicalizer(JSON.writeValueAsString(n)).getEncodedUTF8();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
