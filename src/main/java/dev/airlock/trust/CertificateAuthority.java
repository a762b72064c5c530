package dev.airlock.trust;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate authority or timestamp authority of a trusted root ({@code CertificateAuthority}).
 *
 * @param subject organisation / common name, for display
 * @param uri the authority's URI as given
 * @param chain certificates, leaf/intermediate first; the last is the trust anchor
 * @param validFor the authority's validity window
 */
public record CertificateAuthority(
    String subject, String uri, List<X509Certificate> chain, ValidityWindow validFor) {
  public CertificateAuthority {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("certificate authority without certificates");
    }
    Objects.requireNonNull(validFor, "validFor");
  }

  /** The trust anchor: the last certificate of the chain. */
  public X509Certificate anchor() {
    return chain.get(chain.size() - 1);
  }
}
