package dev.airlock.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Certificates;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.crypto.Keys;
import dev.airlock.crypto.SignatureAlgorithm;
import dev.airlock.crypto.Signatures;
import dev.airlock.merkle.Merkle;
import dev.airlock.merkle.MerkleProofException;
import dev.airlock.trust.CertificateAuthority;
import dev.airlock.trust.TransparencyLog;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import dev.airlock.trust.ValidityWindow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * airlock's offline Sigstore verifier (issue 3): a pure function of (bundle bytes, artifact, trust
 * snapshot, options) to a {@link BundleVerification} whose checks explain the decision. Nothing
 * here reads the clock: every validity window is judged at a verified signing time (Rekor SET
 * integrated time or RFC 3161 genTime). Never throws for bad input: malformed material and library
 * exceptions become failed checks. One instance per trust snapshot; thread-safe; caches verified
 * authority chains.
 */
public final class BundleVerifier {
  static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
  static final String INTOTO = "application/vnd.in-toto+json";

  private final TrustSnapshot trust;
  private final List<CertificateAuthority> cas = new ArrayList<>();
  private final List<CertificateAuthority> tsas = new ArrayList<>();
  private final List<TransparencyLog> tlogs = new ArrayList<>();
  private final List<TransparencyLog> ctlogs = new ArrayList<>();
  private final ChainCache cache = new ChainCache();
  /** notBefore/notAfter of the trusted CA certificates, decoded once (read-only after construction). */
  private final Map<X509Certificate, Instant[]> caValidity = new java.util.IdentityHashMap<>();

  public BundleVerifier(TrustSnapshot trust) {
    this.trust = trust;
    for (TrustedRoot r : trust.roots()) {
      cas.addAll(r.certificateAuthorities());
      tsas.addAll(r.timestampAuthorities());
      tlogs.addAll(r.tlogs());
      ctlogs.addAll(r.ctlogs());
    }
    for (CertificateAuthority ca : cas) {
      for (X509Certificate c : ca.chain()) {
        caValidity.put(c, new Instant[] {c.getNotBefore().toInstant(), c.getNotAfter().toInstant()});
      }
    }
  }

  /** {@link #validAt} with the trusted CA certificates' windows taken from {@link #caValidity}. */
  private boolean validAtCached(X509Certificate c, Instant t) {
    Instant[] w = caValidity.get(c);
    return w == null ? validAt(c, t) : !t.isBefore(w[0]) && !t.isAfter(w[1]);
  }

  public TrustSnapshot trust() {
    return trust;
  }

  /** Verifies a Sigstore bundle (JSON bytes) over an artifact. Never throws for bad input. */
  public BundleVerification verify(byte[] bundleJson, Artifact artifact, VerifyOptions options) {
    Run run = new Run(options);
    try {
      Bundle b;
      try {
        b = Bundle.parse(bundleJson);
        run.pass("bundle.parse", "v0." + b.version());
      } catch (Denial d) {
        run.fail("bundle.parse", d);
        return run.result();
      }
      verifyMaterial(run, b, artifact, true);
    } catch (RuntimeException e) {
      run.checks.add(Check.fail("internal", Reason.INTERNAL_ERROR, String.valueOf(e)));
    }
    return run.result();
  }

  /**
   * Verifies a legacy cosign signature (simple-signing payload and annotations) of the image with
   * manifest digest {@code imageDigest}. {@code reference} may be null (cosign ignores
   * docker-reference) or a containers-policy.json(5) reference rule.
   */
  public BundleVerification verifyCosign(CosignSignature sig, dev.airlock.oci.Digest imageDigest,
      CosignSignature.ReferenceMatch reference, VerifyOptions options) {
    Run run = new Run(options);
    try {
      Bundle b;
      try {
        b = sig.toBundle();
        run.pass("cosign.parse", sig.mediaType());
      } catch (Denial d) {
        run.fail("cosign.parse", d);
        return run.result();
      }
      if (!run.step("simple-signing", () -> sig.checkPayload(imageDigest, reference))) {
        return run.result();
      }
      verifyMaterial(run, b, Artifact.ofBytes(sig.payload()), false);
    } catch (RuntimeException e) {
      run.checks.add(Check.fail("internal", Reason.INTERNAL_ERROR, String.valueOf(e)));
    }
    return run.result();
  }

