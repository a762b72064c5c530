package dev.airlock.lab;

import java.security.KeyPair;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Who signs: a key pair of some {@link LabCrypto.KeyKind}, and for keyless signing the leaf
 * certificate followed by its intermediates (no root). {@code chain} is empty for key-based
 * signing, where the verifier gets the public key out of band.
 */
public record Signer(LabCrypto.KeyKind kind, KeyPair keyPair, List<X509Certificate> chain) {
  public Signer {
    chain = List.copyOf(chain);
  }

  public boolean keyless() {
    return !chain.isEmpty();
  }

  public X509Certificate leaf() {
    return chain.isEmpty() ? null : chain.get(0);
  }

  public byte[] sign(byte[] data) {
    return LabCrypto.sign(kind, keyPair.getPrivate(), data);
  }

  /** The PEM a Rekor v1 body and cosign annotations carry: leaf certificate or public key. */
  public String verifierPem() {
    return keyless() ? LabCrypto.pem("CERTIFICATE", der(leaf())) : LabCrypto.publicKeyPem(keyPair.getPublic());
  }

  /** The PEM of the chain after the leaf (cosign's chain annotation: intermediates then root). */
  public String chainPem(List<X509Certificate> rest) {
    StringBuilder b = new StringBuilder();
    for (X509Certificate c : rest) {
      b.append(LabCrypto.pem("CERTIFICATE", der(c)));
    }
    return b.toString();
  }

  /** Default bundle publicKey hint: base64 SHA-256 of the SPKI (sigstore-go pkg/sign/keys.go). */
  public String publicKeyHint() {
    return LabCrypto.b64(LabCrypto.sha256(keyPair.getPublic().getEncoded()));
  }

  public static byte[] der(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
