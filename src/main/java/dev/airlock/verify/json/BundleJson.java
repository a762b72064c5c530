package dev.airlock.verify.json;

import java.util.List;

/**
 * Wire form of a Sigstore bundle (protobuf-specs sigstore_bundle.proto, proto3 JSON), fields only
 * (STYLE.md rule 3). {@code bytes} fields stay base64 strings and int64 fields stay strings (JSON
 * numbers are coerced); {@code dev.airlock.verify.Bundle} translates and validates them once.
 */
public final class BundleJson {
  public String mediaType;
  public VerificationMaterial verificationMaterial;
  public MessageSignature messageSignature;
  public Envelope dsseEnvelope;

  public static final class VerificationMaterial {
    public PublicKeyIdentifier publicKey;
    public CertificateChain x509CertificateChain;
    public RawBytes certificate;
    public List<TlogEntry> tlogEntries;
    public TimestampVerificationData timestampVerificationData;
  }

  public static final class PublicKeyIdentifier {
    public String hint;
  }

  public static final class CertificateChain {
    public List<RawBytes> certificates;
  }

  public static final class RawBytes {
    public String rawBytes;
  }

  public static final class TimestampVerificationData {
    public List<SignedTimestamp> rfc3161Timestamps;
  }

  public static final class SignedTimestamp {
    public String signedTimestamp;
  }

  public static final class TlogEntry {
    public String logIndex;
    public LogId logId;
    public KindVersion kindVersion;
    public String integratedTime;
    public InclusionPromise inclusionPromise;
    public InclusionProof inclusionProof;
    public String canonicalizedBody;
  }

  public static final class LogId {
    public String keyId;
  }

  public static final class KindVersion {
    public String kind;
    public String version;
  }

  public static final class InclusionPromise {
    public String signedEntryTimestamp;
  }

  public static final class InclusionProof {
    public String logIndex;
    public String rootHash;
    public String treeSize;
    public List<String> hashes;
    public Checkpoint checkpoint;
  }

  public static final class Checkpoint {
    public String envelope;
  }

  public static final class MessageSignature {
    public HashOutput messageDigest;
    public String signature;
  }

  public static final class HashOutput {
    public String algorithm;
    public String digest;
  }

  public static final class Envelope {
    public String payload;
    public String payloadType;
    public List<EnvelopeSignature> signatures;
  }

  public static final class EnvelopeSignature {
    public String sig;
    public String keyid;
  }
}
