package dev.airlock.verify;

import dev.airlock.core.Reason;
import dev.airlock.crypto.Certificates;
import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.trust.CertificateAuthority;
import java.security.cert.X509Certificate;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Verified chain links intermediate to anchor of the trusted root's authorities, once per trust
 * snapshot (the speed goal of issue 3): the authorities are immutable parts of the snapshot, so a
 * link verified once stays verified. Thread-safe.
 */
final class ChainCache {
  private final Map<CertificateAuthority, Denial> verified = new IdentityHashMap<>();

  /** Verifies each certificate of the authority's chain is signed by the next (anchor excluded). */
  void verifyAuthorityChain(CertificateAuthority ca) throws Denial {
    Denial d;
    synchronized (verified) {
      if (verified.containsKey(ca)) {
        d = verified.get(ca);
        if (d != null) {
          throw d;
        }
        return;
      }
    }
    d = check(ca);
    synchronized (verified) {
      verified.put(ca, d);
    }
    if (d != null) {
      throw d;
    }
  }

  private static Denial check(CertificateAuthority ca) {
    var chain = ca.chain();
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate child = chain.get(i);
      X509Certificate parent = chain.get(i + 1);
      try {
        Certificates.verifyIssuedBy(child, parent.getPublicKey());
      } catch (InvalidSignatureException e) {
        return new Denial(Reason.CERTIFICATE_CHAIN_UNTRUSTED,
            "trusted root authority '" + ca.uri() + "': certificate " + i + " is not signed by the next");
      }
    }
    return null;
  }
}