  /**
   * Verifies a legacy cosign attestation ({@code .att} layer: a DSSE envelope and cosign's
   * annotations) of the image with manifest digest {@code imageDigest}: the in-toto statement must
   * name the image digest. Never throws for bad input.
   */
  public BundleVerification verifyCosignAttestation(byte[] layer, java.util.Map<String, String> annotations,
      dev.airlock.oci.Digest imageDigest, VerifyOptions options) {
    Run run = new Run(options);
    try {
      Bundle b;
      try {
        b = CosignSignature.attestationBundle(layer, annotations);
        run.pass("cosign.parse", "application/vnd.dsse.envelope.v1+json");
      } catch (Denial d) {
        run.fail("cosign.parse", d);
        return run.result();
      }
      verifyMaterial(run, b, Artifact.ofDigest(imageDigest), true);
    } catch (RuntimeException e) {
      run.checks.add(Check.fail("internal", Reason.INTERNAL_ERROR, String.valueOf(e)));
    }
    return run.result();
  }

  /** Shared pipeline for bundles and legacy cosign signatures (as a v0.1-like bundle). */
  void verifyMaterial(Run run, Bundle b, Artifact artifact, boolean checkDsseSubject) {
    VerifyOptions o = run.options;
    X509Certificate leaf = b.keyless() ? b.certificates().get(0) : null;
    PublicKey key;
    if (leaf != null) {
      run.kind = "keyless";
      if (!o.hasIdentityPolicy() && !o.withoutIdentity()) {
        run.fail("identity.policy", new Denial(Reason.IDENTITY_POLICY_MISSING,
            "keyless verification needs --certificate-identity and --certificate-oidc-issuer"));
        return;
      }
      key = leaf.getPublicKey();
      if (o.key() != null && !MessageDigest.isEqual(o.key().getEncoded(), key.getEncoded())) {
        run.fail("key.match", new Denial(Reason.KEY_MISMATCH, "the certificate's key is not the supplied key"));
        return;
      }
    } else {
      run.kind = "key";
      if (o.key() == null) {
        run.fail("key.present", new Denial(Reason.KEY_MISSING, "the bundle is key-based and no key was supplied"));
        return;
      }
      key = o.key();
      run.identity = "sha256:" + Hashing.hex(Keys.spkiSha256(key));
    }
    SignatureAlgorithm alg;
    try {
      alg = Keys.defaultAlgorithm(key);
    } catch (Keys.KeyException e) {
      run.fail("key.algorithm", new Denial(Reason.KEY_ALGORITHM_UNSUPPORTED, e.getMessage()));
      return;
    }
    // a P-384 key may sign with SHA-256 (sigstore-python v0.1 bundles): the bundle's messageDigest
    // algorithm names the hash; the allow-list has exactly this pairing
    if (alg == SignatureAlgorithm.ECDSA_P384_SHA384 && "SHA2_256".equals(b.digestAlgorithm())) {
      alg = SignatureAlgorithm.ECDSA_P384_SHA256;
    }
    final PublicKey signingKey = key;
    final SignatureAlgorithm sigAlg = alg;
    // ---- the signature over the artifact or the DSSE envelope -------------------------------
    if (b.dsse() == null) {
      if (!run.step("artifact.digest", () -> checkMessageDigest(b, artifact))) {
        return;
      }
      if (!run.step("signature", () -> verifyMessage(signingKey, sigAlg, b, artifact))) {
        return;
      }
    } else {
      if (!run.step("signature", () -> verifyDsse(signingKey, sigAlg, b.dsse()))) {
        return;
      }
      if (checkDsseSubject && !run.step("dsse.statement", () -> checkStatement(run, b.dsse(), artifact))) {
        return;
      }
    }
    // ---- transparency-log entries --------------------------------------------------------------
    List<Instant> times = new ArrayList<>();
    List<TransparencyLog> untimedLogs = new ArrayList<>();
    int verifiedEntries = 0;
    if (!o.insecureIgnoreTlog()) {
      for (int i = 0; i < b.tlogEntries().size(); i++) {
        Bundle.TlogEntry e = b.tlogEntries().get(i);
        String id = "tlog[" + i + "]";
        Object[] out = new Object[2];
        if (!run.step(id, () -> {
          EntryResult r = verifyEntry(b, e, leaf, signingKey, artifact);
          if (o.requireTreeHeads() && r.checkpoint == null) {
            // a policy with requireCheckpointConsistency compares every entry's tree head with the
            // checkpoint store; an entry that yields none (SET only) cannot be compared
            throw new Denial(Reason.TLOG_TREE_HEAD_MISSING,
                "the entry has no checkpoint-signed tree head and the policy requires checkpoint consistency");
          }
          out[0] = r;
          return r.detail;
        })) {
          return;
        }
        EntryResult r = (EntryResult) out[0];
        verifiedEntries++;
        if (r.checkpoint != null) {
          run.treeHeads.add(new BundleVerification.TreeHead(r.checkpoint.origin(), r.checkpoint.size(),
              r.checkpoint.rootHash()));
        }
        if (r.time != null) {
          times.add(r.time);
          run.timeSource = run.timeSource == null ? "rekor-set" : run.timeSource;
        } else {
          untimedLogs.add(r.log);
        }
      }
    } else {
      run.checks.add(Check.skip("tlog", "insecure-ignore-tlog"));
    }
    // ---- RFC 3161 timestamps --------------------------------------------------------------------
    boolean countTimestamps = !b.tlogEntries().isEmpty() && !o.insecureIgnoreTlog() || o.useSignedTimestamps();
    for (int i = 0; i < b.timestamps().size(); i++) {
      byte[] ts = b.timestamps().get(i);
      Instant[] t = new Instant[1];
      if (!run.step("timestamp[" + i + "]", () -> {
        t[0] = Rfc3161.verify(ts, b.signature(), tsas, cache);
        return t[0].toString();
      })) {
        return;
      }
      if (countTimestamps) {
        times.add(t[0]);
        if (run.timeSource == null) {
          run.timeSource = "rfc3161";
        }
      }
    }
    // ---- how many entries, and which times ----------------------------------------------------
    if (!o.insecureIgnoreTlog() && verifiedEntries == 0 && leaf == null && o.tlogNotRequiredBy() != null) {
      // the key authority's policy says tlog: false (VerifyOptions.Builder#tlogNotRequiredUnsafe)
      run.pass("tlog.required", "not required by authority " + o.tlogNotRequiredBy());
    } else if (!o.insecureIgnoreTlog()) {
      int n = verifiedEntries;
      if (!run.step("tlog.threshold", () -> {
        if (n < o.tlogThreshold()) {
          throw new Denial(n == 0 ? Reason.TLOG_ENTRY_MISSING : Reason.TLOG_THRESHOLD_NOT_MET,
              "verified transparency-log entries", String.valueOf(o.tlogThreshold()), String.valueOf(n));
        }
        return n + " verified";
      })) {
        return;
      }
    }
    List<Instant> tsaTimes = times;
    for (TransparencyLog log : untimedLogs) {
      // Rekor v2 entries carry no signed time: the log's key must be valid at the verified time(s);
      // with none (a key-based entry without RFC 3161 timestamp) at the appliance's trusted now,
      // and with no trusted now either the window cannot be judged, so the entry cannot count
      // (protobuf-specs TransparencyLogInstance.public_key.valid_for bounds the key's use).
      if (!run.step("tlog.window", () -> {
        List<Instant> at = tsaTimes;
        String when = "the verified time";
        if (at.isEmpty()) {
          if (o.trustedNow() == null) {
            throw new Denial(Reason.SIGNING_TIME_MISSING, "the entry has no signed time, no timestamp gives one,"
                + " and no trusted now was given to judge the log key's validFor " + log.validFor() + " at");
          }
          at = List.of(o.trustedNow());
          when = "the trusted now";
        }
        for (Instant t : at) {
          if (!log.validFor().contains(t)) {
            throw new Denial(Reason.TLOG_LOG_NOT_VALID_AT_TIME, "log key not valid at " + when,
                log.validFor().toString(), t.toString());
          }
        }
        return "log key valid at " + when;
      })) {
        return;
      }
    }
    if (times.isEmpty() && o.fallbackTime() != null) {
      times.add(o.fallbackTime());
      run.timeSource = "system";
    }
    if (!times.isEmpty()) {
      run.signedAt = new TreeSet<>(times).first();
    }
    if (leaf != null) {
      if (!run.step("signing.time", () -> {
        if (times.isEmpty()) {
          throw new Denial(Reason.SIGNING_TIME_MISSING,
              "no verified signing time (Rekor SET or RFC 3161 timestamp) for the certificate");
        }
        return run.signedAt.toString();
      })) {
        return;
      }
      verifyCertificate(run, b, leaf, times);
    } else if (o.keyWindow() != null && o.keyWindow() != ValidityWindow.ALWAYS) {
      run.step("key.window", () -> {
        List<Instant> at = times;
        if (at.isEmpty() && o.trustedNow() != null) {
          // DESIGN.md 6a "Key authorities": a signature without a verified time is judged at the
          // appliance's now
          at = List.of(o.trustedNow());
        }
        if (at.isEmpty()) {
          throw new Denial(Reason.SIGNING_TIME_MISSING, "the key has a validity window and no signing time is verified");
        }
        for (Instant t : at) {
          if (!o.keyWindow().contains(t)) {
            throw new Denial(Reason.KEY_NOT_VALID_AT_TIME, "key not valid at the signing time",
                o.keyWindow().toString(), t.toString());
          }
        }
        return null;
      });
    }
  }

