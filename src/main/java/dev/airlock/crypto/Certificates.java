package dev.airlock.crypto;

import dev.airlock.crypto.InvalidSignatureException.Problem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.cms.DefaultCMSSignatureAlgorithmNameGenerator;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.crypto.Signer;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.signers.PSSSigner;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcContentVerifierProviderBuilder;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.operator.bc.BcEdDSAContentVerifierProviderBuilder;
import org.bouncycastle.operator.bc.BcRSAContentVerifierProviderBuilder;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * X.509 certificate decoding and signature checks. {@link CertificateFactory} stays inside
 * {@code crypto} (STYLE.md rule 5) so that the provider choice is made in one place: certificates
 * are the JDK's (SUN provider), signatures go through {@link Signatures} and Bouncy Castle's
 * lightweight API, never through a JCA provider.
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
   * Parses exactly one DER-encoded X.509 certificate. The bytes are first checked with Bouncy
   * Castle's ASN.1 parser (one complete {@code Certificate} SEQUENCE of RFC 5280 section 4.1,
   * nothing after it), then decoded by the JDK's {@code CertificateFactory} (SUN provider).
   * Trailing bytes, PEM text and runtime exceptions are all reported as
   * {@link CertificateParseException}.
   */
  public static X509Certificate parseDer(byte[] der) throws CertificateParseException {
    if (der == null || der.length == 0) {
      throw new CertificateParseException("empty certificate", null);
    }
    if (der[0] != 0x30) {
      throw new CertificateParseException("not DER (does not start with a SEQUENCE)", null);
    }
    try (ASN1InputStream in = new ASN1InputStream(der)) {
      ASN1Primitive o = in.readObject();
      int rest = in.available();
      if (rest != 0) {
        throw new CertificateParseException(rest + " trailing bytes after the certificate", null);
      }
      org.bouncycastle.asn1.x509.Certificate.getInstance(o);
    } catch (IOException | RuntimeException e) {
      throw new CertificateParseException("not a DER X.509 certificate: " + e.getMessage(), e);
    }
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
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

  /**
   * Verifies that {@code cert} carries a valid signature by {@code issuerKey} (RFC 5280 section
   * 6.1.3 (a)(1)). The certificate's signature algorithm must be on the allow-list
   * ({@link AlgorithmIds}: ECDSA with SHA-256/384/512, RSA PKCS#1 v1.5 with SHA-256/384/512,
   * RSASSA-PSS with SHA-256/MGF1-SHA-256/salt 32, Ed25519) and fit the issuer's key; the signature
   * over the DER {@code tbsCertificate} is then checked by {@link Signatures#verify}. Callers MUST
   * still check names, validity and constraints; this is the signature only.
   *
   * @throws InvalidSignatureException UNSUPPORTED for algorithms outside the allow-list or not
   *     fitting the key, MALFORMED for unreadable encodings, MISMATCH if the signature is wrong
   */
  public static void verifyIssuedBy(X509Certificate cert, PublicKey issuerKey) throws InvalidSignatureException {
    byte[] tbs;
    AlgorithmIds.Allowed allowed;
    try {
      tbs = cert.getTBSCertificate();
      allowed = AlgorithmIds.of(cert.getSigAlgOID(), cert.getSigAlgParams());
      // RFC 5280 section 4.1.1.2: signatureAlgorithm MUST equal the signature field of tbsCertificate
      AlgorithmIdentifier inner = TBSCertificate.getInstance(tbs).getSignature();
      if (!inner.getAlgorithm().getId().equals(cert.getSigAlgOID())
          || !AlgorithmIds.of(inner).equals(allowed)) {
        throw new InvalidSignatureException(Problem.MALFORMED,
            "signatureAlgorithm " + cert.getSigAlgOID() + " differs from the tbsCertificate signature " + inner.getAlgorithm());
      }
    } catch (CertificateEncodingException | RuntimeException e) {
      throw new InvalidSignatureException(Problem.MALFORMED, "unreadable certificate: " + e, e);
    }
    KeyParams.Entry key;
    try {
      key = KeyParams.of(issuerKey);
    } catch (KeyParams.Refused e) {
      throw new InvalidSignatureException(Problem.UNSUPPORTED, "issuer key cannot be used: " + e.getMessage(), e);
    }
    SignatureAlgorithm alg = AlgorithmIds.forKey(allowed, key);
    Signatures.verify(issuerKey, alg, tbs, cert.getSignature());
  }

  /**
   * Verifies the CMS signature of an RFC 3161 token with the signer's certificate (no dates), with
   * Bouncy Castle's lightweight content verifiers (no JCA provider). The signature algorithm must
   * be on the allow-list ({@link AlgorithmIds}).
   */
  public static void verifyTimeStampToken(TimeStampToken token, X509Certificate signer)
      throws InvalidSignatureException {
    KeyParams.Entry key;
    try {
      key = KeyParams.of(signer.getPublicKey());
    } catch (KeyParams.Refused e) {
      throw new InvalidSignatureException(Problem.UNSUPPORTED, "TSA key cannot be used: " + e.getMessage(), e);
    }
    try {
      BcContentVerifierProviderBuilder builder = switch (key.kind()) {
        case EC -> new BcECContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder()) {
          @Override
          protected Signer createSigner(AlgorithmIdentifier sigAlgId) throws OperatorCreationException {
            allowedFor(sigAlgId, key);
            return super.createSigner(sigAlgId);
          }
        };
        case RSA -> new BcRSAContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder()) {
          @Override
          protected Signer createSigner(AlgorithmIdentifier sigAlgId) throws OperatorCreationException {
            if (allowedFor(sigAlgId, key) == SignatureAlgorithm.RSA_PSS_SHA256) {
              // BcRSAContentVerifierProviderBuilder only knows PKCS#1 v1.5; the allow-list's PSS parameters
              return new PSSSigner(new RSABlindedEngine(), new SHA256Digest(), new SHA256Digest(), 32,
                  PSSSigner.TRAILER_IMPLICIT);
            }
            return super.createSigner(sigAlgId);
          }
        };
        case ED25519 -> new BcEdDSAContentVerifierProviderBuilder() {
          @Override
          protected Signer createSigner(AlgorithmIdentifier sigAlgId) throws OperatorCreationException {
            allowedFor(sigAlgId, key);
            return super.createSigner(sigAlgId);
          }
        };
      };
      SignerInformationVerifier v = new SignerInformationVerifier(new DefaultCMSSignatureAlgorithmNameGenerator(),
          new DefaultSignatureAlgorithmIdentifierFinder(), builder.build(key.params()), new BcDigestCalculatorProvider());
      if (!token.isSignatureValid(v)) {
        throw new InvalidSignatureException(Problem.MISMATCH, "timestamp signature does not verify");
      }
    } catch (InvalidSignatureException e) {
      throw e;
    } catch (Exception e) {
      throw new InvalidSignatureException(Problem.MISMATCH, "timestamp signature does not verify: " + e.getMessage(), e);
    }
  }

  private static SignatureAlgorithm allowedFor(AlgorithmIdentifier sigAlgId, KeyParams.Entry key)
      throws OperatorCreationException {
    try {
      return AlgorithmIds.forKey(AlgorithmIds.of(sigAlgId), key);
    } catch (InvalidSignatureException e) {
      throw new OperatorCreationException(e.getMessage(), e);
    }
  }
}
