package dev.airlock.verify;

import dev.airlock.core.Reason;
import dev.airlock.crypto.Certificates;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.trust.CertificateAuthority;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * RFC 3161 signed timestamps (bundle {@code timestampVerificationData}): the token must be signed
 * by a timestamp authority of the trusted root whose validFor and whose every certificate contain
 * genTime, and its message imprint must be the hash of the signature bytes.
 */
final class Rfc3161 {
  private Rfc3161() {}

  /** Returns the verified genTime. */
  static Instant verify(byte[] der, byte[] signature, List<CertificateAuthority> tsas, ChainCache cache)
      throws Denial {
    TimeStampToken token;
    try {
      token = parse(der);
    } catch (Denial d) {
      throw d;
    } catch (Exception e) {
      throw new Denial(Reason.TIMESTAMP_MALFORMED, "RFC 3161 timestamp cannot be parsed: " + e.getMessage());
    }
    // RFC 3161 section 2.4.2: TimeStampToken ::= ContentInfo whose contentType is id-signedData
    // (RFC 5652 section 5.1). Bouncy Castle does not check this outer type, which no signature
    // covers, so a token under another type verified as a second spelling of the same token
    // (found by VerifyFuzzTest#mutatedLabBundle, kept as its seed); strict readers refuse it.
    ASN1ObjectIdentifier contentType = token.toCMSSignedData().toASN1Structure().getContentType();
    if (!CMSObjectIdentifiers.signedData.equals(contentType)) {
      throw new Denial(Reason.TIMESTAMP_MALFORMED, "RFC 3161 timestamp token is not CMS SignedData",
          CMSObjectIdentifiers.signedData.getId(), String.valueOf(contentType));
    }
    // RFC 5652 section 5.3: SignerInfo.version is 1 when the signer is named by issuer and serial
    // number, 3 when by subject key identifier. No signature covers it, so any other value is a
    // second spelling of the same token (found by VerifyFuzzTest#mutatedLabBundle: version 0xd1
    // verified; kept as its seed); strict readers refuse it.
    for (org.bouncycastle.cms.SignerInformation si : token.toCMSSignedData().getSignerInfos().getSigners()) {
      int want = si.getSID().getSubjectKeyIdentifier() != null ? 3 : 1;
      if (si.getVersion() != want) {
        throw new Denial(Reason.TIMESTAMP_MALFORMED, "RFC 3161 timestamp SignerInfo version is not " + want,
            String.valueOf(want), String.valueOf(si.getVersion()));
      }
    }
    Instant genTime = token.getTimeStampInfo().getGenTime().toInstant();
    String alg = token.getTimeStampInfo().getMessageImprintAlgOID().getId();
    String jca;
    if (alg.equals(NISTObjectIdentifiers.id_sha256.getId())) {
      jca = "SHA-256";
    } else if (alg.equals(NISTObjectIdentifiers.id_sha384.getId())) {
      jca = "SHA-384";
    } else if (alg.equals(NISTObjectIdentifiers.id_sha512.getId())) {
      jca = "SHA-512";
    } else {
      throw new Denial(Reason.TIMESTAMP_MALFORMED, "timestamp imprint hash " + alg + " is not allowed");
    }
    byte[] want = Hashing.get(jca).digest(signature);
    if (!MessageDigest.isEqual(want, token.getTimeStampInfo().getMessageImprintDigest())) {
      throw new Denial(Reason.TIMESTAMP_IMPRINT_MISMATCH, "timestamp imprint is not the hash of the signature",
          Hashing.hex(want), Hashing.hex(token.getTimeStampInfo().getMessageImprintDigest()));
    }
    Denial timeFailure = null;
    for (CertificateAuthority tsa : tsas) {
      X509Certificate signer = tsa.chain().get(0);
      if (!namesSigner(token, signer)) {
        // RFC 5652 section 5.3: sid names the signer's certificate. Nothing signs it, so a token
        // whose sid names another certificate would verify as a second spelling of the same token
        // (found by VerifyFuzzTest#mutatedLabBundle, kept as its seed).
        continue;
      }
      try {
        Certificates.verifyTimeStampToken(token, signer);
      } catch (InvalidSignatureException e) {
        continue;
      }
      // the signature is this TSA's: now its window and chain at genTime decide
      if (!tsa.validFor().contains(genTime)) {
        timeFailure = new Denial(Reason.TIMESTAMP_AUTHORITY_NOT_VALID_AT_TIME,
            "genTime is outside the TSA's validFor", tsa.validFor().toString(), genTime.toString());
        continue;
      }
      try {
        cache.verifyAuthorityChain(tsa);
      } catch (Denial d) {
        timeFailure = d;
        continue;
      }
      for (X509Certificate c : tsa.chain()) {
        if (!CertificatePathCheck.validAt(c, genTime)) {
          timeFailure = new Denial(Reason.TIMESTAMP_AUTHORITY_NOT_VALID_AT_TIME,
              "TSA certificate '" + c.getSubjectX500Principal() + "' is not valid at genTime",
              c.getNotBefore().toInstant() + ".." + c.getNotAfter().toInstant(), genTime.toString());
          break;
        }
      }
      if (timeFailure == null) {
        return genTime;
      }
    }
    if (timeFailure != null) {
      throw timeFailure;
    }
    throw new Denial(Reason.TIMESTAMP_UNTRUSTED, "timestamp is not signed by a TSA of the trusted root");
  }

  private static boolean namesSigner(TimeStampToken token, X509Certificate signer) {
    try {
      X509CertificateHolder holder = new X509CertificateHolder(signer.getEncoded());
      org.bouncycastle.cms.SignerId sid = token.getSID();
      // Bouncy Castle matches the issuer name by X.500 rules (case-insensitive strings), so a sid
      // whose issuer was spelled "lab-tsA-root" matched "lab-tsa-root": nothing signs the sid, and
      // it was a second spelling of the same token (found by VerifyFuzzTest#mutatedLabBundle, kept
      // as its seed). sigstore-go's reader (digitorus/pkcs7) compares the issuer's DER bytes with
      // the certificate's; so does this one.
      return sid.match(holder) && (sid.getIssuer() == null
          || java.util.Arrays.equals(sid.getIssuer().getEncoded(), holder.getIssuer().getEncoded()));
    } catch (java.io.IOException | java.security.cert.CertificateEncodingException e) {
      return false;
    }
  }

  private static TimeStampToken parse(byte[] der) throws Exception {
    TimeStampResponse r;
    try {
      r = new TimeStampResponse(der);
    } catch (Exception e) {
      r = null; // maybe a bare token
    }
    if (r != null && r.getTimeStampToken() != null) {
      // RFC 3161 section 2.4.2: a response carries a token only when granted. No signature covers
      // the status, so another value was a second spelling of the same token (found by
      // VerifyFuzzTest#mutatedLabBundle: status 8 verified; kept as its seed). sigstore-go's reader
      // (digitorus/timestamp ParseResponse) accepts granted (0) only; so does this one.
      int status = r.getStatus();
      if (status != PKIStatus.GRANTED) {
        throw new Denial(Reason.TIMESTAMP_MALFORMED, "RFC 3161 timestamp response status is " + status
            + ", not granted (0)", "0", String.valueOf(status));
      }
      return r.getTimeStampToken();
    }
    return new TimeStampToken(new CMSSignedData(der));
  }
}