  // ---------------------------------------------------------------------------------------------
  private void verifyCertificate(Run run, Bundle b, X509Certificate leaf, List<Instant> times) {
    VerifyOptions o = run.options;
    Chain[] ca = new Chain[1];
    if (!run.step("certificate.chain", () -> {
      ca[0] = chain(b.certificates(), times);
      return ca[0].ca().uri();
    })) {
      return;
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
      return;
    }
    if (o.requireSct()) {
      if (!run.step("certificate.sct", () -> Sct.verify(leaf, ca[0].issuer(), ctlogs) + " verified")) {
        return;
      }
    } else {
      run.checks.add(Check.skip("certificate.sct", "without-sct"));
    }
    FulcioCertificate[] fc = new FulcioCertificate[1];
    if (!run.step("certificate.identity", () -> {
      fc[0] = FulcioCertificate.of(leaf);
      run.extensions = fc[0].extensions();
      run.issuer = fc[0].issuer();
      run.identity = fc[0].sans().isEmpty() ? null : fc[0].sans().get(0).value();
      if (o.withoutIdentity() && o.identity() == null && o.identityRegexp() == null && o.identityEmailDomain() == null) {
        return "not checked (without-identity)";
      }
      for (FulcioCertificate.San san : fc[0].sans()) {
        if (o.identityMatches(san)) {
          run.identity = san.value();
          return san.toString();
        }
      }
      throw new Denial(Reason.IDENTITY_MISMATCH, "certificate identity does not match", o.identityDescription(),
          fc[0].sans().stream().map(FulcioCertificate.San::toString).collect(java.util.stream.Collectors.joining(",")));
    })) {
      return;
    }
    run.step("certificate.issuer", () -> {
      String iss = fc[0].issuer();
      if (o.withoutIdentity() && o.issuer() == null && o.issuerRegexp() == null) {
        return "not checked (without-identity)";
      }
      boolean ok = iss != null
          && (o.issuer() != null ? o.issuer().equals(iss) : o.issuerRegexp().matcher(iss).matches());
      if (!ok) {
        throw new Denial(Reason.ISSUER_MISMATCH, "certificate OIDC issuer does not match",
            o.issuer() != null ? o.issuer() : o.issuerRegexp().pattern(), iss);
      }
      return iss;
    });
  }

