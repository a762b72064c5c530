package dev.airlock.lab;

import java.io.ByteArrayOutputStream;
import java.security.KeyPair;

/**
 * A certificate-transparency log (ECDSA P-256) that issues RFC 6962 v1 SCTs over precertificates
 * (../shared/FORMATS.md section 5 "Embedded SCT"; RFC 6962 section 3.2). Log ID = SHA-256(SPKI).
 */
public final class LabCtLog {
  private final String host;
  private final KeyPair key;

  public LabCtLog(String host, long seed) {
    this.host = host;
    this.key = LabCrypto.generate(LabCrypto.KeyKind.ECDSA_P256, seed, "ct/" + host);
  }

  public String baseUrl() {
    return "https://" + host;
  }

  public KeyPair keyPair() {
    return key;
  }

  public byte[] logId() {
    return LabCrypto.sha256(key.getPublic().getEncoded());
  }

  /**
   * The bytes an SCT signs for a precert entry: version 0, signature_type certificate_timestamp (0),
   * u64 timestamp (ms), entry_type precert_entry (1), SHA-256(issuer SPKI), u24-length TBS (without
   * poison and SCT extensions), u16-length extensions (empty).
   */
  public static byte[] signedData(long timestampMs, byte[] issuerKeyHash, byte[] tbs) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(0);
    o.write(0);
    writeUint(o, timestampMs, 8);
    writeUint(o, 1, 2);
    o.writeBytes(issuerKeyHash);
    writeUint(o, tbs.length, 3);
    o.writeBytes(tbs);
    writeUint(o, 0, 2);
    return o.toByteArray();
  }

  /** A serialized SCT (TLS encoding, RFC 6962 section 3.2) signing the precert TBS. */
  public byte[] issueSct(long timestampMs, byte[] issuerKeyHash, byte[] precertTbs) {
    byte[] sig = LabCrypto.sign(LabCrypto.KeyKind.ECDSA_P256, key.getPrivate(),
        signedData(timestampMs, issuerKeyHash, precertTbs));
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(0); // v1
    o.writeBytes(logId());
    writeUint(o, timestampMs, 8);
    writeUint(o, 0, 2); // no extensions
    o.write(4); // sha256
    o.write(3); // ecdsa
    writeUint(o, sig.length, 2);
    o.writeBytes(sig);
    return o.toByteArray();
  }

  /** SignedCertificateTimestampList: u16 total length, then u16-length-prefixed SCTs. */
  public static byte[] sctList(byte[]... scts) {
    ByteArrayOutputStream inner = new ByteArrayOutputStream();
    for (byte[] s : scts) {
      writeUint(inner, s.length, 2);
      inner.writeBytes(s);
    }
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    writeUint(o, inner.size(), 2);
    o.writeBytes(inner.toByteArray());
    return o.toByteArray();
  }

  static void writeUint(ByteArrayOutputStream o, long v, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) {
      o.write((int) (v >>> (8 * i)) & 0xff);
    }
  }
}
