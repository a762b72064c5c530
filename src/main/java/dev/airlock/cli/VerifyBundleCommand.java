package dev.airlock.cli;

import dev.airlock.audit.AuditEvent;
import dev.airlock.audit.AuditLog;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Limits;
import dev.airlock.core.json.Documents;
import dev.airlock.core.json.VerdictDocument;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustStore;
import dev.airlock.trust.TrustedRoot;
import dev.airlock.verify.Artifact;
import dev.airlock.verify.BundleVerification;
import dev.airlock.verify.BundleVerifier;
import dev.airlock.verify.Check;
import dev.airlock.verify.SignatureVerdict;
import dev.airlock.verify.Verdict;
import dev.airlock.verify.VerifyOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify-bundle", mixinStandardHelpOptions = true,
    description = {
      "Verify one Sigstore bundle against an artifact file or digest (stateless: installs nothing).",
      "Keyless: --certificate-identity and --certificate-oidc-issuer; key-based: --key."
    })
final class VerifyBundleCommand extends BaseCommand {
  @Option(names = "--bundle", paramLabel = "FILE", required = true, description = "The Sigstore bundle (.sigstore.json).")
  Path bundle;

  @Option(names = "--certificate-identity", paramLabel = "ID", description = "Exact certificate identity (SAN).")
  String certificateIdentity;

  @Option(names = "--certificate-identity-regexp", paramLabel = "RE",
      description = "Regexp the whole certificate identity must match.")
  String certificateIdentityRegexp;

  @Option(names = "--certificate-oidc-issuer", paramLabel = "URL", description = "Exact OIDC issuer.")
  String certificateOidcIssuer;

  @Option(names = "--certificate-oidc-issuer-regexp", paramLabel = "RE",
      description = "Regexp the whole OIDC issuer must match.")
  String certificateOidcIssuerRegexp;

  @Option(names = "--key", paramLabel = "PEM", description = "Public key for key-based bundles.")
  Path key;

  @Option(names = "--trusted-root", paramLabel = "FILE",
      description = "trusted_root.json to verify against (default: the installed trust).")
  Path trustedRoot;

  @Option(names = "--insecure-ignore-tlog", description = "Do not require a transparency-log entry.")
  boolean insecureIgnoreTlog;

  @Option(names = "--use-signed-timestamps", description = "Use RFC 3161 timestamps as verified time.")
  boolean useSignedTimestamps;

  @Parameters(paramLabel = "FILE_OR_DIGEST",
      description = "The artifact file, or its digest as sha256:<64 hex>, sha384:<96 hex> or sha512:<128 hex>"
          + " (npm provenance subjects are sha512). A digest verifies DSSE statements whose subject carries it,"
          + " and message signatures whose hash is that algorithm.")
  String artifact;

  /**
   * DESIGN.md 4: {@code (--certificate-identity ID --certificate-oidc-issuer URL | --key PEM)}. A
   * bundle verified against nobody in particular proves only that someone signed it, so a missing
   * expectation is a usage error (exit 2) naming what is missing, before anything is read.
   */
  private void requireWhoSigned() {
    boolean identity = certificateIdentity != null || certificateIdentityRegexp != null;
    boolean issuer = certificateOidcIssuer != null || certificateOidcIssuerRegexp != null;
    if (key != null) {
      if (!java.nio.file.Files.isRegularFile(key)) {
        throw AirlockException.usage("--key: no such file: " + key);
      }
      return;
    }
    if (!identity && !issuer) {
      throw missing("verify-bundle needs who must have signed: --certificate-identity (or"
          + " --certificate-identity-regexp) with --certificate-oidc-issuer (or --certificate-oidc-issuer-regexp),"
          + " or --key PEM");
    }
    if (!identity) {
      throw missing("--certificate-identity (or --certificate-identity-regexp) is missing");
    }
    if (!issuer) {
      throw missing("--certificate-oidc-issuer (or --certificate-oidc-issuer-regexp) is missing");
    }
  }

