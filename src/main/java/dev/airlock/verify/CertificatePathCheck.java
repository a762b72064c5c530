package dev.airlock.verify;

import dev.airlock.core.Reason;
import dev.airlock.crypto.Certificates;
import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.trust.CertificateAuthority;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The certificate path of a keyless signature: the leaf (and the intermediates the bundle carries)
 * must chain to a certificate authority of the trusted root, satisfy RFC 5280 section 6.1.4 path
 * constraints, and every certificate and the authority's {@code validFor} must contain every
 * verified signing time; then the leaf must be usable for code signing (checks
 * {@code certificate.chain}, {@code certificate.usage}). Like sigstore-go
 * pkg/verify/certificate.go, the validity is judged at the verified times, never at the clock.
 * One instance per trust snapshot; thread-safe (read-only after construction, the cache is).
 */
final class CertificatePathCheck {
  static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";

  private final List<CertificateAuthority> cas;
  private final ChainCache cache;
  /** notBefore/notAfter of the trusted CA certificates, decoded once (read-only after construction). */
  private final Map<X509Certificate, Instant[]> caValidity = new IdentityHashMap<>();

  CertificatePathCheck(List<CertificateAuthority> cas, ChainCache cache) {
    this.cas = List.copyOf(cas);
    this.cache = cache;
    for (CertificateAuthority ca : cas) {
      for (X509Certificate c : ca.chain()) {
        caValidity.put(c, new Instant[] {c.getNotBefore().toInstant(), c.getNotAfter().toInstant()});
      }
    }
  }

  /**
   * Runs {@code certificate.chain} and {@code certificate.usage}; returns the chain found, or null
   * when a check failed (the failure is in {@code run}).
   */
  Chain check(VerificationRun run, List<X509Certificate> bundleCerts, List<Instant> times) {
    VerifyOptions o = run.options;
    X509Certificate leaf = bundleCerts.get(0);
    Chain[] ca = new Chain[1];
    if (!run.step("certificate.chain", () -> {
      ca[0] = chain(bundleCerts, times);
      return ca[0].ca().uri();
    })) {
      return null;
    }
    if (!run.step("certificate.usage", () -> {
      boolean[] ku = leaf.getKeyUsage();
      if (ku != null && !ku[0]) {
        throw new Denial(Reason.CERTIFICATE_KEY_USAGE, "leaf key usage lacks digitalSignature");
      }
      List<String> eku;
      try {
        eku = leaf.getExtendedKeyUsage();
      } catch (java.security.cert.CertificateParsingException e) {
        throw new Denial(Reason.CERTIFICATE_MALFORMED, "extended key usage: " + e.getMessage());
      }
      if (o.withoutCodeSigningEku()) {
        return "codeSigning EKU not required (without-code-signing-eku)";
      }
      if (eku == null || !eku.contains(CODE_SIGNING)) {
        throw new Denial(Reason.CERTIFICATE_EKU_MISSING, "leaf certificate lacks the codeSigning EKU");
      }
      return null;
    })) {
      return null;
    }
    return ca[0];
  }

  /** {@link #validAt} with the trusted CA certificates' windows taken from {@link #caValidity}. */
  private boolean validAtCached(X509Certificate c, Instant t) {
    Instant[] w = caValidity.get(c);
    return w == null ? validAt(c, t) : !t.isBefore(w[0]) && !t.isAfter(w[1]);
  }

  /**
   * Finds the trusted CA the leaf chains to, valid at every verified time. Certificates carried by
   * the bundle after the leaf are intermediates at most, never anchors: the carried chain may end
   * with copies of the trusted chain's certificates in their positions (they are then ignored);
   * any other self-signed certificate is refused ({@link Reason#CERTIFICATE_ROOT_IN_BUNDLE}), and
   * the remaining ones must link leaf to the CA's first certificate by signature.
   */
  record Chain(CertificateAuthority ca, X509Certificate issuer) {}

  Chain chain(List<X509Certificate> bundleCerts, List<Instant> times) throws Denial {
    X509Certificate leaf = bundleCerts.get(0);
    List<X509Certificate> extras = bundleCerts.subList(1, bundleCerts.size());
    Denial best = null;
    for (CertificateAuthority ca : cas) {
      // split the carried certificates into untrusted intermediates + copies of the trusted chain
      int j = extras.size();
      for (int i = 0; i < extras.size(); i++) {
        if (MessageDigest.isEqual(der(extras.get(i)), der(ca.chain().get(0)))) {
          j = i;
          break;
        }
      }
      boolean copiesOk = true;
      for (int i = j; i < extras.size(); i++) {
        int k = i - j;
        copiesOk &= k < ca.chain().size() && MessageDigest.isEqual(der(extras.get(i)), der(ca.chain().get(k)));
      }
      if (!copiesOk) {
        continue;
      }
      List<X509Certificate> untrusted = extras.subList(0, j);
      List<X509Certificate> path = new ArrayList<>();
      path.add(leaf);
      path.addAll(untrusted);
      boolean linked = true;
      for (int i = 0; i < path.size() && linked; i++) {
        X509Certificate child = path.get(i);
        X509Certificate parent = i + 1 < path.size() ? path.get(i + 1) : ca.chain().get(0);
        linked = child.getIssuerX500Principal().equals(parent.getSubjectX500Principal())
            && (i == 0 || child.getBasicConstraints() >= 0);
        if (linked) {
          try {
            cache.verifyLink(child, parent.getPublicKey());
          } catch (InvalidSignatureException e) {
            linked = false;
          }
        }
      }
      if (!linked) {
        continue;
      }
      for (X509Certificate u : untrusted) {
        if (selfSigned(u)) {
          throw new Denial(Reason.CERTIFICATE_ROOT_IN_BUNDLE, "the bundle carries the self-signed certificate "
              + describe(u) + " in a position the trusted root does not have it");
        }
      }
      cache.verifyAuthorityChain(ca);
      path.addAll(ca.chain());
      Denial constraint = pathConstraints(path);
      if (constraint != null) {
        best = constraint;
        continue;
      }
      Denial timeFail = null;
      for (Instant t : times) {
        if (!ca.validFor().contains(t)) {
          timeFail = new Denial(Reason.CERTIFICATE_AUTHORITY_NOT_VALID_AT_TIME,
              "the CA's validFor does not contain the signing time", ca.validFor().toString(), t.toString());
          break;
        }
        for (X509Certificate c : path) {
          if (!validAtCached(c, t)) {
            timeFail = new Denial(Reason.CERTIFICATE_NOT_VALID_AT_TIME,
                "certificate " + describe(c) + " is not valid at the signing time",
                c.getNotBefore().toInstant() + ".." + c.getNotAfter().toInstant(), t.toString());
            break;
          }
        }
        if (timeFail != null) {
          break;
        }
      }
      if (timeFail == null) {
        return new Chain(ca, path.get(1));
      }
      best = timeFail;
    }
    if (best != null) {
      throw best;
    }
    if (extras.stream().anyMatch(CertificatePathCheck::selfSigned)) {
      throw new Denial(Reason.CERTIFICATE_ROOT_IN_BUNDLE, "the bundle carries a self-signed certificate");
    }
    throw new Denial(Reason.CERTIFICATE_CHAIN_UNTRUSTED,
        "the certificate does not chain to a CA of the trusted root", null,
        leaf.getIssuerX500Principal().getName());
  }

