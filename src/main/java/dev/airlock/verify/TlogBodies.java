package dev.airlock.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Certificates;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * The logged entry body must bind exactly this signature, this certificate or key and this
 * digest or envelope (sigstore/rekor pkg/types/{hashedrekord,dsse,intoto} schemas; rekor-tiles
 * entry.proto). Supported: hashedrekord 0.0.1 and 0.0.2 (incl. DSSE logged as hashedrekord over
 * SHA-256(PAE)), dsse 0.0.1 and 0.0.2, intoto 0.0.2.
 */
final class TlogBodies {
  private TlogBodies() {}

  static void check(Bundle.TlogEntry e, Bundle b, X509Certificate leaf, PublicKey key, Artifact artifact)
      throws Denial {
    String kv = e.kind() + "/" + e.kindVersion();
    if (!List.of("hashedrekord/0.0.1", "hashedrekord/0.0.2", "dsse/0.0.1", "dsse/0.0.2", "intoto/0.0.2")
        .contains(kv)) {
      throw new Denial(Reason.TLOG_KIND_UNSUPPORTED, "entry kind " + kv + " is not supported");
    }
    JsonNode body;
    try {
      body = Json.parse(e.body(), "canonicalizedBody");
    } catch (AirlockException ex) {
      throw mismatch("the entry body is not JSON: " + ex.getMessage());
    }
    if (!e.kind().equals(body.path("kind").asText()) || !e.kindVersion().equals(body.path("apiVersion").asText())) {
      String logged = shown(body.path("kind")) + "/" + shown(body.path("apiVersion"));
      throw new Denial(Reason.TLOG_BODY_MISMATCH, "body kind/apiVersion " + logged + " differs from kindVersion " + kv,
          kv, logged);
    }
    JsonNode spec = body.path("spec");
    byte[] signer = leaf != null ? CertificatePathCheck.der(leaf) : key.getEncoded();
    switch (kv) {
      case "hashedrekord/0.0.1" -> {
        if (b.dsse() != null) {
          throw mismatch("a hashedrekord 0.0.1 entry for a DSSE envelope");
        }
        sameBytes(b64(spec.path("signature").path("content")), b.signature(), "signature");
        sameSigner(pemBytes(signer, spec.path("signature").path("publicKey").path("content")), signer, leaf != null);
        byte[] want = artifactDigest(artifact, spec.path("data").path("hash").path("algorithm"), false);
        sameBytes(hex(spec.path("data").path("hash").path("value")), want, "artifact digest");
      }
      case "hashedrekord/0.0.2" -> {
        JsonNode h = spec.path("hashedRekordV002");
        sameBytes(b64(h.path("signature").path("content")), b.signature(), "signature");
        sameSigner(verifier(h.path("signature").path("verifier"), leaf != null), signer, leaf != null);
        JsonNode algNode = h.path("data").path("algorithm");
        byte[] want = b.dsse() != null
            ? Hashing.get(Artifact.jca(algorithm(algNode, true, "logged hash")))
                .digest(SignatureCheck.pae(b.dsse().payloadType(), b.dsse().payload()))
            : artifactDigest(artifact, algNode, true);
        sameBytes(b64(h.path("data").path("digest")), want, b.dsse() != null ? "PAE digest" : "artifact digest");
      }
      case "dsse/0.0.1" -> {
        requireDsse(b);
        checkPayloadHash(spec.path("payloadHash"), b, false);
        JsonNode sigs = spec.path("signatures");
        if (!sigs.isArray() || sigs.size() != 1) {
          throw mismatch("dsse entry must log exactly one signature");
        }
        sameBytes(b64(sigs.get(0).path("signature")), b.signature(), "signature");
        sameSigner(pemBytes(signer, sigs.get(0).path("verifier")), signer, leaf != null);
      }
      case "dsse/0.0.2" -> {
        requireDsse(b);
        JsonNode d = spec.path("dsseV002");
        checkPayloadHash(d.path("payloadHash"), b, true);
        JsonNode sigs = d.path("signatures");
        if (!sigs.isArray() || sigs.size() != 1) {
          throw mismatch("dsse entry must log exactly one signature");
        }
        sameBytes(b64(sigs.get(0).path("content")), b.signature(), "signature");
        sameSigner(verifier(sigs.get(0).path("verifier"), leaf != null), signer, leaf != null);
      }
      case "intoto/0.0.2" -> {
        requireDsse(b);
        JsonNode c = spec.path("content");
        checkPayloadHash(c.path("payloadHash"), b, false);
        JsonNode env = c.path("envelope");
        if (!b.dsse().payloadType().equals(env.path("payloadType").asText())) {
          throw new Denial(Reason.TLOG_BODY_MISMATCH, "logged payloadType " + shown(env.path("payloadType"))
              + " differs from the envelope's", b.dsse().payloadType(), shown(env.path("payloadType")));
        }
        JsonNode sigs = env.path("signatures");
        if (!sigs.isArray() || sigs.size() != 1) {
          throw mismatch("intoto entry must log exactly one signature");
        }
        // intoto 0.0.2 stores the signature base64-encoded twice
        byte[] once = b64(sigs.get(0).path("sig"));
        byte[] sig;
        try {
          sig = Base64.getDecoder().decode(new String(once, StandardCharsets.US_ASCII).trim());
        } catch (IllegalArgumentException ex) {
          throw mismatch("logged intoto signature is not base64");
        }
        sameBytes(sig, b.signature(), "signature");
        sameSigner(pemBytes(signer, sigs.get(0).path("publicKey")), signer, leaf != null);
      }
      default -> throw new Denial(Reason.TLOG_KIND_UNSUPPORTED, kv);
    }
  }