  private static AirlockException missing(String message) {
    return new AirlockException(AirlockException.Kind.USAGE, Reason.IDENTITY_POLICY_MISSING,
        message + " (" + Reason.IDENTITY_POLICY_MISSING + ")");
  }

  /** Above this size the artifact is hashed while streaming and verified by digest. */
  static final long MAX_IN_MEMORY_ARTIFACT = 256L * 1024 * 1024;

  /**
   * Stateless verification (DESIGN.md section 4). Trust is {@code --trusted-root}, else the installed
   * snapshot. The decision is audited when a home exists; without a home and with
   * {@code --trusted-root} the command only verifies (there is nowhere to audit to, and nothing is
   * installed or admitted) -- documented in docs/verification.md.
   */
  @Override
  protected ExitCode execute() {
    requireWhoSigned();
    if (!home().isInitialised()) {
      return verify(); // stateless: no database at all
    }
    // one database open for the trusted now, the installed trust and the audit event (issue 17)
    try (dev.airlock.appliance.StateViews.Kept kept = dev.airlock.appliance.StateViews.keepOpen(home())) {
      return verify();
    }
  }

  private ExitCode verify() {
    Clock clock = systemClock();
    Home home = home();
    byte[] bundleBytes = readBounded(bundle, Limits.defaults().maxJsonBytes(), "bundle");
    Artifact art = artifact();
    // the appliance's trusted now (DESIGN.md section 3) where a home exists, else the injected
    // clock; used only where no time is verified (VerifyOptions.trustedNow)
    java.time.Instant now = home.isInitialised()
        ? dev.airlock.appliance.StateViews.trustedNow(home, clock)
        : clock.instant();
    VerifyOptions.Builder o = VerifyOptions.builder()
        .trustedNow(now)
        .identity(certificateIdentity)
        .issuer(certificateOidcIssuer);
    try {
      o.identityRegexp(certificateIdentityRegexp).issuerRegexp(certificateOidcIssuerRegexp);
    } catch (java.util.regex.PatternSyntaxException e) {
      throw AirlockException.usage("invalid regular expression: " + e.getDescription());
    }
    if (key != null) {
      try {
        o.key(Keys.parsePublicKey(readBounded(key, 64 * 1024, "key")));
      } catch (Keys.KeyException e) {
        throw AirlockException.denied(e.unsupported() ? Reason.KEY_ALGORITHM_UNSUPPORTED : Reason.KEY_MALFORMED,
            key + ": " + e.getMessage());
      }
    }
    if (insecureIgnoreTlog) {
      o.insecureIgnoreTlogUnsafe();
    }
    if (useSignedTimestamps) {
      o.useSignedTimestamps();
    }
    TrustSnapshot snapshot;
    if (trustedRoot != null) {
      TrustedRoot root = TrustedRoot.parse(
          readBounded(trustedRoot, Limits.defaults().maxJsonBytes(), "trusted root"), trustedRoot.toString());
      snapshot = TrustSnapshot.ofRoots(root.digest().toString(), clock.instant(), List.of(root));
    } else {
      snapshot = installedTrust(home);
    }
    BundleVerification result = new BundleVerifier(snapshot).verify(bundleBytes, art, o.build());
    SignatureVerdict sv = result.signature();
    Verdict.Builder vb = Verdict.builder()
        .subject(null, art.toString())
        .decision(sv.valid() ? Verdict.Decision.ADMIT : Verdict.Decision.DENY)
        .trust(snapshot.tufRootVersion() == 0 ? null : snapshot.tufRootVersion(), snapshot.id())
        .time(clock.instant(), sv.timeSource())
        .signature(sv);
    sv.reasons().forEach(vb::reason);
    if (!o.build().relaxations().isEmpty()) {
      o.build().relaxations().forEach(r -> vb.warning("unsafe option: " + r));
    }
    Verdict verdict = vb.build();
    VerdictDocument document = verdict.document().withBundle(bundle.toString(), result.predicateType());
    if (home.isInitialised()) {
      AuditEvent event = new AuditEvent(clock.instant(), operator(), host(), commandName(), "verify-bundle",
          art.toString(), verdict.decision().json(),
          verdict.reasons().stream().map(Enum::name).toList(), Documents.tree(document));
      dev.airlock.appliance.StateViews.audit(home, event);
    }
    emit(document, human(verdict, sv));
    return sv.valid() ? ExitCode.OK : ExitCode.DENIED;
  }

