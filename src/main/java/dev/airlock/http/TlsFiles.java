package dev.airlock.http;

import dev.airlock.crypto.Certificates;
import dev.airlock.crypto.Keys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The serve TLS files (PEM, read with Bouncy Castle's PEM reader through {@code crypto}) as
 * Jetty's {@link SslContextFactory.Server}: TLS 1.2 and 1.3 only, Jetty's default exclusions of weak
 * cipher suites, and with a client CA every client must present a certificate that chains to it
 * (RFC 8446 section 4.3.2 CertificateRequest; the JDK's PKIX trust manager checks the chain and its
 * validity).
 */
final class TlsFiles {
  /** An in-memory key store's password: it protects nothing that is not already in this process. */
  private static final String IN_MEMORY = "airlock-serve";
  private static final long MAX_PEM_BYTES = 1024 * 1024;

  private TlsFiles() {}

  static SslContextFactory.Server contextFactory(ServeOptions.Tls tls) throws ServeSetupException {
    List<X509Certificate> chain = certificates(tls.certificateChain(), "--tls-cert");
    PrivateKey key;
    try {
      key = Keys.parsePrivateKey(read(tls.privateKey(), "--tls-key"));
    } catch (Keys.KeyException e) {
      throw new ServeSetupException("--tls-key " + tls.privateKey() + ": not an unencrypted PKCS#8 EC or RSA "
          + "PRIVATE KEY PEM (" + e.getMessage() + ")");
    }
    if (!key.getAlgorithm().equals("EC") && !key.getAlgorithm().equals("RSA")) {
      throw new ServeSetupException("--tls-key holds a " + key.getAlgorithm() + " key; serve takes EC or RSA");
    }
    if (!key.getAlgorithm().equals(chain.get(0).getPublicKey().getAlgorithm())) {
      throw new ServeSetupException("--tls-key is a " + key.getAlgorithm() + " key but the first certificate of "
          + "--tls-cert holds a " + chain.get(0).getPublicKey().getAlgorithm() + " key");
    }
    SslContextFactory.Server f = new SslContextFactory.Server();
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("serve", key, IN_MEMORY.toCharArray(), chain.toArray(new X509Certificate[0]));
      f.setKeyStore(ks);
      f.setKeyStorePassword(IN_MEMORY);
      f.setKeyManagerPassword(IN_MEMORY);
      if (tls.clientCa() != null) {
        List<X509Certificate> cas = certificates(tls.clientCa(), "--client-ca");
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
          ts.setCertificateEntry("client-ca-" + i, cas.get(i));
        }
        f.setTrustStore(ts);
        f.setNeedClientAuth(true);
      }
    } catch (GeneralSecurityException | IOException e) {
      throw new ServeSetupException("cannot build the TLS key store: " + e.getMessage());
    }
    f.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    // a server does not check its clients' host names: the client CA decides who may connect
    f.setEndpointIdentificationAlgorithm(null);
    return f;
  }

  private static List<X509Certificate> certificates(Path file, String flag) throws ServeSetupException {
    try {
      return Certificates.parsePem(read(file, flag));
    } catch (Certificates.CertificateParseException e) {
      throw new ServeSetupException(flag + " " + file + ": no readable PEM CERTIFICATE (" + e.getMessage() + ")");
    }
  }

  private static byte[] read(Path file, String flag) throws ServeSetupException {
    try {
      if (Files.size(file) > MAX_PEM_BYTES) {
        throw new ServeSetupException(flag + " " + file + ": larger than " + MAX_PEM_BYTES + " bytes, not a PEM file");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ServeSetupException(flag + " " + file + ": cannot read (" + e.getMessage() + ")");
    }
  }
}
