package dev.airlock.trust.json;

import java.util.List;

/**
 * Wire form of a Sigstore {@code TrustedRoot} (protobuf-specs {@code sigstore_trustroot.proto},
 * proto3 JSON mapping). Fields only; {@code dev.airlock.trust.TrustedRoot#parse} validates and
 * translates it once (STYLE.md rule 3). Unknown fields are ignored.
 */
public final class TrustedRootJson {
  public String mediaType;
  public List<TransparencyLogJson> tlogs;
  public List<CertificateAuthorityJson> certificateAuthorities;
  public List<TransparencyLogJson> ctlogs;
  public List<CertificateAuthorityJson> timestampAuthorities;

  /** {@code TransparencyLogInstance}. */
  public static final class TransparencyLogJson {
    public String baseUrl;
    public String hashAlgorithm;
    public PublicKeyJson publicKey;
    public LogIdJson logId;
    public LogIdJson checkpointKeyId;
    public String operator;
  }

  /** {@code PublicKey}: DER bytes, key details, validity. */
  public static final class PublicKeyJson {
    public String rawBytes;
    public String keyDetails;
    public TimeRangeJson validFor;
  }

  /** {@code LogId}. */
  public static final class LogIdJson {
    public String keyId;
  }

  /** {@code TimeRange}: RFC 3339 start and optional end. */
  public static final class TimeRangeJson {
    public String start;
    public String end;
  }

  /** {@code CertificateAuthority} (also used for TSAs). */
  public static final class CertificateAuthorityJson {
    public SubjectJson subject;
    public String uri;
    public CertChainJson certChain;
    public TimeRangeJson validFor;
    public String operator;
  }

  /** {@code DistinguishedName}. */
  public static final class SubjectJson {
    public String organization;
    public String commonName;
  }

  /** {@code X509CertificateChain}. */
  public static final class CertChainJson {
    public List<CertJson> certificates;
  }

  /** {@code X509Certificate}. */
  public static final class CertJson {
    public String rawBytes;
  }
}
