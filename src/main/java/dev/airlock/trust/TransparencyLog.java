package dev.airlock.trust;

import dev.airlock.crypto.SignatureAlgorithm;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * A transparency log or CT log of a trusted root ({@code TransparencyLogInstance},
 * protobuf-specs sigstore_trustroot.proto).
 *
 * @param baseUrl the log's URL as given (not used to select the key)
 * @param logId the log ID ({@code logId.keyId}): SHA-256 of the SPKI for Rekor v1 and CT logs,
 *     the C2SP key ID for Rekor v2
 * @param checkpointKeyId v0.2 {@code checkpointKeyId}, or null
 * @param key the log's public key
 * @param algorithm the signature algorithm from {@code keyDetails}
 * @param validFor the key's validity window
 */
public record TransparencyLog(
    String baseUrl,
    byte[] logId,
    byte[] checkpointKeyId,
    PublicKey key,
    SignatureAlgorithm algorithm,
    ValidityWindow validFor) {

  public TransparencyLog {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(validFor, "validFor");
    logId = logId == null ? null : logId.clone();
    checkpointKeyId = checkpointKeyId == null ? null : checkpointKeyId.clone();
  }

  @Override
  public byte[] logId() {
    return logId == null ? null : logId.clone();
  }

  @Override
  public byte[] checkpointKeyId() {
    return checkpointKeyId == null ? null : checkpointKeyId.clone();
  }

  public boolean hasLogId(byte[] id) {
    return logId != null && Arrays.equals(logId, id);
  }
}
