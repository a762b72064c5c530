package dev.airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.appliance.VerifiedMaterial;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.oci.AttachedSignature;
import dev.airlock.verify.SignatureVerdict;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders verified material the way cosign prints it, so that scripts written for cosign (mercure's
 * processor) read airlock's stdout unchanged. The shapes follow sigstore/cosign
 * {@code cmd/cosign/cli/verify/verify.go}, {@code PrintVerification} (commit 00604a6c): with the
 * default output, one JSON array per image of simple-signing payloads
 * ({@code {"critical":{"identity":{"docker-reference"},"image":{"docker-manifest-digest"},"type"},
 * "optional":{...}}}), where {@code optional} gains {@code Subject} (the certificate's first SAN),
 * {@code Issuer} and {@code 1.3.6.1.4.1.57264.1.1} (the OIDC issuer), {@code Bundle} (the Rekor
 * bundle annotation) and {@code RFC3161Timestamp}, and stays {@code null} for a key signature without
 * them; with {@code -o text}, each payload as signed, one per line. {@code verify-attestation}
 * prints each verified DSSE envelope as signed, one per line ({@code verify_attestation.go}, commit
 * 044b836f: "PrintVerification(ctx, checked, \"text\")").
 */
final class CosignOutput {
  private CosignOutput() {}

  /** cosign's annotation carrying the Rekor bundle of a legacy signature layer. */
  static final String REKOR_BUNDLE = "dev.sigstore.cosign/bundle";
  /** cosign's annotation carrying an RFC 3161 timestamp of a legacy signature layer. */
  static final String RFC3161 = "dev.sigstore.cosign/rfc3161timestamp";
  /** Fulcio's OIDC issuer extension (v1), as cosign names it in {@code optional}. */
  static final String OID_ISSUER = "1.3.6.1.4.1.57264.1.1";
  /** The simple-signing type cosign signs (containers/image signature format). */
  static final String SIMPLE_SIGNING_TYPE = "cosign container image signature";

  /** The {@code -o json} array for one image. */
  static ArrayNode payloads(List<VerifiedMaterial.Item> items, String repository, String digest) {
    ArrayNode arr = JsonNodeFactory.instance.arrayNode();
    for (VerifiedMaterial.Item it : items) {
      arr.add(payload(it, repository, digest));
    }
    return arr;
  }

  /** One simple-signing payload with cosign's {@code optional} annotations. */
  static ObjectNode payload(VerifiedMaterial.Item it, String repository, String digest) {
    AttachedSignature a = it.material().attached();
    JsonNode signed = a.kind() == AttachedSignature.Kind.LEGACY_SIGNATURE ? parse(it.material().content()) : null;
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    ObjectNode critical = out.putObject("critical");
    // cosign re-marshals the payload through its Go struct: only these fields, in this order
    critical.putObject("identity").put("docker-reference",
        signed != null ? signed.path("critical").path("identity").path("docker-reference").asText(repository)
            : repository);
    critical.putObject("image").put("docker-manifest-digest",
        signed != null ? signed.path("critical").path("image").path("docker-manifest-digest").asText(digest) : digest);
    critical.put("type", signed != null ? signed.path("critical").path("type").asText(SIMPLE_SIGNING_TYPE)
        : SIMPLE_SIGNING_TYPE);
    // Go marshals a map with sorted keys; a nil map is null
    Map<String, JsonNode> optional = new TreeMap<>();
    boolean any = false;
    if (signed != null && signed.path("optional").isObject()) {
      signed.path("optional").fields().forEachRemaining(e -> optional.put(e.getKey(), e.getValue()));
      any = true;
    }
    SignatureVerdict v = it.verdict();
    JsonNodeFactory f = JsonNodeFactory.instance;
    if ("keyless".equals(v.kind())) {
      optional.put("Subject", f.textNode(v.identity() == null ? "" : v.identity()));
      if (v.issuer() != null && !v.issuer().isEmpty()) {
        optional.put("Issuer", f.textNode(v.issuer()));
        optional.put(OID_ISSUER, f.textNode(v.issuer()));
      }
      any = true;
    }
    String bundle = a.layer().annotations().get(REKOR_BUNDLE);
    if (bundle != null) {
      optional.put("Bundle", parseOrText(bundle));
      any = true;
    }
    String ts = a.layer().annotations().get(RFC3161);
    if (ts != null) {
      optional.put("RFC3161Timestamp", parseOrText(ts));
      any = true;
    }
    if (any) {
      ObjectNode o = out.putObject("optional");
      optional.forEach(o::set);
    } else {
      out.putNull("optional");
    }
    return out;
  }

  /** The payload as signed ({@code -o text}): a legacy payload's bytes, else the cosign JSON. */
  static String signedPayload(VerifiedMaterial.Item it, String repository, String digest) {
    if (it.material().attached().kind() == AttachedSignature.Kind.LEGACY_SIGNATURE) {
      return new String(it.material().content(), StandardCharsets.UTF_8).strip();
    }
    return Json.write(payload(it, repository, digest));
  }

  /** A verified attestation's DSSE envelope, as signed. */
  static String envelope(VerifiedMaterial.Item it) {
    byte[] content = it.material().content();
    if (it.material().attached().kind() == AttachedSignature.Kind.BUNDLE) {
      JsonNode b = parse(content);
      JsonNode env = b == null ? null : b.get("dsseEnvelope");
      return env == null ? "" : Json.write(env);
    }
    return new String(content, StandardCharsets.UTF_8).strip();
  }

  private static JsonNode parse(byte[] content) {
    try {
      return Json.parse(content, "signature payload");
    } catch (AirlockException e) {
      return null; // verified bytes that are not JSON (a message signature): the fields fall back
    }
  }

  private static JsonNode parseOrText(String s) {
    JsonNode n = parse(s.getBytes(StandardCharsets.UTF_8));
    return n != null ? n : JsonNodeFactory.instance.textNode(s);
  }
}
