package dev.airlock.crypto;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * X.509 certificate decoding. {@link CertificateFactory} stays inside {@code crypto} (STYLE.md rule
 * 5) so that the provider choice is made in one place.
 */
public final class Certificates {
  private Certificates() {}

  /** Thrown when bytes are not exactly one DER X.509 certificate. */
  public static final class CertificateParseException extends Exception {
    private static final long serialVersionUID = 1L;

    CertificateParseException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Parses exactly one DER-encoded X.509 certificate. Trailing bytes, PEM text and provider
   * {@code RuntimeException}s are all reported as {@link CertificateParseException}.
   */
  public static X509Certificate parseDer(byte[] der) throws CertificateParseException {
    if (der == null || der.length == 0) {
      throw new CertificateParseException("empty certificate", null);
    }
    if (der[0] != 0x30) {
      throw new CertificateParseException("not DER (does not start with a SEQUENCE)", null);
    }
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509", Provider.BC);
      ByteArrayInputStream in = new ByteArrayInputStream(der);
      Certificate c = cf.generateCertificate(in);
      if (in.available() != 0) {
        throw new CertificateParseException(in.available() + " trailing bytes after the certificate", null);
      }
      if (!(c instanceof X509Certificate x)) {
        throw new CertificateParseException("not an X.509 certificate", null);
      }
      return x;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new CertificateParseException("not a DER X.509 certificate: " + e.getMessage(), e);
    }
  }
}
