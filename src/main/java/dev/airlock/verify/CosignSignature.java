package dev.airlock.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Certificates;
import dev.airlock.crypto.Hashing;
import dev.airlock.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A legacy cosign signature as it sits in a {@code .sig} manifest layer (FORMATS.md section 2):
 * the simple-signing payload (layer blob) and its annotations. The media stage builds these from
 * OCI layouts; {@link BundleVerifier#verifyCosign} verifies them. Immutable.
 *
 * @param payload the exact signed payload bytes (copied)
 * @param signature {@code dev.cosignproject.cosign/signature}, base64
 * @param certificatePem {@code dev.sigstore.cosign/certificate}, or null (key-based)
 * @param chainPem {@code dev.sigstore.cosign/chain} (intermediates..root), or null
 * @param rekorBundle {@code dev.sigstore.cosign/bundle} JSON (SET), or null
 * @param rfc3161Timestamp {@code dev.sigstore.cosign/rfc3161timestamp} JSON, or null
 * @param mediaType the layer media type
 */
public record CosignSignature(
    byte[] payload,
    String signature,
    String certificatePem,
    String chainPem,
    String rekorBundle,
    String rfc3161Timestamp,
    String mediaType) {
  public static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
  public static final String TYPE = "cosign container image signature";

  public CosignSignature {
    payload = payload == null ? new byte[0] : payload.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** The annotation keys of a {@code .sig} layer, mapped onto a value. */
  public static CosignSignature fromAnnotations(byte[] payload, String mediaType, Map<String, String> a) {
    return new CosignSignature(payload, a.get("dev.cosignproject.cosign/signature"),
        a.get("dev.sigstore.cosign/certificate"), a.get("dev.sigstore.cosign/chain"),
        a.get("dev.sigstore.cosign/bundle"), a.get("dev.sigstore.cosign/rfc3161timestamp"), mediaType);
  }

  /**
   * A containers-policy.json(5) reference rule: {@code exact} (matchExact: both carry the same tag
   * or digest) or repository (matchRepository).
   */
  public record ReferenceMatch(String reference, boolean exact) {}

  /** As a v0.1-like bundle: SET-only Rekor entry, optional RFC 3161 timestamp. */
  Bundle toBundle() throws Denial {
    if (!SIMPLE_SIGNING.equals(mediaType)) {
      throw new Denial(Reason.SIMPLE_SIGNING_MALFORMED, "layer media type is '" + mediaType
          + "', not " + SIMPLE_SIGNING);
    }
    if (signature == null || signature.isEmpty()) {
      throw new Denial(Reason.SIGNATURE_MALFORMED, "no dev.cosignproject.cosign/signature annotation");
    }
    // Go's base64 decoder skips CR/LF, and MIME-wrapped signatures occur in the wild
    byte[] sig = Bundle.b64(signature.replace("\r", "").replace("\n", ""), "signature annotation");
    List<X509Certificate> certs = certificates(certificatePem, chainPem);
    List<Bundle.TlogEntry> entries = rekorEntries(rekorBundle);
    List<byte[]> ts = new ArrayList<>();
    if (rfc3161Timestamp != null && !rfc3161Timestamp.isBlank()) {
      JsonNode t = json(rfc3161Timestamp, "dev.sigstore.cosign/rfc3161timestamp");
      ts.add(Bundle.b64(t.path("SignedRFC3161Timestamp").asText(null), "SignedRFC3161Timestamp"));
    }
    return new Bundle(1, List.copyOf(certs), null, List.copyOf(entries), List.copyOf(ts), sig, "SHA2_256",
        null, null);
  }

  /** The leaf and chain of the certificate annotations (keyless), or empty (key-based). */
  static List<X509Certificate> certificates(String certificatePem, String chainPem) throws Denial {
    List<X509Certificate> certs = new ArrayList<>();
    try {
      if (certificatePem != null && !certificatePem.isBlank()) {
        certs.add(Certificates.parsePem(certificatePem.getBytes(StandardCharsets.US_ASCII)).get(0));
        if (chainPem != null && !chainPem.isBlank()) {
          certs.addAll(Certificates.parsePem(chainPem.getBytes(StandardCharsets.US_ASCII)));
        }
      }
    } catch (Certificates.CertificateParseException e) {
      throw new Denial(Reason.CERTIFICATE_MALFORMED, "certificate annotation: " + e.getMessage());
    }
    return List.copyOf(certs);
  }

  /** The SET-only Rekor entry of the {@code dev.sigstore.cosign/bundle} annotation, if any. */
  static List<Bundle.TlogEntry> rekorEntries(String rekorBundle) throws Denial {
    List<Bundle.TlogEntry> entries = new ArrayList<>();
    if (rekorBundle != null && !rekorBundle.isBlank()) {
      JsonNode rb = json(rekorBundle, "dev.sigstore.cosign/bundle");
      JsonNode p = rb.path("Payload");
      byte[] body = Bundle.b64(p.path("body").asText(null), "Payload.body");
      JsonNode parsedBody = json(new String(body, StandardCharsets.UTF_8), "Payload.body");
      byte[] logId;
      try {
        logId = Hashing.unhex(p.path("logID").asText(""));
      } catch (IllegalArgumentException e) {
        throw new Denial(Reason.BUNDLE_MALFORMED, "Payload.logID is not hex");
      }
      if (!p.path("integratedTime").canConvertToLong() || !p.path("logIndex").canConvertToLong()) {
        throw new Denial(Reason.BUNDLE_MALFORMED, "Payload.integratedTime/logIndex missing");
      }
      entries.add(new Bundle.TlogEntry(p.path("logIndex").asLong(), logId, parsedBody.path("kind").asText(),
          parsedBody.path("apiVersion").asText(), p.path("integratedTime").asLong(),
          Bundle.b64(rb.path("SignedEntryTimestamp").asText(null), "SignedEntryTimestamp"), null, body));
    }
    return List.copyOf(entries);
  }

  /**
   * A legacy cosign {@code .att} layer (FORMATS.md section 2): the layer is a DSSE envelope with
   * exactly one signature; the signature annotation is empty; certificate, chain and Rekor bundle
   * annotations as on {@code .sig} layers. Its RFC 3161 annotation covers the whole layer rather
   * than the signature and is not used (the signing time comes from the Rekor SET).
   */
  static Bundle attestationBundle(byte[] envelopeJson, java.util.Map<String, String> a) throws Denial {
    JsonNode env;
    try {
      env = Json.parse(envelopeJson, ".att layer (DSSE envelope)");
    } catch (AirlockException e) {
      throw new Denial(Reason.DSSE_MALFORMED, e.getMessage());
    }
    String type = env.path("payloadType").isTextual() ? env.path("payloadType").asText() : null;
    JsonNode sigs = env.path("signatures");
    if (type == null || !sigs.isArray() || sigs.size() != 1) {
      throw new Denial(Reason.DSSE_MALFORMED, "DSSE envelope needs a payloadType and exactly one signature");
    }
    byte[] payload = Bundle.b64(env.path("payload").asText(null), "payload");
    byte[] sig = Bundle.b64(sigs.get(0).path("sig").asText(null), "signatures[0].sig");
    List<X509Certificate> certs = certificates(a.get("dev.sigstore.cosign/certificate"),
        a.get("dev.sigstore.cosign/chain"));
    List<Bundle.TlogEntry> entries = rekorEntries(a.get("dev.sigstore.cosign/bundle"));
    return new Bundle(1, certs, null, entries, List.of(), sig, null, null, new Bundle.Dsse(type, payload, sig));
  }

  /** simple-signing checks: type, manifest digest, reference (keys case-insensitive, as Go's json). */
  String checkPayload(Digest imageDigest, ReferenceMatch ref) throws Denial {
    JsonNode p;
    try {
      p = Json.parse(payload, "simple-signing payload");
    } catch (AirlockException e) {
      throw new Denial(Reason.SIMPLE_SIGNING_MALFORMED, e.getMessage());
    }
    JsonNode critical = ci(p, "critical");
    String type = ci(critical, "type").asText(null);
    if (!TYPE.equals(type)) {
      throw new Denial(Reason.SIMPLE_SIGNING_TYPE_INVALID, "critical.type", TYPE, type);
    }
    String digest = ci(ci(critical, "image"), "docker-manifest-digest").asText(null);
    if (digest == null || !digest.equals(imageDigest.toString())) {
      throw new Denial(Reason.SIMPLE_SIGNING_DIGEST_MISMATCH, "docker-manifest-digest is not the image digest",
          imageDigest.toString(), digest);
    }
    if (ref != null) {
      String signed = ci(ci(critical, "identity"), "docker-reference").asText(null);
      boolean ok = signed != null && (ref.exact()
          ? hasTagOrDigest(signed) && signed.equals(ref.reference())
          : repository(signed).equals(repository(ref.reference())));
      if (!ok) {
        throw new Denial(Reason.SIMPLE_SIGNING_REFERENCE_MISMATCH, "docker-reference does not match",
            ref.reference(), signed);
      }
    }
    return digest;
  }

  private static JsonNode json(String s, String what) throws Denial {
    try {
      return Json.parse(s.getBytes(StandardCharsets.UTF_8), what);
    } catch (AirlockException e) {
      throw new Denial(Reason.BUNDLE_MALFORMED, e.getMessage());
    }
  }

  /** Exact key first, then the first case-insensitive match (Go encoding/json). */
  static JsonNode ci(JsonNode obj, String key) {
    if (obj == null || !obj.isObject()) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
    if (obj.has(key)) {
      return obj.get(key);
    }
    for (Iterator<String> it = obj.fieldNames(); it.hasNext();) {
      String k = it.next();
      if (k.equalsIgnoreCase(key)) {
        return obj.get(k);
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  static boolean hasTagOrDigest(String ref) {
    return ref.contains("@") || ref.lastIndexOf(':') > ref.lastIndexOf('/');
  }

  static String repository(String ref) {
    String r = ref;
    int at = r.indexOf('@');
    if (at >= 0) {
      r = r.substring(0, at);
    }
    int colon = r.lastIndexOf(':');
    if (colon > r.lastIndexOf('/')) {
      r = r.substring(0, colon);
    }
    return r;
  }
}
