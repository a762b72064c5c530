package dev.airlock.verify;

import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.crypto.Signatures;
import dev.airlock.trust.TransparencyLog;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x509.Extension;

/**
 * Embedded signed certificate timestamps (RFC 6962 section 3.2-3.3; FORMATS.md section 5): each SCT
 * of extension 1.3.6.1.4.1.11129.2.4.2 is verified over the reconstructed precertificate entry by
 * a CT log of the trusted root whose validFor contains the SCT time.
 */
final class Sct {
  static final String SCT_OID = "1.3.6.1.4.1.11129.2.4.2";

  private Sct() {}

  /** Returns the number of SCTs that verified; throws the first failure if none did. */
  static int verify(X509Certificate leaf, X509Certificate issuer, List<TransparencyLog> ctlogs) throws Denial {
    byte[] ext = leaf.getExtensionValue(SCT_OID);
    if (ext == null) {
      throw new Denial(Reason.SCT_MISSING, "the certificate carries no embedded SCT");
    }
    List<byte[]> scts = new ArrayList<>();
    byte[] tbs;
    try {
      byte[] list = ASN1OctetString.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getOctets();
      ByteBuffer b = ByteBuffer.wrap(list);
      int total = u16(b);
      if (total != b.remaining()) {
        throw new Denial(Reason.SCT_INVALID, "SCT list length " + total + " != " + b.remaining());
      }
      while (b.hasRemaining()) {
        byte[] one = new byte[u16(b)];
        b.get(one);
        scts.add(one);
      }
      tbs = precertTbs(leaf);
    } catch (Denial d) {
      throw d;
    } catch (RuntimeException | java.io.IOException | java.security.cert.CertificateEncodingException e) {
      throw new Denial(Reason.SCT_INVALID, "malformed SCT extension: " + e.getMessage());
    }
    byte[] issuerKeyHash = Hashing.sha256(issuer.getPublicKey().getEncoded());
    Denial first = null;
    int ok = 0;
    for (byte[] sct : scts) {
      try {
        verifyOne(sct, tbs, issuerKeyHash, ctlogs);
        ok++;
      } catch (Denial d) {
        first = first == null ? d : first;
      }
    }
    if (ok == 0) {
      throw first != null ? first : new Denial(Reason.SCT_MISSING, "the SCT list is empty");
    }
    return ok;
  }

  private static void verifyOne(byte[] sct, byte[] tbs, byte[] issuerKeyHash, List<TransparencyLog> ctlogs)
      throws Denial {
    ByteBuffer b = ByteBuffer.wrap(sct);
    byte[] logId;
    long ts;
    byte[] exts;
    byte[] sig;
    try {
      int version = b.get() & 0xff;
      if (version != 0) {
        throw new Denial(Reason.SCT_INVALID, "SCT version " + version);
      }
      logId = new byte[32];
      b.get(logId);
      ts = b.getLong();
      exts = new byte[u16(b)];
      b.get(exts);
      b.get(); // hash algorithm (4 = sha256); the CT log's key details decide
      b.get(); // signature algorithm
      sig = new byte[u16(b)];
      b.get(sig);
      if (b.hasRemaining()) {
        throw new Denial(Reason.SCT_INVALID, "trailing bytes after the SCT");
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw new Denial(Reason.SCT_INVALID, "truncated SCT");
    }
    Instant at = Instant.ofEpochMilli(ts);
    TransparencyLog log = null;
    for (TransparencyLog l : ctlogs) {
      if (l.hasLogId(logId)) {
        if (l.validFor().contains(at)) {
          log = l;
          break;
        }
        log = log == null ? l : log;
      }
    }
    if (log == null) {
      throw new Denial(Reason.SCT_UNKNOWN_LOG, "SCT from an unknown CT log",
          null, Hashing.hex(logId));
    }
    if (!log.validFor().contains(at)) {
      throw new Denial(Reason.SCT_LOG_NOT_VALID_AT_TIME, "CT log not valid at the SCT time",
          log.validFor().toString(), at.toString());
    }
    ByteArrayOutputStream d = new ByteArrayOutputStream();
    d.write(0); // sct_version v1
    d.write(0); // signature_type certificate_timestamp
    d.writeBytes(ByteBuffer.allocate(8).putLong(ts).array());
    d.write(0);
    d.write(1); // entry_type precert_entry
    d.writeBytes(issuerKeyHash);
    d.write((tbs.length >>> 16) & 0xff);
    d.write((tbs.length >>> 8) & 0xff);
    d.write(tbs.length & 0xff);
    d.writeBytes(tbs);
    d.write((exts.length >>> 8) & 0xff);
    d.write(exts.length & 0xff);
    d.writeBytes(exts);
    try {
      Signatures.verify(log.key(), log.algorithm(), d.toByteArray(), sig);
    } catch (InvalidSignatureException e) {
      throw new Denial(Reason.SCT_INVALID, "SCT signature: " + e.getMessage());
    }
  }

  /** The TBSCertificate with the SCT list extension removed (RFC 6962 section 3.2). */
  private static byte[] precertTbs(X509Certificate leaf) throws java.io.IOException, java.security.cert.CertificateEncodingException {
    ASN1Sequence tbs = ASN1Sequence.getInstance(leaf.getTBSCertificate());
    ASN1EncodableVector out = new ASN1EncodableVector();
    for (ASN1Encodable e : tbs) {
      if (e instanceof ASN1TaggedObject t && t.getTagNo() == 3) {
        ASN1Sequence exts = ASN1Sequence.getInstance(t.getExplicitBaseObject());
        ASN1EncodableVector kept = new ASN1EncodableVector();
        for (ASN1Encodable x : exts) {
          Extension ext = Extension.getInstance(x);
          if (!ext.getExtnId().getId().equals(SCT_OID)) {
            kept.add(x);
          }
        }
        out.add(new DERTaggedObject(true, 3, new DERSequence(kept)));
      } else {
        out.add(e);
      }
    }
    return new DERSequence(out).getEncoded("DER");
  }

  private static int u16(ByteBuffer b) {
    return ((b.get() & 0xff) << 8) | (b.get() & 0xff);
  }

  static boolean sameBytes(byte[] a, byte[] b) {
    return Arrays.equals(a, b);
  }
}