  private static void requireDsse(Bundle b) throws Denial {
    if (b.dsse() == null) {
      throw mismatch("a DSSE log entry for a message signature");
    }
  }

  private static void checkPayloadHash(JsonNode ph, Bundle b, boolean proto) throws Denial {
    String alg = algorithm(ph.path("algorithm"), proto, "payload hash");
    byte[] want = Hashing.get(Artifact.jca(alg)).digest(b.dsse().payload());
    sameBytes(proto ? b64(ph.path("digest")) : hex(ph.path("value")), want, "payload hash");
  }

  /**
   * The hash algorithm a body field names ({@code sha256}, or {@code SHA2_256} in the proto-based
   * 0.0.2 bodies), as {@code sha256|sha384|sha512}; a missing or other value is a mismatch whose
   * message says which it was.
   */
  private static String algorithm(JsonNode n, boolean proto, String what) throws Denial {
    String alg = n.isTextual() ? (proto ? protoAlg(n.asText()) : n.asText()) : null;
    if (alg == null || !List.of("sha256", "sha384", "sha512").contains(alg)) {
      throw new Denial(Reason.TLOG_BODY_MISMATCH, (n.isTextual() ? "unsupported " : "the entry body has no ") + what
          + " algorithm" + (n.isTextual() ? " " + shown(n) : " (missing)"), "sha256, sha384 or sha512", shown(n));
    }
    return alg;
  }

  /** A body value for messages: quoted, or {@code (missing)} so that no message shows a blank. */
  private static String shown(JsonNode n) {
    return n.isValueNode() && !n.isNull() ? "'" + n.asText() + "'" : "(missing)";
  }

  private static byte[] artifactDigest(Artifact artifact, JsonNode algNode, boolean proto) throws Denial {
    String alg = algorithm(algNode, proto, "logged hash");
    byte[] d = artifact.digest(alg);
    if (d == null) {
      throw mismatch("the entry logs a " + alg + " digest and only " + artifact + " is known");
    }
    return d;
  }

