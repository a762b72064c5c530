package dev.airlock.verify.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.JsonFields;
import dev.airlock.core.JsonFields.Path;
import java.util.List;

/**
 * Wire form of a Sigstore bundle (protobuf-specs sigstore_bundle.proto, proto3 JSON), fields only
 * (STYLE.md rule 3). {@code bytes} fields stay base64 strings and int64 fields stay strings (JSON
 * numbers are coerced); {@code dev.airlock.verify.Bundle} translates and validates them once.
 * {@link #read} fills it from the parsed tree by hand, with data binding's rules ({@link JsonFields}),
 * off the cold-start path's bean deserializers (issue 17).
 */
public final class BundleJson {
  public String mediaType;
  public VerificationMaterial verificationMaterial;
  public MessageSignature messageSignature;
  public Envelope dsseEnvelope;

  /** The wire form of a parsed bundle, or null for a JSON {@code null}. */
  public static BundleJson read(JsonNode root, String what) {
    return JsonFields.root(root, what, BundleJson::read);
  }

  static BundleJson read(JsonNode n, Path at) {
    BundleJson x = new BundleJson();
    x.mediaType = JsonFields.text(n, at, "mediaType");
    x.verificationMaterial = JsonFields.object(n, at, "verificationMaterial", VerificationMaterial::read);
    x.messageSignature = JsonFields.object(n, at, "messageSignature", MessageSignature::read);
    x.dsseEnvelope = JsonFields.object(n, at, "dsseEnvelope", Envelope::read);
    return x;
  }

  public static final class VerificationMaterial {
    public PublicKeyIdentifier publicKey;
    public CertificateChain x509CertificateChain;
    public RawBytes certificate;
    public List<TlogEntry> tlogEntries;
    public TimestampVerificationData timestampVerificationData;

    static VerificationMaterial read(JsonNode n, Path at) {
      VerificationMaterial x = new VerificationMaterial();
      x.publicKey = JsonFields.object(n, at, "publicKey", PublicKeyIdentifier::read);
      x.x509CertificateChain = JsonFields.object(n, at, "x509CertificateChain", CertificateChain::read);
      x.certificate = JsonFields.object(n, at, "certificate", RawBytes::read);
      x.tlogEntries = JsonFields.list(n, at, "tlogEntries", TlogEntry::read);
      x.timestampVerificationData = JsonFields.object(n, at, "timestampVerificationData", TimestampVerificationData::read);
      return x;
    }
  }

  public static final class PublicKeyIdentifier {
    public String hint;

    static PublicKeyIdentifier read(JsonNode n, Path at) {
      PublicKeyIdentifier x = new PublicKeyIdentifier();
      x.hint = JsonFields.text(n, at, "hint");
      return x;
    }
  }

  public static final class CertificateChain {
    public List<RawBytes> certificates;

    static CertificateChain read(JsonNode n, Path at) {
      CertificateChain x = new CertificateChain();
      x.certificates = JsonFields.list(n, at, "certificates", RawBytes::read);
      return x;
    }
  }

  public static final class RawBytes {
    public String rawBytes;

    static RawBytes read(JsonNode n, Path at) {
      RawBytes x = new RawBytes();
      x.rawBytes = JsonFields.text(n, at, "rawBytes");
      return x;
    }
  }

  public static final class TimestampVerificationData {
    public List<SignedTimestamp> rfc3161Timestamps;

    static TimestampVerificationData read(JsonNode n, Path at) {
      TimestampVerificationData x = new TimestampVerificationData();
      x.rfc3161Timestamps = JsonFields.list(n, at, "rfc3161Timestamps", SignedTimestamp::read);
      return x;
    }
  }

  public static final class SignedTimestamp {
    public String signedTimestamp;

    static SignedTimestamp read(JsonNode n, Path at) {
      SignedTimestamp x = new SignedTimestamp();
      x.signedTimestamp = JsonFields.text(n, at, "signedTimestamp");
      return x;
    }
  }

  public static final class TlogEntry {
    public String logIndex;
    public LogId logId;
    public KindVersion kindVersion;
    public String integratedTime;
    public InclusionPromise inclusionPromise;
    public InclusionProof inclusionProof;
    public String canonicalizedBody;

