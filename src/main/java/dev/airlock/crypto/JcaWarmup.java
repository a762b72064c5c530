package dev.airlock.crypto;

/**
 * The JDK provider lookups a verification makes first (SHA-256, EC keys, X.509 certificates), made
 * ahead of need so that the JDK's provider list and service caches are filled (issue 17, cold
 * start: 7% of a cold {@code verify-bundle}'s JFR samples were these first calls). The objects are
 * dropped; the JDK serves concurrent lookups by design. Then two throwaway ECDSA signatures are
 * verified so that the JIT has compiled the curve arithmetic before the first real check; for a
 * command on a home, a throwaway Ed25519 signature is made and verified first, as its audit
 * checkpoint will be. Called from the CLI's warm-up thread.
 */
public final class JcaWarmup {
  private JcaWarmup() {}

  /**
   * {@link #auditSignature} for a command that signs the home's audit checkpoint when it ends
   * (every command on a home; not {@code verify-bundle --trusted-root}), then {@link #verification}
   * for one that verifies signatures.
   */
  public static void run(boolean audits, boolean verifies) {
    if (audits) {
      auditSignature();
    }
    if (verifies) {
      verification();
    }
  }

  /** Makes the lookups and {@link #signatures}; a failure is left for the caller that needs the engine to meet. */
  private static void verification() {
    try {
      java.security.MessageDigest.getInstance("SHA-256");
      java.security.KeyFactory.getInstance("EC");
      java.security.cert.CertificateFactory.getInstance("X.509");
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      // the verification that needs the engine reports it
    }
    signatures();
    certificate();
  }

  /**
   * Parses {@link #CERTIFICATE} as every certificate is read (Bouncy Castle's DER check, then the
   * JDK's X.509 parser), so that both parsers' classes are loaded and initialised before the first
   * trusted root or signing certificate is read (issue 17: certificate parsing was 2.5% of a cold
   * re-import's main thread, sampled); returns whether it parsed (tests).
   */
  static boolean certificate() {
    try {
      return Certificates.parseDer(java.util.Base64.getDecoder().decode(CERTIFICATE)).getSubjectX500Principal() != null;
    } catch (Certificates.CertificateParseException | RuntimeException e) {
      return false; // a warm-up only: the parse that needs these classes meets and reports any failure
    }
  }

  /** A throwaway self-signed P-256 certificate made for this warm-up (openssl req -x509). */
  static final String CERTIFICATE =
      "MIIBiDCCAS2gAwIBAgIUNbVgRbJ1V/GMvLLxjYnHwcQMqfEwCgYIKoZIzj0EAwIwGTEXMBUGA1UEAwwOYWlybG9jay13YXJt"
      + "dXAwHhcNMjYxMjA3MTA1ODQzWhcNMzYxMjA0MTA1ODQzWjAZMRcwFQYDVQQDDA5haXJsb2NrLXdhcm11cDBZMBMGByqGSM49"
      + "AgEGCCqGSM49AwEHA0IABOVuOAPfJ5i6OODXS3ulqmgX/2HdyuV8XdkjZTf9lPpfGoXMErcJgj081og7pG9LsHiP3z0Mx0+k"
      + "i4oFap5QbByjUzBRMB0GA1UdDgQWBBQvkUNxtqJub6pMFnzyB5xI32R2dTAfBgNVHSMEGDAWgBQvkUNxtqJub6pMFnzyB5xI"
      + "32R2dTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQCgOoe+dij9rpiY5oVGW4okhY9vClSPqhyLNYcw0F6f"
      + "RQIhAI8Z4XNwU+pqmkG2gTN4ZkvFQaT7PjCdc291ZpcAM2gA";

  /**
   * Verifies each throwaway signature of {@link #ECDSA} twice, so that the JIT compiles Bouncy
   * Castle's P-256 and P-384 arithmetic; returns how many verified (tests: all of them).
   */
  static int signatures() {
    int verified = 0;
    for (String[] v : ECDSA) {
      boolean ok = true;
      for (int i = 0; i < 2; i++) {
        ok &= verifies(v[0], java.util.Base64.getDecoder().decode(v[1]), java.util.Base64.getDecoder().decode(v[2]));
      }
      verified += ok ? 1 : 0;
    }
    return verified;
  }

