package dev.airlock.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A finished Sigstore bundle and what went into it.
 *
 * @param json the bundle JSON ({@code *.sigstore.json} content)
 * @param signedContent the artifact bytes (messageSignature) or the DSSE payload (dsseEnvelope)
 * @param payloadType the DSSE payloadType, or null for a message signature
 * @param signature the raw signature bytes (over the artifact, or over the DSSE PAE)
 * @param signer who signed
 * @param entries the transparency-log entries in the bundle (possibly none)
 */
public record LabBundle(String json, byte[] signedContent, String payloadType, byte[] signature,
    Signer signer, List<LabRekor.Entry> entries) {

  public LabBundle {
    signedContent = signedContent.clone();
    signature = signature.clone();
    entries = List.copyOf(entries);
  }

  public byte[] signedContent() {
    return signedContent.clone();
  }

  public byte[] signature() {
    return signature.clone();
  }

  /** SHA-256 of the artifact (message signatures) or of the payload (DSSE). */
  public byte[] contentSha256() {
    return LabCrypto.sha256(signedContent);
  }

  /** Writes {@code json} to {@code file} and returns it. */
  public Path writeTo(Path file) throws IOException {
    Files.writeString(file, json);
    return file;
  }
}