    static TlogEntry read(JsonNode n, Path at) {
      TlogEntry x = new TlogEntry();
      x.logIndex = JsonFields.text(n, at, "logIndex");
      x.logId = JsonFields.object(n, at, "logId", LogId::read);
      x.kindVersion = JsonFields.object(n, at, "kindVersion", KindVersion::read);
      x.integratedTime = JsonFields.text(n, at, "integratedTime");
      x.inclusionPromise = JsonFields.object(n, at, "inclusionPromise", InclusionPromise::read);
      x.inclusionProof = JsonFields.object(n, at, "inclusionProof", InclusionProof::read);
      x.canonicalizedBody = JsonFields.text(n, at, "canonicalizedBody");
      return x;
    }
  }

  public static final class LogId {
    public String keyId;

    static LogId read(JsonNode n, Path at) {
      LogId x = new LogId();
      x.keyId = JsonFields.text(n, at, "keyId");
      return x;
    }
  }

  public static final class KindVersion {
    public String kind;
    public String version;

    static KindVersion read(JsonNode n, Path at) {
      KindVersion x = new KindVersion();
      x.kind = JsonFields.text(n, at, "kind");
      x.version = JsonFields.text(n, at, "version");
      return x;
    }
  }

  public static final class InclusionPromise {
    public String signedEntryTimestamp;

    static InclusionPromise read(JsonNode n, Path at) {
      InclusionPromise x = new InclusionPromise();
      x.signedEntryTimestamp = JsonFields.text(n, at, "signedEntryTimestamp");
      return x;
    }
  }

  public static final class InclusionProof {
    public String logIndex;
    public String rootHash;
    public String treeSize;
    public List<String> hashes;
    public Checkpoint checkpoint;

    static InclusionProof read(JsonNode n, Path at) {
      InclusionProof x = new InclusionProof();
      x.logIndex = JsonFields.text(n, at, "logIndex");
      x.rootHash = JsonFields.text(n, at, "rootHash");
      x.treeSize = JsonFields.text(n, at, "treeSize");
      x.hashes = JsonFields.texts(n, at, "hashes");
      x.checkpoint = JsonFields.object(n, at, "checkpoint", Checkpoint::read);
      return x;
    }
  }

  public static final class Checkpoint {
    public String envelope;

    static Checkpoint read(JsonNode n, Path at) {
      Checkpoint x = new Checkpoint();
      x.envelope = JsonFields.text(n, at, "envelope");
      return x;
    }
  }

  public static final class MessageSignature {
    public HashOutput messageDigest;
    public String signature;

    static MessageSignature read(JsonNode n, Path at) {
      MessageSignature x = new MessageSignature();
      x.messageDigest = JsonFields.object(n, at, "messageDigest", HashOutput::read);
      x.signature = JsonFields.text(n, at, "signature");
      return x;
    }
  }

  public static final class HashOutput {
    public String algorithm;
    public String digest;

    static HashOutput read(JsonNode n, Path at) {
      HashOutput x = new HashOutput();
      x.algorithm = JsonFields.text(n, at, "algorithm");
      x.digest = JsonFields.text(n, at, "digest");
      return x;
    }
  }

  public static final class Envelope {
    public String payload;
    public String payloadType;
    public List<EnvelopeSignature> signatures;

    static Envelope read(JsonNode n, Path at) {
      Envelope x = new Envelope();
      x.payload = JsonFields.text(n, at, "payload");
      x.payloadType = JsonFields.text(n, at, "payloadType");
      x.signatures = JsonFields.list(n, at, "signatures", EnvelopeSignature::read);
      return x;
    }
  }

  public static final class EnvelopeSignature {
    public String sig;
    public String keyid;

    static EnvelopeSignature read(JsonNode n, Path at) {
      EnvelopeSignature x = new EnvelopeSignature();
      x.sig = JsonFields.text(n, at, "sig");
      x.keyid = JsonFields.text(n, at, "keyid");
      return x;
    }
  }
}
