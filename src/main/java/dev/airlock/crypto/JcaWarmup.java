package dev.airlock.crypto;

/**
 * The JDK provider lookups a verification makes first (SHA-256, EC keys, X.509 certificates), made
 * ahead of need so that the JDK's provider list and service caches are filled (issue 17, cold
 * start: 7% of a cold {@code verify-bundle}'s JFR samples were these first calls). The objects are
 * dropped; the JDK serves concurrent lookups by design. Called from the CLI's warm-up thread.
 */
public final class JcaWarmup {
  private JcaWarmup() {}

  /** Makes the lookups; a failure is left for the caller that needs the engine to meet. */
  public static void run() {
    try {
      java.security.MessageDigest.getInstance("SHA-256");
      java.security.KeyFactory.getInstance("EC");
      java.security.cert.CertificateFactory.getInstance("X.509");
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      // the verification that needs the engine reports it
    }
  }
}
