package dev.airlock.trust;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import dev.airlock.core.Json;
import dev.airlock.crypto.Certificates;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import dev.airlock.crypto.SignatureAlgorithm;
import dev.airlock.oci.Digest;
import dev.airlock.trust.json.TrustedRootJson;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One Sigstore {@code trusted_root.json}, parsed and validated (FORMATS.md section 4). Immutable.
 *
 * @param name where it came from (TUF target path or file name), for messages
 * @param digest sha256 of the exact file bytes
 */
public record TrustedRoot(
    String name,
    Digest digest,
    List<TransparencyLog> tlogs,
    List<CertificateAuthority> certificateAuthorities,
    List<TransparencyLog> ctlogs,
    List<CertificateAuthority> timestampAuthorities) {

  public TrustedRoot {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(digest, "digest");
    tlogs = List.copyOf(tlogs);
    certificateAuthorities = List.copyOf(certificateAuthorities);
    ctlogs = List.copyOf(ctlogs);
    timestampAuthorities = List.copyOf(timestampAuthorities);
  }

  /** The v0.1 media type, which production roots carry and which airlock emits. */
  public static final String MEDIA_TYPE_V01 = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";

  /** The v0.2 media type the proto prescribes (FORMATS.md section 4). */
  public static final String MEDIA_TYPE_V02 = "application/vnd.dev.sigstore.trustedroot.v0.2+json";

  /**
   * Parses and validates a trusted root. Accepts media types
   * {@code application/vnd.dev.sigstore.trustedroot+json;version=0.1} and
   * {@code application/vnd.dev.sigstore.trustedroot.v0.2+json}.
   *
   * <p>Every transparency and CT log must carry a DER SPKI key with a {@code keyDetails} on the
   * allow-list and a {@code validFor.start}; every CA/TSA a non-empty DER certificate chain. P-384
   * and P-521 keys are supported.
   *
   * @param json the exact file bytes (not retained)
   * @param name file or TUF target name, used in every message
   * @throws AirlockException DENIED with {@link Reason#TRUSTED_ROOT_MALFORMED}, {@link
   *     Reason#MEDIA_TYPE_UNSUPPORTED} or a JSON reason ({@link Reason#JSON_MALFORMED}, {@link
   *     Reason#LIMIT_EXCEEDED})
   */
  public static TrustedRoot parse(byte[] json, String name) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(name, "name");
    TrustedRootJson dto = TrustedRootJson.read(Json.parse(json, name), name);
    if (dto == null) {
      throw malformed(name, "document", "is null");
    }
    if (dto.mediaType == null) {
      throw malformed(name, "mediaType", "is missing");
    }
    if (!MEDIA_TYPE_V01.equals(dto.mediaType) && !MEDIA_TYPE_V02.equals(dto.mediaType)) {
      throw AirlockException.denied(Reason.MEDIA_TYPE_UNSUPPORTED,
          name + ": mediaType '" + dto.mediaType + "' is not supported (expected " + MEDIA_TYPE_V01
              + " or " + MEDIA_TYPE_V02 + ")");
    }
    Digest digest = Digest.sha256(Hashing.sha256(json));
    return new TrustedRoot(
        name,
        digest,
        logs(name, "tlogs", dto.tlogs),
        authorities(name, "certificateAuthorities", dto.certificateAuthorities),
        logs(name, "ctlogs", dto.ctlogs),
        authorities(name, "timestampAuthorities", dto.timestampAuthorities));
  }

  private static List<TransparencyLog> logs(
      String name, String field, List<TrustedRootJson.TransparencyLogJson> in) {
    List<TransparencyLog> out = new ArrayList<>();
    if (in == null) {
      return out;
    }
    for (int i = 0; i < in.size(); i++) {
      String at = field + "[" + i + "]";
      TrustedRootJson.TransparencyLogJson t = in.get(i);
      if (t == null) {
        throw malformed(name, at, "is null");
      }
      if (t.hashAlgorithm != null && !HASH_ALGORITHMS.contains(t.hashAlgorithm)) {
        throw malformed(name, at + ".hashAlgorithm", "'" + t.hashAlgorithm + "' is not SHA2_256, SHA2_384 or SHA2_512");
      }
      if (t.publicKey == null) {
        throw malformed(name, at + ".publicKey", "is missing");
      }
      if (t.publicKey.rawBytes == null || t.publicKey.rawBytes.isEmpty()) {
        throw malformed(name, at + ".publicKey.rawBytes", "is missing");
      }
      if (t.publicKey.keyDetails == null) {
        throw malformed(name, at + ".publicKey.keyDetails", "is missing");
      }
      KeyDetails details = KeyDetails.of(t.publicKey.keyDetails);
      if (details == null) {
        throw malformed(name, at + ".publicKey.keyDetails",
            "'" + t.publicKey.keyDetails + "' is not a supported key type");
      }
      byte[] raw = base64(name, at + ".publicKey.rawBytes", t.publicKey.rawBytes);
      PublicKey key;
      try {
        key = details.pkcs1 ? Keys.parsePkcs1RsaPublicKey(raw) : Keys.parseSpki(raw);
      } catch (Keys.KeyException e) {
        // Some producers put SPKI under the deprecated PKCS1_* names; accept that encoding too.
        try {
          key = Keys.parseSpki(raw);
        } catch (Keys.KeyException e2) {
          throw malformed(name, at + ".publicKey.rawBytes", e.getMessage());
        }
      }
      details.check(name, at + ".publicKey", key);
      // A log key without a start is unbounded in the past: refuse it (sigstore-conformance
      // trust-root-tlog-missing-validity-start_fail; protobuf-specs TimeRange.start is required).
      if (t.publicKey.validFor == null || t.publicKey.validFor.start == null) {
        throw malformed(name, at + ".publicKey.validFor.start", "is missing");
      }
      ValidityWindow window = window(name, at + ".publicKey.validFor", t.publicKey.validFor);
      if (t.logId == null || t.logId.keyId == null) {
        throw malformed(name, at + ".logId.keyId", "is missing");
      }
      byte[] logId = base64(name, at + ".logId.keyId", t.logId.keyId);
      if (logId.length == 0) {
        throw malformed(name, at + ".logId.keyId", "is empty");
      }
      byte[] checkpointKeyId = null;
      if (t.checkpointKeyId != null && t.checkpointKeyId.keyId != null) {
        checkpointKeyId = base64(name, at + ".checkpointKeyId.keyId", t.checkpointKeyId.keyId);
      }
      out.add(new TransparencyLog(t.baseUrl == null ? "" : t.baseUrl, logId, checkpointKeyId, key,
          details.algorithm, window));
    }
    return out;
  }

  private static List<CertificateAuthority> authorities(
      String name, String field, List<TrustedRootJson.CertificateAuthorityJson> in) {
    List<CertificateAuthority> out = new ArrayList<>();
    if (in == null) {
      return out;
    }
    for (int i = 0; i < in.size(); i++) {
      String at = field + "[" + i + "]";
      TrustedRootJson.CertificateAuthorityJson a = in.get(i);
      if (a == null) {
        throw malformed(name, at, "is null");
      }
      if (a.certChain == null || a.certChain.certificates == null || a.certChain.certificates.isEmpty()) {
        throw malformed(name, at + ".certChain.certificates", "is missing or empty");
      }
      List<X509Certificate> chain = new ArrayList<>();
      for (int j = 0; j < a.certChain.certificates.size(); j++) {
        String cat = at + ".certChain.certificates[" + j + "].rawBytes";
        TrustedRootJson.CertJson c = a.certChain.certificates.get(j);
        if (c == null || c.rawBytes == null || c.rawBytes.isEmpty()) {
          throw malformed(name, cat, "is missing");
        }
        try {
          chain.add(Certificates.parseDer(base64(name, cat, c.rawBytes)));
        } catch (Certificates.CertificateParseException e) {
          throw malformed(name, cat, e.getMessage());
        }
      }
      ValidityWindow window =
          a.validFor == null ? ValidityWindow.ALWAYS : window(name, at + ".validFor", a.validFor);
      out.add(new CertificateAuthority(subject(a.subject), a.uri == null ? "" : a.uri, chain, window));
    }
    return out;
  }

  private static String subject(TrustedRootJson.SubjectJson s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    if (s.organization != null && !s.organization.isEmpty()) {
      b.append("O=").append(s.organization);
    }
    if (s.commonName != null && !s.commonName.isEmpty()) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append("CN=").append(s.commonName);
    }
    return b.toString();
  }

  private static ValidityWindow window(String name, String at, TrustedRootJson.TimeRangeJson r) {
    Instant start = r.start == null ? null : instant(name, at + ".start", r.start);
    Instant end = r.end == null ? null : instant(name, at + ".end", r.end);
    if (start != null && end != null && end.isBefore(start)) {
      throw malformed(name, at, "ends (" + end + ") before it starts (" + start + ")");
    }
    return new ValidityWindow(start, end);
  }

  /** RFC 3339 date-time (protobuf Timestamp JSON: 'Z' or an offset, optional fraction). */
  static Instant instant(String name, String at, String s) {
    try {
      return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw malformed(name, at, "'" + s + "' is not an RFC 3339 date-time");
    }
  }

  private static byte[] base64(String name, String at, String s) {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      try {
        // proto3 JSON bytes may also use the URL-safe alphabet
        return Base64.getUrlDecoder().decode(s);
      } catch (IllegalArgumentException e2) {
        throw malformed(name, at, "is not base64");
      }
    }
  }

  private static AirlockException malformed(String name, String field, String problem) {
    return AirlockException.denied(Reason.TRUSTED_ROOT_MALFORMED, name + ": " + field + " " + problem);
  }

  private static final Set<String> HASH_ALGORITHMS = Set.of("SHA2_256", "SHA2_384", "SHA2_512");

  /**
   * {@code PublicKeyDetails} names (protobuf-specs sigstore_common.proto) that map unambiguously
   * onto the allow-list. Deprecated names without a definite hash (PKIX_ECDSA_P256_HMAC_SHA_256,
   * PKIX_ECDSA_P521_SHA_256, LMS/LMOTS) and experimental ML-DSA are refused.
   */
  private enum KeyDetails {
    PKIX_ECDSA_P256_SHA_256(SignatureAlgorithm.ECDSA_P256_SHA256, false, 0),
    PKIX_ECDSA_P384_SHA_384(SignatureAlgorithm.ECDSA_P384_SHA384, false, 0),
    PKIX_ECDSA_P521_SHA_512(SignatureAlgorithm.ECDSA_P521_SHA512, false, 0),
    PKIX_ECDSA_P384_SHA_256(SignatureAlgorithm.ECDSA_P384_SHA256, false, 0),
    PKIX_ED25519(SignatureAlgorithm.ED25519, false, 0),
    PKIX_RSA_PKCS1V15_2048_SHA256(SignatureAlgorithm.RSA_PKCS1_SHA256, false, 2048),
    PKIX_RSA_PKCS1V15_3072_SHA256(SignatureAlgorithm.RSA_PKCS1_SHA256, false, 3072),
    PKIX_RSA_PKCS1V15_4096_SHA256(SignatureAlgorithm.RSA_PKCS1_SHA256, false, 4096),
    PKIX_RSA_PSS_2048_SHA256(SignatureAlgorithm.RSA_PSS_SHA256, false, 2048),
    PKIX_RSA_PSS_3072_SHA256(SignatureAlgorithm.RSA_PSS_SHA256, false, 3072),
    PKIX_RSA_PSS_4096_SHA256(SignatureAlgorithm.RSA_PSS_SHA256, false, 4096),
    // deprecated spellings; CT (RFC 6962) and Sigstore use SHA-256 with them
    PKCS1_RSA_PKCS1V5(SignatureAlgorithm.RSA_PKCS1_SHA256, true, 0),
    PKIX_RSA_PKCS1V5(SignatureAlgorithm.RSA_PKCS1_SHA256, false, 0),
    PKCS1_RSA_PSS(SignatureAlgorithm.RSA_PSS_SHA256, true, 0),
    PKIX_RSA_PSS(SignatureAlgorithm.RSA_PSS_SHA256, false, 0);

    final SignatureAlgorithm algorithm;
    final boolean pkcs1;
    final int rsaBits;

    KeyDetails(SignatureAlgorithm algorithm, boolean pkcs1, int rsaBits) {
      this.algorithm = algorithm;
      this.pkcs1 = pkcs1;
      this.rsaBits = rsaBits;
    }

    static KeyDetails of(String s) {
      for (KeyDetails d : values()) {
        if (d.name().equals(s)) {
          return d;
        }
      }
      return null;
    }

    /** The key must be of the type the details name (a P-256 key under a P-384 name is refused). */
    void check(String name, String at, PublicKey key) {
      boolean ok;
      if (algorithm.isEcdsa()) {
        ok = algorithm.curve().equals(Keys.curveOf(key));
      } else if (algorithm == SignatureAlgorithm.ED25519) {
        ok = Keys.isEd25519(key);
      } else {
        ok = key instanceof RSAPublicKey rsa
            && (rsaBits == 0 || rsa.getModulus().bitLength() == rsaBits);
      }
      if (!ok) {
        throw malformed(name, at + ".rawBytes", "is a " + key.getAlgorithm() + " key that does not match keyDetails " + name());
      }
    }
  }
}
