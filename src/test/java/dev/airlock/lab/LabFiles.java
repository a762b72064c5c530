package dev.airlock.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a lab bundle as a case directory in the corpus layout, for CLI tests
 * ({@code airlock verify-bundle --bundle ... --trusted-root ... [--key ...] artifact}).
 */
public final class LabFiles {
  private LabFiles() {}

  /**
   * The files of one case. {@code artifact} is the signed artifact (message signatures) or the
   * DSSE payload; {@code key} is the signer's public key PEM for key-based bundles, else null.
   */
  public record Case(Path dir, Path bundle, Path trustedRoot, Path artifact, Path key) {}

  /** Writes bundle.sigstore.json, trusted_root.json (all lab authorities), artifact and key.pub. */
  public static Case writeCase(Path dir, SigstoreLab lab, LabBundle b) throws IOException {
    Files.createDirectories(dir);
    Path bundle = b.writeTo(dir.resolve("bundle.sigstore.json"));
    Path root = lab.trustedRoot().writeTo(dir.resolve("trusted_root.json"));
    Path artifact = Files.write(dir.resolve(b.payloadType() == null ? "artifact.bin" : "payload.json"), b.signedContent());
    Path key = null;
    if (!b.signer().keyless()) {
      key = Files.writeString(dir.resolve("key.pub"), b.signer().publicKeyPem());
    }
    return new Case(dir, bundle, root, artifact, key);
  }
}
