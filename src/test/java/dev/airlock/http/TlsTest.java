package dev.airlock.http;

import static dev.airlock.http.FakeServeBackend.ADMITTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and client certificates ({@code --tls-cert}, {@code --tls-key}, {@code --client-ca}) with a
 * test CA generated here with Bouncy Castle: a server certificate for 127.0.0.1, and client
 * certificates from the trusted CA and from another one.
 */
class TlsTest {
  @TempDir
  static Path dir;
  static FakeServeBackend backend;
  static Pki ca;
  static Pki otherCa;
  static Issued server;
  static Issued client;
  static Issued stranger;

  record Pki(KeyPair key, X509Certificate cert) {}

  record Issued(KeyPair key, X509Certificate cert) {}

  @BeforeAll
  static void pki() throws Exception {
    backend = new FakeServeBackend(Files.createDirectories(dir.resolve("store")));
    ca = ca("CN=Airlock Test CA,O=Hospital");
    otherCa = ca("CN=Someone Else");
    server = issue(ca, "CN=airlock.hospital.example", ec(), KeyPurposeId.id_kp_serverAuth, true);
    // X500Name keeps the ASN.1 order as written: O first, so RFC 2253 prints CN first
    client = issue(ca, "O=Hospital,CN=mercure-worker", ec(), KeyPurposeId.id_kp_clientAuth, false);
    stranger = issue(otherCa, "O=Hospital,CN=mercure-worker", ec(), KeyPurposeId.id_kp_clientAuth, false);
  }

  static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static Pki ca(String subject) throws Exception {
    KeyPair k = ec();
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    var b = new JcaX509v3CertificateBuilder(new X500Name(subject), BigInteger.ONE, Date.from(now),
        Date.from(now.plus(Duration.ofDays(3650))), new X500Name(subject), k.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return new Pki(k, new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(k.getPrivate()))));
  }

  static Issued issue(Pki issuer, String subject, KeyPair k, KeyPurposeId eku, boolean serverNames) throws Exception {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    var b = new JcaX509v3CertificateBuilder(issuer.cert(), BigInteger.valueOf(System.nanoTime()), Date.from(now),
        Date.from(now.plus(Duration.ofDays(3650))), new X500Name(subject), k.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
    if (serverNames) {
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
    }
    String alg = issuer.key().getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    return new Issued(k, new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder(alg).build(issuer.key().getPrivate()))));
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  static Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
  }

  static ServeOptions options(Issued srv, Pki clientCa) throws Exception {
    Path cert = write("server-" + srv.cert().getSerialNumber() + ".pem", pem("CERTIFICATE", srv.cert().getEncoded())
        + pem("CERTIFICATE", ca.cert().getEncoded()));
    Path key = write("server-" + srv.cert().getSerialNumber() + ".key", pem("PRIVATE KEY",
        srv.key().getPrivate().getEncoded()));
    Path clientCaFile = clientCa == null ? null : write("client-ca.pem", pem("CERTIFICATE", clientCa.cert().getEncoded()));
    return ServeOptions.tls("127.0.0.1", 0, cert, key, clientCaFile);
  }

  /** An HTTPS client that trusts the test CA, presenting {@code id} when not null. */
  static HttpClient client(Issued id) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.cert());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (id != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("id", id.key().getPrivate(), "pw".toCharArray(), new X509Certificate[] {id.cert()});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, "pw".toCharArray());
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Test
  void tlsServesWithTheGivenChainAndNoClientCertificateWithoutClientCa() throws Exception {
    try (ServeHarness serve = ServeHarness.with(backend, options(server, null), client(null))) {
      assertEquals("https", serve.base.getScheme());
      var r = serve.get("/v2/" + ADMITTED + "/manifests/v1");
      assertEquals(200, r.statusCode());
      assertNull(backend.lastClient.certificateSubject());
      assertEquals("127.0.0.1", backend.lastClient.address());
    }
  }

  @Test
  void anRsaServerKeyWorksToo() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    Issued rsa = issue(ca, "CN=airlock-rsa", g.generateKeyPair(), KeyPurposeId.id_kp_serverAuth, true);
    try (ServeHarness serve = ServeHarness.with(backend, options(rsa, null), client(null))) {
      assertEquals(200, serve.get("/v2/").statusCode());
    }
  }

  @Test
  void withClientCaAClientWithoutCertificateFailsTheHandshake() throws Exception {
    try (ServeHarness serve = ServeHarness.with(backend, options(server, ca), client(null))) {
      backend.calls.clear();
      assertThrows(UncheckedIOException.class, () -> serve.get("/v2/" + ADMITTED + "/manifests/v1"));
      assertTrue(backend.calls.isEmpty(), backend.calls.toString());
    }
  }

  @Test
  void withClientCaACertificateFromAnotherCaFails() throws Exception {
    try (ServeHarness serve = ServeHarness.with(backend, options(server, ca), client(stranger))) {
      backend.calls.clear();
      assertThrows(UncheckedIOException.class, () -> serve.get("/v2/" + ADMITTED + "/manifests/v1"));
      assertTrue(backend.calls.isEmpty(), backend.calls.toString());
    }
  }

  @Test
  void withClientCaTheCertificateSubjectReachesTheBackend() throws Exception {
    try (ServeHarness serve = ServeHarness.with(backend, options(server, ca), client(client))) {
      var r = serve.get("/v2/" + ADMITTED + "/manifests/v1");
      assertEquals(200, r.statusCode());
      assertEquals("CN=mercure-worker,O=Hospital", backend.lastClient.certificateSubject());
      r = serve.send("POST", "/admission", AdmissionTest.fixture("deployment.json"));
      assertEquals(200, r.statusCode());
      assertEquals("CN=mercure-worker,O=Hospital", backend.lastClient.certificateSubject());
    }
  }

  @Test
  void aSlowTlsHandshakeIsDisconnectedWithinTheRequestReadTimeout() throws Exception {
    ServeOptions o = options(server, ca).withLimits(RequestLimitsTest.SLOW_LIMITS);
    try (ServeHarness serve = ServeHarness.with(backend, o, client(client))) {
      // a TLS record header announcing a 512-byte ClientHello, whose bytes then trickle in
      byte[] record = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
      RequestLimitsTest.assertDroppedInTime(serve.secondsUntilDropped(record, new byte[30]));
      assertEquals(200, serve.get("/healthz").statusCode());
    }
  }

  @Test
  void unreadableTlsFilesAreAClearSetupError() throws Exception {
    PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    ServeOptions good = options(server, null);
    Path junk = write("junk.pem", "not a pem\n");
    ServeSetupException e = assertThrows(ServeSetupException.class, () -> new ServeServer(backend,
        ServeOptions.tls("127.0.0.1", 0, good.tls().certificateChain(), junk, null), err));
    assertTrue(e.getMessage().startsWith("--tls-key " + junk), e.getMessage());
    e = assertThrows(ServeSetupException.class, () -> new ServeServer(backend,
        ServeOptions.tls("127.0.0.1", 0, junk, good.tls().privateKey(), null), err));
    assertTrue(e.getMessage().startsWith("--tls-cert " + junk), e.getMessage());
    e = assertThrows(ServeSetupException.class, () -> new ServeServer(backend,
        ServeOptions.tls("127.0.0.1", 0, good.tls().certificateChain(), good.tls().privateKey(), junk), err));
    assertTrue(e.getMessage().startsWith("--client-ca " + junk), e.getMessage());
  }
}
