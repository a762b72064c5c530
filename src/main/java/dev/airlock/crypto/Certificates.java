package dev.airlock.crypto;

import dev.airlock.crypto.InvalidSignatureException.Problem;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * X.509 certificates: parsing and signature checks through the crypto chokepoint (STYLE.md rule 5).
 * Validity dates are never checked here: callers check them at the verified signing time.
 */
public final class Certificates {
  private Certificates() {}

  /** Thrown for bytes that are not one DER certificate. */
  public static final class CertificateParseException extends Exception {
    private static final long serialVersionUID = 1L;

    CertificateParseException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Parses one DER X.509 certificate; trailing bytes or other encodings are refused. */
  public static X509Certificate parseDer(byte[] der) throws CertificateParseException {
    if (der == null || der.length == 0) {
      throw new CertificateParseException("empty certificate", null);
    }
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509", Provider.BC);
      X509Certificate c = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der));
      if (c == null || !java.util.Arrays.equals(c.getEncoded(), der)) {
        throw new CertificateParseException("not exactly one DER certificate", null);
      }
      return c;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new CertificateParseException("not an X.509 certificate: " + e.getMessage(), e);
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
