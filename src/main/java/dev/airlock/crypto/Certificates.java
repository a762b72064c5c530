package dev.airlock.crypto;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import dev.airlock.crypto.InvalidSignatureException.Problem;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TimeStampToken;

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

  /** Parses every {@code CERTIFICATE} block of PEM text, in order. */
  public static List<X509Certificate> parsePem(byte[] pem) throws CertificateParseException {
    List<X509Certificate> out = new ArrayList<>();
    try (org.bouncycastle.util.io.pem.PemReader r = new org.bouncycastle.util.io.pem.PemReader(
        new java.io.StringReader(new String(pem, java.nio.charset.StandardCharsets.US_ASCII)))) {
      org.bouncycastle.util.io.pem.PemObject o;
      while ((o = r.readPemObject()) != null) {
        if (o.getType().equals("CERTIFICATE")) {
          out.add(parseDer(o.getContent()));
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      throw new CertificateParseException("malformed PEM: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new CertificateParseException("no PEM CERTIFICATE block", null);
    }
    return out;
  }

  /** Verifies that {@code cert} carries a valid signature by {@code issuerKey}. */
  public static void verifyIssuedBy(X509Certificate cert, PublicKey issuerKey) throws InvalidSignatureException {
    try {
      cert.verify(issuerKey, Provider.BC);
    } catch (java.security.SignatureException e) {
      throw new InvalidSignatureException(Problem.MISMATCH, "certificate signature does not verify", e);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new InvalidSignatureException(Problem.MALFORMED, "certificate signature check failed: " + e, e);
    }
  }

  /** Verifies the CMS signature of an RFC 3161 token with the signer's certificate (no dates). */
  public static void verifyTimeStampToken(TimeStampToken token, X509Certificate signer)
      throws InvalidSignatureException {
    try {
      SignerInformationVerifier v =
          new JcaSimpleSignerInfoVerifierBuilder().setProvider(Provider.BC).build(signer.getPublicKey());
      if (!token.isSignatureValid(v)) {
        throw new InvalidSignatureException(Problem.MISMATCH, "timestamp signature does not verify");
      }
    } catch (InvalidSignatureException e) {
      throw e;
    } catch (Exception e) {
      throw new InvalidSignatureException(Problem.MISMATCH, "timestamp signature does not verify: " + e.getMessage(), e);
    }
  }
}
