package dev.airlock.trust.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.JsonFields;
import dev.airlock.core.JsonFields.Path;
import java.util.List;

/**
 * Wire form of a Sigstore {@code TrustedRoot} (protobuf-specs {@code sigstore_trustroot.proto},
 * proto3 JSON mapping). Fields only; {@code dev.airlock.trust.TrustedRoot#parse} validates and
 * translates it once (STYLE.md rule 3). Unknown fields are ignored. {@link #read} fills it from the
 * parsed tree by hand, with data binding's rules ({@link JsonFields}), off the cold-start path's
 * bean deserializers (issue 17).
 */
public final class TrustedRootJson {
  public String mediaType;
  public List<TransparencyLogJson> tlogs;
  public List<CertificateAuthorityJson> certificateAuthorities;
  public List<TransparencyLogJson> ctlogs;
  public List<CertificateAuthorityJson> timestampAuthorities;

  /** The wire form of a parsed document, or null for a JSON {@code null}. */
  public static TrustedRootJson read(JsonNode root, String what) {
    return JsonFields.root(root, what, (n, at) -> {
      TrustedRootJson t = new TrustedRootJson();
      t.mediaType = JsonFields.text(n, at, "mediaType");
      t.tlogs = JsonFields.list(n, at, "tlogs", TransparencyLogJson::read);
      t.certificateAuthorities = JsonFields.list(n, at, "certificateAuthorities", CertificateAuthorityJson::read);
      t.ctlogs = JsonFields.list(n, at, "ctlogs", TransparencyLogJson::read);
      t.timestampAuthorities = JsonFields.list(n, at, "timestampAuthorities", CertificateAuthorityJson::read);
      return t;
    });
  }

  /** {@code TransparencyLogInstance}. */
  public static final class TransparencyLogJson {
    public String baseUrl;
    public String hashAlgorithm;
    public PublicKeyJson publicKey;
    public LogIdJson logId;
    public LogIdJson checkpointKeyId;
    public String operator;

    static TransparencyLogJson read(JsonNode n, Path at) {
      TransparencyLogJson t = new TransparencyLogJson();
      t.baseUrl = JsonFields.text(n, at, "baseUrl");
      t.hashAlgorithm = JsonFields.text(n, at, "hashAlgorithm");
      t.publicKey = JsonFields.object(n, at, "publicKey", PublicKeyJson::read);
      t.logId = JsonFields.object(n, at, "logId", LogIdJson::read);
      t.checkpointKeyId = JsonFields.object(n, at, "checkpointKeyId", LogIdJson::read);
      t.operator = JsonFields.text(n, at, "operator");
      return t;
    }
  }

  /** {@code PublicKey}: DER bytes, key details, validity. */
  public static final class PublicKeyJson {
    public String rawBytes;
    public String keyDetails;
    public TimeRangeJson validFor;

    static PublicKeyJson read(JsonNode n, Path at) {
      PublicKeyJson k = new PublicKeyJson();
      k.rawBytes = JsonFields.text(n, at, "rawBytes");
      k.keyDetails = JsonFields.text(n, at, "keyDetails");
      k.validFor = JsonFields.object(n, at, "validFor", TimeRangeJson::read);
      return k;
    }
  }

  /** {@code LogId}. */
  public static final class LogIdJson {
    public String keyId;

    static LogIdJson read(JsonNode n, Path at) {
      LogIdJson l = new LogIdJson();
      l.keyId = JsonFields.text(n, at, "keyId");
      return l;
    }
  }

  /** {@code TimeRange}: RFC 3339 start and optional end. */
  public static final class TimeRangeJson {
    public String start;
    public String end;

    static TimeRangeJson read(JsonNode n, Path at) {
      TimeRangeJson r = new TimeRangeJson();
      r.start = JsonFields.text(n, at, "start");
      r.end = JsonFields.text(n, at, "end");
      return r;
    }
  }

  /** {@code CertificateAuthority} (also used for TSAs). */
  public static final class CertificateAuthorityJson {
    public SubjectJson subject;
    public String uri;
    public CertChainJson certChain;
    public TimeRangeJson validFor;
    public String operator;

    static CertificateAuthorityJson read(JsonNode n, Path at) {
      CertificateAuthorityJson a = new CertificateAuthorityJson();
      a.subject = JsonFields.object(n, at, "subject", SubjectJson::read);
      a.uri = JsonFields.text(n, at, "uri");
      a.certChain = JsonFields.object(n, at, "certChain", CertChainJson::read);
      a.validFor = JsonFields.object(n, at, "validFor", TimeRangeJson::read);
      a.operator = JsonFields.text(n, at, "operator");
      return a;
    }
  }

  /** {@code DistinguishedName}. */
  public static final class SubjectJson {
    public String organization;
    public String commonName;

    static SubjectJson read(JsonNode n, Path at) {
      SubjectJson s = new SubjectJson();
      s.organization = JsonFields.text(n, at, "organization");
      s.commonName = JsonFields.text(n, at, "commonName");
      return s;
    }
  }

  /** {@code X509CertificateChain}. */
  public static final class CertChainJson {
    public List<CertJson> certificates;

    static CertChainJson read(JsonNode n, Path at) {
      CertChainJson c = new CertChainJson();
      c.certificates = JsonFields.list(n, at, "certificates", CertJson::read);
      return c;
    }
  }

  /** {@code X509Certificate}. */
  public static final class CertJson {
    public String rawBytes;

    static CertJson read(JsonNode n, Path at) {
      CertJson c = new CertJson();
      c.rawBytes = JsonFields.text(n, at, "rawBytes");
      return c;
    }
  }
}