  private static String human(Verdict v, SignatureVerdict sv) {
    if (sv.valid()) {
      return "verified: " + sv.kind() + (sv.identity() != null ? " identity " + sv.identity() : "")
          + (sv.issuer() != null ? " issuer " + sv.issuer() : "")
          + (sv.signedAt() != null ? " signed at " + sv.signedAt() + " (" + sv.timeSource() + ")" : "");
    }
    StringBuilder b = new StringBuilder("denied:");
    for (Check c : sv.checks()) {
      if (c.failed()) {
        b.append(' ').append(c.reason().name()).append(" (").append(c.id()).append(')');
        if (c.detail() != null) {
          b.append(": ").append(c.detail());
        }
        break;
      }
    }
    return b.toString();
  }

  /** {@code <alg>:<hex>} for the digest algorithms a bundle can name (protobuf-specs HashAlgorithm). */
  private static final java.util.regex.Pattern DIGEST =
      java.util.regex.Pattern.compile("(sha256|sha384|sha512):([0-9a-fA-F]*)");

  private Artifact artifact() {
    // conformance CLI protocol: a digest that is not a path on disk is a digest
    java.util.regex.Matcher m = DIGEST.matcher(artifact);
    if (m.matches() && !Files.exists(Path.of(artifact))) {
      String alg = m.group(1);
      int hexLength = switch (alg) {
        case "sha256" -> 64;
        case "sha384" -> 96;
        default -> 128;
      };
      if (m.group(2).length() != hexLength) {
        throw AirlockException.usage(artifact + ": a " + alg + " digest has " + hexLength + " hex digits, not "
            + m.group(2).length());
      }
      return Artifact.ofDigest(alg, Hashing.unhex(m.group(2).toLowerCase(java.util.Locale.ROOT)));
    }
    Path p = Path.of(artifact);
    try {
      if (Files.size(p) > MAX_IN_MEMORY_ARTIFACT) {
        try (var in = Files.newInputStream(p)) {
          return Artifact.ofDigest("sha256", Hashing.sha256(in));
        }
      }
      return Artifact.ofBytes(Files.readAllBytes(p));
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.MEDIUM_UNREADABLE, artifact + ": cannot read the artifact: " + e.getMessage());
    }
  }

  private static byte[] readBounded(Path p, long limit, String what) {
    try {
      long size = Files.size(p);
      if (size > limit) {
        throw AirlockException.denied(Reason.LIMIT_EXCEEDED, p + ": " + what + " of " + size
            + " bytes exceeds the limit of " + limit);
      }
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.MEDIUM_UNREADABLE, p + ": cannot read the " + what + ": " + e.getMessage());
    }
  }

  private static TrustSnapshot installedTrust(Home home) {
    if (!home.isInitialised()) {
      throw AirlockException.cannotDecide(Reason.TRUST_NOT_INSTALLED,
          "no --trusted-root given and no airlock home at " + home + "; run 'airlock init' or pass --trusted-root");
    }
    try {
      return dev.airlock.appliance.StateViews.installedTrust(home).orElseThrow(() ->
          AirlockException.cannotDecide(Reason.TRUST_NOT_INSTALLED, "no trust is installed in " + home
              + "; import a TUF repository or pass --trusted-root"));
    } catch (AirlockException e) {
      if (e.reason() == Reason.NOT_IMPLEMENTED) {
        throw AirlockException.cannotDecide(Reason.TRUST_NOT_INSTALLED,
            "the installed trust store is not available in this build; pass --trusted-root FILE");
      }
      throw e;
    }
  }
}
