package dev.airlock.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {
      "Decide one stored image (repo:tag, repo@sha256:..., or sha256:...).",
      "With --policy, that policy; with cosign's flags, an ad-hoc rule as cosign applies it;",
      "with neither, the installed policy. Exit 0 admitted, 1 denied."
    })
final class VerifyCommand extends BaseCommand {
  @Parameters(paramLabel = "IMAGE", description = "Image reference or digest.")
  String image;

  @Option(names = "--policy", paramLabel = "FILE", description = "Decide under this policy file.")
  Path policy;

  @Option(names = "--key", paramLabel = "KEY", description = "Public key (PEM file) the signature must verify with.")
  Path key;

  @Option(names = "--certificate-identity", paramLabel = "ID",
      description = "Exact certificate identity (SAN) required.")
  String certificateIdentity;

  @Option(names = "--certificate-identity-regexp", paramLabel = "RE",
      description = "Regexp the whole certificate identity must match.")
  String certificateIdentityRegexp;

  @Option(names = "--certificate-oidc-issuer", paramLabel = "URL",
      description = "Exact OIDC issuer required.")
  String certificateOidcIssuer;

  @Option(names = "--certificate-oidc-issuer-regexp", paramLabel = "RE",
      description = "Regexp the whole OIDC issuer must match.")
  String certificateOidcIssuerRegexp;

  @Option(names = "--insecure-ignore-tlog",
      description = "Do not require a transparency-log entry (recorded in the verdict).")
  boolean insecureIgnoreTlog;

  @Option(names = "--use-signed-timestamps",
      description = "Use RFC 3161 timestamps as the verified signing time.")
  boolean useSignedTimestamps;

  @Override
  protected ExitCode execute() {
    throw notImplemented("verify");
  }
}