  private static String protoAlg(String s) {
    return switch (s) {
      case "SHA2_256" -> "sha256";
      case "SHA2_384" -> "sha384";
      case "SHA2_512" -> "sha512";
      default -> s;
    };
  }

  private static byte[] verifier(JsonNode v, boolean keyless) throws Denial {
    JsonNode cert = v.path("x509Certificate").path("rawBytes");
    JsonNode pk = v.path("publicKey").path("rawBytes");
    if (cert.isTextual()) {
      return b64(cert);
    }
    if (pk.isTextual()) {
      return b64(pk);
    }
    throw mismatch("the entry names no verifier");
  }

  /** base64 of PEM text → the DER of its certificate or public key. */
  private static byte[] pemBytes(byte[] signer, JsonNode n) throws Denial {
    byte[] pem = b64(n);
    String text = new String(pem, StandardCharsets.US_ASCII);
    if (singlePlainCertificateIs(text, signer)) {
      return signer;
    }
    try {
      if (text.contains("CERTIFICATE")) {
        return CertificatePathCheck.der(Certificates.parsePem(pem).get(0));
      }
      return Keys.parsePublicKey(pem).getEncoded();
    } catch (Certificates.CertificateParseException | Keys.KeyException e) {
      throw mismatch("the logged key/certificate cannot be parsed: " + e.getMessage());
    }
  }

  private static final String BEGIN_CERT = "-----BEGIN CERTIFICATE-----";
  private static final String END_CERT = "-----END CERTIFICATE-----";

  /**
   * Fast path of {@link #pemBytes} (hot: every keyless Rekor v1 entry): true when the PEM is
   * exactly one plain CERTIFICATE block (base64 and line breaks only) whose bytes are the signer's
   * DER. Then parsing it, as the general path does, would give the same certificate; anything else
   * returns false and takes the general path.
   */
  private static boolean singlePlainCertificateIs(String text, byte[] signer) {
    String t = text.strip();
    if (!t.startsWith(BEGIN_CERT) || !t.endsWith(END_CERT) || t.indexOf("-----", BEGIN_CERT.length()) != t.length() - END_CERT.length()) {
      return false;
    }
    String body = t.substring(BEGIN_CERT.length(), t.length() - END_CERT.length());
    for (int i = 0; i < body.length(); i++) {
      char ch = body.charAt(i);
      if (!(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '+' || ch == '/'
          || ch == '=' || ch == '\n' || ch == '\r')) {
        return false;
      }
    }
    try {
      return MessageDigest.isEqual(java.util.Base64.getMimeDecoder().decode(body), signer);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void sameSigner(byte[] logged, byte[] signer, boolean keyless) throws Denial {
    if (!MessageDigest.isEqual(logged, signer)) {
      // a key-based entry may log the key; a keyless one must log this very certificate
      throw mismatch("the entry logs another " + (keyless ? "certificate" : "key"));
    }
  }

  private static void sameBytes(byte[] logged, byte[] want, String what) throws Denial {
    if (!MessageDigest.isEqual(logged, want)) {
      throw new Denial(Reason.TLOG_BODY_MISMATCH, "the entry logs another " + what,
          Hashing.hex(want), Hashing.hex(logged));
    }
  }

  private static byte[] b64(JsonNode n) throws Denial {
    if (!n.isTextual()) {
      throw mismatch("a required field of the entry body is missing");
    }
    try {
      return Bundle.b64(n.asText(), "entry body field");
    } catch (Denial d) {
      throw mismatch(d.getMessage());
    }
  }

  private static byte[] hex(JsonNode n) throws Denial {
    if (!n.isTextual()) {
      throw mismatch("a required hash of the entry body is missing");
    }
    try {
      return Hashing.unhex(n.asText().toLowerCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw mismatch("a hash of the entry body is not hex");
    }
  }

  private static Denial mismatch(String msg) {
    return new Denial(Reason.TLOG_BODY_MISMATCH, msg);
  }
}