  /**
   * RFC 5280 section 6.1.4 (basic certificate path processing, preparation for certificate i+1) on
   * every CA certificate of {@code path} (leaf first, trust anchor last). airlock implements the
   * constraints rather than accepting only the trusted root's own certificates as intermediates,
   * because bundles legitimately carry intermediates (sigstore-js full chains, private PKIs), and
   * because the trusted chain's own constraints must hold too (a Fulcio intermediate with
   * pathLenConstraint 0 may issue leaves only):
   *
   * <ul>
   *   <li>(k) every certificate that issues another carries basicConstraints with cA TRUE;
   *   <li>(n) if it carries keyUsage, keyCertSign is set;
   *   <li>(l), (m) its pathLenConstraint, when present, is at least the number of non-self-issued
   *       intermediate certificates between it and the leaf (section 4.2.1.9: the leaf and
   *       self-issued certificates are not counted).
   * </ul>
   *
   * The trust anchor is held to the same rules (RFC 5937 section 3.2 lets a certificate anchor's
   * constraints apply; a Sigstore root does satisfy them). Returns the first violation, or null.
   */
  static Denial pathConstraints(List<X509Certificate> path) {
    int intermediatesBelow = 0;
    for (int i = 1; i < path.size(); i++) {
      X509Certificate ca = path.get(i);
      int pathLen = ca.getBasicConstraints(); // -1: not a CA; MAX_VALUE: CA without a constraint
      if (pathLen < 0) {
        return new Denial(Reason.CERTIFICATE_PATH_INVALID, "certificate " + describe(ca)
            + " issues another certificate but is not a CA (RFC 5280 6.1.4 (k): basicConstraints cA)",
            "cA TRUE", "not a CA");
      }
      boolean[] ku = ca.getKeyUsage();
      if (ku != null && (ku.length <= 5 || !ku[5])) {
        return new Denial(Reason.CERTIFICATE_PATH_INVALID, "CA certificate " + describe(ca)
            + " lacks keyUsage keyCertSign (RFC 5280 6.1.4 (n))", "keyCertSign", "absent");
      }
      if (intermediatesBelow > pathLen) {
        return new Denial(Reason.CERTIFICATE_PATH_INVALID, "CA certificate " + describe(ca)
            + " has pathLenConstraint " + pathLen + " and " + intermediatesBelow
            + " intermediate CA certificate(s) below it (RFC 5280 6.1.4 (l), (m))",
            "<= " + pathLen, String.valueOf(intermediatesBelow));
      }
      if (!ca.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
        intermediatesBelow++;
      }
    }
    return null;
  }

  /**
   * A certificate for messages: its subject, or, when the subject is empty (Fulcio leaves, RFC
   * 5280 4.2.1.6 puts the identity in the SAN then), its SANs as {@code type:value}.
   */
  static String describe(X509Certificate c) {
    String subject = c.getSubjectX500Principal().getName();
    if (!subject.isEmpty()) {
      return "'" + subject + "'";
    }
    try {
      List<FulcioCertificate.San> sans = FulcioCertificate.of(c).sans();
      if (!sans.isEmpty()) {
        return "with empty subject and SAN " + sans.stream().map(FulcioCertificate.San::toString)
            .collect(java.util.stream.Collectors.joining(", "));
      }
    } catch (Denial d) {
      // unreadable SANs: fall through to the serial number
    }
    return "with empty subject, serial " + c.getSerialNumber().toString(16);
  }

  static byte[] der(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      return new byte[0];
    }
  }

  static boolean selfSigned(X509Certificate c) {
    if (!c.getIssuerX500Principal().equals(c.getSubjectX500Principal())) {
      return false;
    }
    try {
      Certificates.verifyIssuedBy(c, c.getPublicKey());
      return true;
    } catch (InvalidSignatureException e) {
      return false;
    }
  }

  static boolean validAt(X509Certificate c, Instant t) {
    return !t.isBefore(c.getNotBefore().toInstant()) && !t.isAfter(c.getNotAfter().toInstant());
  }
}