  /** Whether {@code signature} over {@link #MESSAGE} verifies under the key; false on any failure. */
  static boolean verifies(String algorithm, byte[] spki, byte[] signature) {
    try {
      Signatures.verify(Keys.parsePublicKey(spki), SignatureAlgorithm.valueOf(algorithm), MESSAGE, signature);
      return true;
    } catch (Keys.KeyException | InvalidSignatureException | RuntimeException e) {
      return false; // a warm-up only: the verification that needs these classes meets and reports any failure
    }
  }

  /**
   * Signs {@link #MESSAGE} with the throwaway Ed25519 key of {@link #ED25519} and verifies the
   * signature, twice, as a command's audit checkpoint does with the home's key (Ed25519, from
   * PKCS#8); returns the signature when it is the expected one and verifies, else null.
   */
  static byte[] auditSignature() {
    byte[] last = null;
    for (int i = 0; i < 2; i++) {
      try {
        java.security.PrivateKey k = Keys.parsePkcs8(java.util.Base64.getDecoder().decode(ED25519[1]));
        byte[] sig = Signatures.sign(k, SignatureAlgorithm.ED25519, MESSAGE);
        if (!java.util.Arrays.equals(sig, java.util.Base64.getDecoder().decode(ED25519[2]))
            || !verifies("ED25519", java.util.Base64.getDecoder().decode(ED25519[0]), sig)) {
          return null;
        }
        last = sig;
      } catch (Keys.KeyException | RuntimeException e) {
        return null; // a warm-up only: the audit signature that needs these classes meets any failure
      }
    }
    return last;
  }

  /** A throwaway Ed25519 key made for this warm-up (openssl): SPKI, PKCS#8, its signature over {@link #MESSAGE}. */
  static final String[] ED25519 = {
    "MCowBQYDK2VwAyEAn/XGkkg91wbNpBtEqGD/WK8IFhb7AQwTH5dukepwTAA=",
    "MC4CAQAwBQYDK2VwBCIEIHBZUfBIQr+Hxebg/X9YqT3yHmPp01x6aPoNLj/tXeFz",
    "3kyIlD2c9wVl6pzML/axCkk0S9Avreq9+WcpdaUQ0lo5+w2McI+o+J+rhbPELqMGvGRNN82lXPa+cXNFP5yCCg=="};

  private static final byte[] MESSAGE = "airlock warm-up".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** Throwaway keys made for this warm-up (openssl), with their signatures over {@link #MESSAGE}. */
  static final String[][] ECDSA = {
    {"ECDSA_P256_SHA256",
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEAPrvap+9abObEyXHWAJHwGic3gfBIwaEd0n02oDMILTp6B8RnglhGzBNuMYv4RmLdbvuRP/slbenizEKDWlICA==",
        "MEQCIG4ZNmNM8yOjdN9n95LvLbvvXmSP4USgM5MQiopceKGOAiAHh5QE28zfjGSslsOdTrP08aJBN8y/QTMyaeu91HqWlA=="},
    {"ECDSA_P384_SHA384",
        "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE22zbYrni8OiOfawAupPp3yEV8soEi4qV+dloSK8QwD0FYiK5gO2War9eDH1lVDa+1aEcpNQBPJUtWJTLwcnvzhxWyge0YhbF8f4cGAOWIFOayzxqztxNYH96lKWegEji",
        "MGUCMQCMJeCUzBAKskc5kDjRA3sR35Meg77QZH87EiK+qdtd2AKJ9iLCKFcIA1Q/0dWZX1MCMEph1eYAGh5ffAeUnj9Kmgxrf8lUbX464gNC8dveQnPvi4jzzHgNKktl4RKgzw+zaQ=="},
  };
}
