package dev.airlock.trust;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import dev.airlock.oci.Digest;
import java.util.List;
import java.util.Objects;

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

  /**
   * Parses and validates a trusted root. Accepts media types
   * {@code application/vnd.dev.sigstore.trustedroot+json;version=0.1} and
   * {@code application/vnd.dev.sigstore.trustedroot.v0.2+json}.
   *
   * @throws AirlockException DENIED with {@link Reason#TRUSTED_ROOT_MALFORMED} (or a JSON reason)
   */
  public static TrustedRoot parse(byte[] json, String name) {
    throw new AirlockException(AirlockException.Kind.INTERNAL, Reason.NOT_IMPLEMENTED,
        name + ": trusted root parsing not implemented yet");
  }
}
