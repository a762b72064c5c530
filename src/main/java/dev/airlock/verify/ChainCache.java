package dev.airlock.verify;

import dev.airlock.core.Reason;
import dev.airlock.crypto.Certificates;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.trust.CertificateAuthority;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Verified certificate signatures, per trust snapshot (the speed goal of issue 3). Thread-safe.
 *
 * <ul>
 *   <li>The links intermediate to anchor of the trusted root's authorities are checked once: the
 *       authorities are immutable parts of the snapshot, so a link verified once stays verified.
 *   <li>Links from a bundle's certificates (leaf to intermediate) that verified are remembered in
 *       a bounded LRU keyed by SHA-256 over the child's whole DER encoding and the signer's
 *       SubjectPublicKeyInfo, so the same certificate under the same key is not verified twice
 *       (one leaf often signs several images; the JDK keeps the same memo for its own
 *       certificates). Only successes are kept, the key covers every byte that was checked, and
 *       validity at the signing time is still checked per bundle by the caller.
 * </ul>
 */
final class ChainCache {
  /** How many verified bundle certificate links are remembered by default. */
  static final int LINKS = 512;

  private final Map<CertificateAuthority, Denial> verified = new IdentityHashMap<>();
  private final Map<Link, Boolean> links;

  ChainCache() {
    this(LINKS);
  }

  ChainCache(int capacity) {
    links = new java.util.LinkedHashMap<>(256, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Link, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  /** SHA-256 of the child certificate's DER and of the signer's SPKI. */
  private record Link(String child, String signer) {
    // Written out: a record's generated equals and hashCode bootstrap method handles on first use
    // (java.lang.runtime.ObjectMethods), which a cold start pays for (issue 17).
    @Override
    public boolean equals(Object o) {
      return o instanceof Link l && child.equals(l.child) && signer.equals(l.signer);
    }

    @Override
    public int hashCode() {
      return 31 * child.hashCode() + signer.hashCode();
    }
  }

  /**
   * Verifies that {@code child} is signed by {@code signer}'s key, or finds that it was verified
   * before under the same bytes and key.
   *
   * @throws InvalidSignatureException as {@link Certificates#verifyIssuedBy}
   */
  void verifyLink(X509Certificate child, PublicKey signer) throws InvalidSignatureException {
    Link link = new Link(Hashing.sha256Hex(CertificatePathCheck.der(child)), Hashing.sha256Hex(signer.getEncoded()));
    synchronized (links) {
      if (links.get(link) != null) {
        return;
      }
    }
    Certificates.verifyIssuedBy(child, signer);
    synchronized (links) {
      links.put(link, Boolean.TRUE);
    }
  }

  /** Number of remembered bundle certificate links (for tests). */
  int rememberedLinks() {
    synchronized (links) {
      return links.size();
    }
  }

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