  /**
   * Finds the trusted CA the leaf chains to, valid at every verified time. Certificates carried by
   * the bundle after the leaf are intermediates at most, never anchors: the carried chain may end
   * with copies of the trusted chain's certificates in their positions (they are then ignored);
   * any other self-signed certificate is refused ({@link Reason#CERTIFICATE_ROOT_IN_BUNDLE}), and
   * the remaining ones must link leaf to the CA's first certificate by signature.
   */
  private record Chain(CertificateAuthority ca, X509Certificate issuer) {}

  private Chain chain(List<X509Certificate> bundleCerts, List<Instant> times) throws Denial {
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
    if (extras.stream().anyMatch(BundleVerifier::selfSigned)) {
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

  // ---------------------------------------------------------------------------------------------
  private static String digestAlgorithm(String proto) throws Denial {
    if (proto == null) {
      return null;
    }
    return switch (proto) {
      case "SHA2_256", "sha256" -> "sha256";
      case "SHA2_384", "sha384" -> "sha384";
      case "SHA2_512", "sha512" -> "sha512";
      default -> throw new Denial(Reason.BUNDLE_MALFORMED, "unsupported messageDigest algorithm " + proto);
    };
  }

  private static String checkMessageDigest(Bundle b, Artifact artifact) throws Denial {
    if (b.messageDigest() == null) {
      return "no messageDigest";
    }
    String alg = digestAlgorithm(b.digestAlgorithm());
    if (alg == null) {
      throw new Denial(Reason.BUNDLE_MALFORMED, "messageDigest without algorithm");
    }
    byte[] want = artifact.digest(alg);
    if (want == null || !MessageDigest.isEqual(want, b.messageDigest())) {
      throw new Denial(Reason.MESSAGE_DIGEST_MISMATCH, "the bundle's messageDigest is not the artifact digest",
          want == null ? artifact.toString() : alg + ":" + Hashing.hex(want), alg + ":" + Hashing.hex(b.messageDigest()));
    }
    return alg;
  }

  private static String verifyMessage(PublicKey key, SignatureAlgorithm alg, Bundle b, Artifact artifact)
      throws Denial {
    try {
      if (artifact.hasBytes()) {
        verifyAny(key, alg, artifact.bytesUnsafe(), b.signature());
      } else {
        String hashAlg = switch (alg) {
          case ECDSA_P384_SHA384, RSA_PKCS1_SHA384 -> "sha384";
          case ECDSA_P521_SHA512, RSA_PKCS1_SHA512 -> "sha512";
          default -> "sha256";
        };
        byte[] d = artifact.digest(hashAlg);
        if (d == null) {
          throw new Denial(Reason.ARTIFACT_DIGEST_MISMATCH,
              "the signature uses " + hashAlg + " and only a " + artifact.algorithm() + " digest was given");
        }
        try {
          Signatures.verifyPrehashed(key, alg, d, b.signature());
        } catch (InvalidSignatureException e) {
          if (alg != SignatureAlgorithm.RSA_PKCS1_SHA256) {
            throw e;
          }
          Signatures.verifyPrehashed(key, SignatureAlgorithm.RSA_PSS_SHA256, d, b.signature());
        }
      }
    } catch (InvalidSignatureException e) {
      throw sigDenial(e);
    }
    return alg.name();
  }

  /**
   * Verifies under the key's algorithm; an RSA key (whose SPKI does not say PKCS#1 v1.5 or PSS)
   * may sign with either scheme of the allow-list, as cosign's RSA-PSS signing algorithms do.
   */
  private static void verifyAny(PublicKey key, SignatureAlgorithm alg, byte[] data, byte[] sig)
      throws InvalidSignatureException {
    try {
      Signatures.verify(key, alg, data, sig);
    } catch (InvalidSignatureException e) {
      if (alg != SignatureAlgorithm.RSA_PKCS1_SHA256) {
        throw e;
      }
      Signatures.verify(key, SignatureAlgorithm.RSA_PSS_SHA256, data, sig);
    }
  }

  private static Denial sigDenial(InvalidSignatureException e) {
    return switch (e.problem()) {
      case MALFORMED -> new Denial(Reason.SIGNATURE_MALFORMED, e.getMessage());
      case UNSUPPORTED -> new Denial(Reason.KEY_ALGORITHM_UNSUPPORTED, e.getMessage());
      default -> new Denial(Reason.SIGNATURE_INVALID, e.getMessage());
    };
  }

  /** DSSE v1 pre-authentication encoding, with byte lengths (secure-systems-lab/dsse protocol.md). */
  static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    byte[] head = ("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ")
        .getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + payload.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(payload, 0, out, head.length, payload.length);
    return out;
  }

  private static String verifyDsse(PublicKey key, SignatureAlgorithm alg, Bundle.Dsse d) throws Denial {
    if (!INTOTO.equals(d.payloadType())) {
      throw new Denial(Reason.DSSE_PAYLOAD_TYPE_UNSUPPORTED, "DSSE payloadType", INTOTO, d.payloadType());
    }
    try {
      verifyAny(key, alg, pae(d.payloadType(), d.payload()), d.signature());
    } catch (InvalidSignatureException e) {
      throw sigDenial(e);
    }
    return alg.name();
  }

  private static String checkStatement(Run run, Bundle.Dsse d, Artifact artifact) throws Denial {
    JsonNode st;
    try {
      st = Json.parse(d.payload(), "in-toto statement");
    } catch (AirlockException e) {
      throw new Denial(Reason.STATEMENT_MALFORMED, e.getMessage());
    }
    String type = st.path("_type").asText("");
    if (!type.equals("https://in-toto.io/Statement/v1") && !type.equals("https://in-toto.io/Statement/v0.1")) {
      throw new Denial(Reason.STATEMENT_MALFORMED, "unknown in-toto _type '" + type + "'");
    }
    JsonNode subjects = st.path("subject");
    if (!subjects.isArray() || subjects.isEmpty() || !st.path("predicateType").isTextual()) {
      throw new Denial(Reason.STATEMENT_MALFORMED, "statement without subject or predicateType");
    }
    run.predicateType = st.path("predicateType").asText();
    run.predicate = st.path("predicate").isMissingNode() ? null : st.path("predicate");
    for (JsonNode s : subjects) {
      JsonNode digests = s.path("digest");
      for (String alg : List.of("sha256", "sha384", "sha512")) {
        JsonNode v = digests.path(alg);
        if (v.isTextual()) {
          byte[] want = artifact.digest(alg);
          if (want != null && v.asText().equalsIgnoreCase(Hashing.hex(want))) {
            return run.predicateType;
          }
        }
      }
    }
    throw new Denial(Reason.STATEMENT_SUBJECT_MISMATCH, "no statement subject carries the artifact digest",
        artifact.toString(), null);
  }

  // ---------------------------------------------------------------------------------------------
  private record EntryResult(TransparencyLog log, Instant time, String detail, NoteCheckpoint checkpoint) {
    EntryResult(TransparencyLog log, Instant time, String detail) {
      this(log, time, detail, null);
    }
  }

  /** Below this magnitude RFC 8785 writes an integer exactly as its decimal digits. */
  private static final long JCS_EXACT = 1L << 53;

  /**
   * The RFC 8785 canonical JSON the SET signs: {body, integratedTime, logID, logIndex}. The keys
   * are fixed and sorted, base64 and hex need no escaping, so it is written directly (a hot path);
   * integers beyond 2^53 (which JCS writes as doubles) go through the general canonicaliser.
   */
  static byte[] setPayload(Bundle.TlogEntry e) {
    long t = e.integratedTime();
    long i = e.logIndex();
    if (t > -JCS_EXACT && t < JCS_EXACT && i > -JCS_EXACT && i < JCS_EXACT) {
      return ("{\"body\":\"" + Base64.getEncoder().encodeToString(e.body()) + "\",\"integratedTime\":" + t
          + ",\"logID\":\"" + Hashing.hex(e.logId()) + "\",\"logIndex\":" + i + "}").getBytes(StandardCharsets.US_ASCII);
    }
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    p.put("body", Base64.getEncoder().encodeToString(e.body()));
    p.put("integratedTime", t);
    p.put("logID", Hashing.hex(e.logId()));
    p.put("logIndex", i);
    return Json.canonical(p);
  }

  private EntryResult verifyEntry(Bundle b, Bundle.TlogEntry e, X509Certificate leaf, PublicKey key,
      Artifact artifact) throws Denial {
    List<TransparencyLog> candidates = new ArrayList<>();
    for (TransparencyLog l : tlogs) {
      if (l.hasLogId(e.logId())) {
        candidates.add(l);
      }
    }
    if (candidates.isEmpty()) {
      throw new Denial(Reason.TLOG_UNKNOWN_LOG, "the entry's log is not in the trusted root", null,
          Base64.getEncoder().encodeToString(e.logId()));
    }
    TlogBodies.check(e, b, leaf, key, artifact);
    Instant time = null;
    TransparencyLog log = candidates.get(0);
    if (e.signedEntryTimestamp() != null) {
      // A SET signs {body, integratedTime, logID, logIndex}; Rekor never integrates at or before
      // the epoch, and a promise over time 0 is no promise: refuse it instead of skipping it
      // (skipping would let the entry count through whatever else it carries).
      if (e.integratedTime() <= 0) {
        throw new Denial(Reason.TLOG_INTEGRATED_TIME_INVALID,
            "the entry has a signed entry timestamp but its integratedTime is missing or not positive",
            "> 0", String.valueOf(e.integratedTime()));
      }
      Instant it = Instant.ofEpochSecond(e.integratedTime());
      for (TransparencyLog l : candidates) {
        if (l.validFor().contains(it)) {
          log = l;
          break;
        }
      }
      try {
        Signatures.verify(log.key(), log.algorithm(), setPayload(e), e.signedEntryTimestamp());
      } catch (InvalidSignatureException ex) {
        throw new Denial(Reason.TLOG_SET_INVALID, "signed entry timestamp: " + ex.getMessage());
      }
      if (!log.validFor().contains(it)) {
        throw new Denial(Reason.TLOG_LOG_NOT_VALID_AT_TIME, "the log key is not valid at the integrated time",
            log.validFor().toString(), it.toString());
      }
      time = it;
    }
    Bundle.Proof p = e.proof();
    if (p == null) {
      if (b.version() >= 2) {
        throw new Denial(Reason.INCLUSION_PROOF_MISSING, "bundles v0.2 and later need an inclusion proof");
      }
      if (time == null) {
        throw new Denial(Reason.TLOG_SET_MISSING, "a v0.1 entry without inclusion proof needs a signed entry timestamp");
      }
      return new EntryResult(log, time, "set");
    }
    if (time == null && (p.checkpoint() == null || p.checkpoint().isEmpty()) && b.version() == 1) {
      // DESIGN.md 6b: an entry counts only if the log signed it. Without a SET and without a
      // checkpoint the proof's root hash is the bundle's own claim (a one-leaf "tree" over any
      // body proves itself), so the proof proves nothing.
      throw new Denial(Reason.TLOG_SET_MISSING,
          "a v0.1 entry whose inclusion proof has no checkpoint needs a signed entry timestamp:"
              + " nothing the log signed covers the proof's root hash");
    }
    if (time == null && e.logIndex() != p.logIndex()) {
      // without a SET nothing signs the top-level index; Rekor v2 has one index for both
      // (FORMATS.md section 5), so it must be the proven one
      throw new Denial(Reason.INCLUSION_PROOF_INVALID, "entry logIndex differs from the inclusion proof's",
          String.valueOf(p.logIndex()), String.valueOf(e.logIndex()));
    }
    try {
      Merkle.verifyInclusion(p.logIndex(), p.treeSize(), Merkle.leafHash(e.body()), p.hashes(), p.rootHash());
    } catch (MerkleProofException ex) {
      throw new Denial(ex.reason(), ex.getMessage());
    }
    if ((p.checkpoint() == null || p.checkpoint().isEmpty()) && b.version() == 1) {
      // only reached with a verified SET: the SET is what the log signed; the proof adds nothing
      return new EntryResult(log, time, "set; inclusion proof without checkpoint (v0.1)");
    }
    NoteCheckpoint cp = NoteCheckpoint.verify(p.checkpoint(), log);
    if (cp.size() != p.treeSize() || !MessageDigest.isEqual(cp.rootHash(), p.rootHash())) {
      throw new Denial(Reason.CHECKPOINT_MISMATCH, "checkpoint tree head differs from the inclusion proof's",
          p.treeSize() + " " + Hashing.hex(p.rootHash()), cp.size() + " " + Hashing.hex(cp.rootHash()));
    }
    return new EntryResult(log, time, cp.origin() + " @" + cp.size(), cp);
  }

  // ---------------------------------------------------------------------------------------------
  /** The mutable state of one verification; turned into an immutable result at the end. */
  static final class Run {
    final VerifyOptions options;
    final List<Check> checks = new ArrayList<>();
    String kind = "unknown";
    String identity;
    String issuer;
    Instant signedAt;
    String timeSource;
    String predicateType;
    JsonNode predicate;
    Map<String, String> extensions = Map.of();
    final List<BundleVerification.TreeHead> treeHeads = new ArrayList<>();

    Run(VerifyOptions options) {
      this.options = options;
    }

    interface Step {
      String run() throws Denial;
    }

    boolean step(String id, Step s) {
      try {
        checks.add(Check.pass(id, s.run()));
        return true;
      } catch (Denial d) {
        checks.add(d.toCheck(id));
        return false;
      } catch (RuntimeException e) {
        checks.add(Check.fail(id, Reason.INTERNAL_ERROR, "unexpected error: " + e));
        return false;
      }
    }

    void pass(String id, String detail) {
      checks.add(Check.pass(id, detail));
    }

    void fail(String id, Denial d) {
      checks.add(d.toCheck(id));
    }

    BundleVerification result() {
      List<Check> all = new ArrayList<>(checks);
      if (options.useSignedTimestamps()) {
        all.add(Check.pass("option.use-signed-timestamps", "RFC 3161 timestamps count as verified time"));
      }
      for (String r : options.relaxations()) {
        all.add(Check.skip("option." + r, "unsafe option in effect: " + r));
      }
      SignatureVerdict sv = new SignatureVerdict(null, kind, identity, issuer,
          signedAt, timeSource, all);
      return new BundleVerification(sv, predicateType, predicate, extensions, treeHeads);
    }
  }
}
