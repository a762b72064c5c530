package dev.airlock.verify;

import dev.airlock.core.Reason;
import dev.airlock.oci.AttachedSignature;
import dev.airlock.oci.Digest;
import dev.airlock.trust.CertificateAuthority;
import dev.airlock.trust.TransparencyLog;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * airlock's offline Sigstore verifier (issue 3): a pure function of (signature bytes, subject,
 * trust snapshot, options) to a {@link BundleVerification} whose checks explain the decision.
 * Nothing here reads the clock: every validity window is judged at a verified signing time (Rekor
 * SET integrated time or RFC 3161 genTime). Never throws for bad input: malformed material and
 * library exceptions become failed checks. One instance per trust snapshot; thread-safe; caches
 * verified authority chains.
 *
 * <p>This class only orders the checks, as sigstore-go pkg/verify/signed_entity.go orders its
 * verifiers: parse ({@link SignatureFormat}), key and signature ({@link SignatureCheck}, with
 * {@link StatementCheck}), transparency-log entries ({@link TransparencyEntryCheck}), RFC 3161
 * timestamps ({@link TimestampCheck}), the entry threshold and log windows, the signing time, then
 * for a certificate its path ({@link CertificatePathCheck}), SCTs ({@link SctCheck}) and identity
 * ({@link CertificateIdentityCheck}), for a key its window. The first failed check ends the run;
 * the check ids, their order, reasons and messages are pinned by the corpus and mutation tests.
 */
public final class BundleVerifier {
  private final TrustSnapshot trust;
  private final CertificatePathCheck certificatePath;
  private final SctCheck sct;
  private final TransparencyEntryCheck tlog;
  private final TimestampCheck timestamps;

  public BundleVerifier(TrustSnapshot trust) {
    this.trust = trust;
    List<CertificateAuthority> cas = new ArrayList<>();
    List<CertificateAuthority> tsas = new ArrayList<>();
    List<TransparencyLog> tlogs = new ArrayList<>();
    List<TransparencyLog> ctlogs = new ArrayList<>();
    for (TrustedRoot r : trust.roots()) {
      cas.addAll(r.certificateAuthorities());
      tsas.addAll(r.timestampAuthorities());
      tlogs.addAll(r.tlogs());
      ctlogs.addAll(r.ctlogs());
    }
    ChainCache cache = new ChainCache();
    this.certificatePath = new CertificatePathCheck(cas, cache);
    this.sct = new SctCheck(ctlogs);
    this.tlog = new TransparencyEntryCheck(tlogs);
    this.timestamps = new TimestampCheck(tsas, cache);
  }

  public TrustSnapshot trust() {
    return trust;
  }

  /**
   * The one entry point for signature material attached to an image (the appliance reads the layer
   * from its store and hands the bytes over): dispatches on the layer's kind to its format and
   * verifies it as a signature of the image with manifest digest {@code image}. Never throws for
   * bad input.
   *
   * @throws IllegalStateException for an unsigned {@code .sbom} layer, which callers must not pass
   */
  public BundleVerification verifyAttached(AttachedSignature.Kind kind, byte[] content, String mediaType,
      Map<String, String> annotations, Digest image, VerifyOptions options) {
    SignatureFormat format = SignatureFormats.of(kind);
    return run(format, content, mediaType, annotations,
        new SignatureFormat.Subject(Artifact.ofDigest(image), image, null), options);
  }

  /** Verifies a Sigstore bundle (JSON bytes) over an artifact. Never throws for bad input. */
  public BundleVerification verify(byte[] bundleJson, Artifact artifact, VerifyOptions options) {
    return run(SignatureFormats.SIGSTORE_BUNDLE, bundleJson, null, Map.of(),
        new SignatureFormat.Subject(artifact, null, null), options);
  }

  /**
   * Verifies a legacy cosign signature (simple-signing payload and annotations) of the image with
   * manifest digest {@code imageDigest}. {@code reference} may be null (cosign ignores
   * docker-reference) or a containers-policy.json(5) reference rule.
   */
  public BundleVerification verifyCosign(CosignSignature sig, Digest imageDigest,
      CosignSignature.ReferenceMatch reference, VerifyOptions options) {
    SignatureFormat parsed = new SignatureFormat() {
      @Override
      public String parseCheck() {
        return "cosign.parse";
      }

      @Override
      public Parsed parse(byte[] content, String mediaType, Map<String, String> annotations) throws Denial {
        return SignatureFormats.cosign(sig);
      }
    };
    return run(parsed, null, null, Map.of(),
        new SignatureFormat.Subject(Artifact.ofDigest(imageDigest), imageDigest, reference), options);
  }

  /**
   * Verifies a legacy cosign attestation ({@code .att} layer: a DSSE envelope and cosign's
   * annotations) of the image with manifest digest {@code imageDigest}: the in-toto statement must
   * name the image digest. Never throws for bad input.
   */
  public BundleVerification verifyCosignAttestation(byte[] layer, Map<String, String> annotations,
      Digest imageDigest, VerifyOptions options) {
    return run(SignatureFormats.COSIGN_ATTESTATION, layer, null, annotations,
        new SignatureFormat.Subject(Artifact.ofDigest(imageDigest), imageDigest, null), options);
  }

  private BundleVerification run(SignatureFormat format, byte[] content, String mediaType,
      Map<String, String> annotations, SignatureFormat.Subject subject, VerifyOptions options) {
    VerificationRun run = new VerificationRun(options);
    try {
      SignatureFormat.Parsed p;
      try {
        p = format.parse(content, mediaType, annotations);
        run.pass(format.parseCheck(), p.parseDetail());
      } catch (Denial d) {
        run.fail(format.parseCheck(), d);
        return run.result();
      }
      if (!p.formatChecks(run, subject)) {
        return run.result();
      }
      verifyMaterial(run, p.bundle(), p.signedArtifact(subject), p.checkStatementSubject());
    } catch (RuntimeException e) {
      run.checks.add(Check.fail("internal", Reason.INTERNAL_ERROR, String.valueOf(e)));
    }
    return run.result();
  }

  /** The shared pipeline for every format (a legacy cosign signature as a v0.1-like bundle). */
  private void verifyMaterial(VerificationRun run, Bundle b, Artifact artifact, boolean checkDsseSubject) {
    VerifyOptions o = run.options;
    SignatureCheck.SigningKey key = SignatureCheck.select(run, b);
    if (key == null || !SignatureCheck.verify(run, b, artifact, key, checkDsseSubject)) {
      return;
    }
    X509Certificate leaf = key.leaf();
    TransparencyEntryCheck.Entries entries = new TransparencyEntryCheck.Entries();
    if (!tlog.entries(run, b, leaf, key.key(), artifact, entries)) {
      return;
    }
    List<Instant> times = entries.times;
    if (!timestamps.check(run, b, times)
        || !TransparencyEntryCheck.threshold(run, entries, leaf != null)
        || !TransparencyEntryCheck.windows(run, entries, times)) {
      return;
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
      CertificatePathCheck.Chain chain = certificatePath.check(run, b.certificates(), times);
      if (chain != null && sct.check(run, leaf, chain.issuer())) {
        CertificateIdentityCheck.check(run, leaf);
      }
    } else {
      SignatureCheck.keyWindow(run, times);
    }
  }
}
