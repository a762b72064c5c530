package dev.airlock.cli;

import java.nio.file.Path;
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
      description = "The artifact file, or its digest as sha256:<hex>.")
  String artifact;

  @Override
  protected ExitCode execute() {
    throw notImplemented("verify-bundle");
  }
}
