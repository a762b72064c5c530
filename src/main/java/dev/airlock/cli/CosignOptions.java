package dev.airlock.cli;

import dev.airlock.appliance.CosignFlags;
import dev.airlock.core.AirlockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * cosign's verification flags, shared by {@code verify} and {@code verify-attestation} (DESIGN.md
 * 4): the same names and meanings as {@code cosign verify}. A requirement ({@code --key},
 * {@code --certificate-*}) is added to the installed policy, never a replacement; relaxing flags
 * apply to that flag-derived requirement only. cosign's network flags are refused: airlock is
 * offline, and a flag that would be silently ignored could make an operator believe something was
 * checked that was not.
 */
final class CosignOptions {
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
      description = "Do not require a transparency-log entry for the flag-derived requirement (never for the installed policy; recorded in the verdict).")
  boolean insecureIgnoreTlog;

  @Option(names = "--insecure-ignore-sct",
      description = "Do not require an embedded SCT in the certificate for the flag-derived requirement (never for the installed policy).")
  boolean insecureIgnoreSct;

  @Option(names = "--use-signed-timestamps",
      description = "Use RFC 3161 timestamps as the verified signing time for the flag-derived requirement.")
  boolean useSignedTimestamps;

  @Option(names = "--offline", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      description = "Accepted for cosign compatibility; airlock never uses the network.")
  boolean offline;

  @Option(names = "--check-claims", arity = "0..1", fallbackValue = "true", defaultValue = "true", paramLabel = "BOOL",
      description = "Accepted for cosign compatibility (default true). airlock always checks that the signed payload names the image digest; --check-claims=false does not turn that off.")
  boolean checkClaims;

  // cosign: the certificate's GitHub workflow extensions (Fulcio OIDs 1.3.6.1.4.1.57264.1.2 to .6)
  // must equal these values (CosignFlags.GITHUB_WORKFLOW_FLAGS); a requirement besides the identity
  @Option(names = "--certificate-github-workflow-trigger", paramLabel = "EVENT",
      description = "The certificate's GitHub workflow trigger extension (1.3.6.1.4.1.57264.1.2) must equal this, e.g. push.")
  String githubWorkflowTrigger;

  @Option(names = "--certificate-github-workflow-sha", paramLabel = "SHA",
      description = "The certificate's GitHub workflow commit extension (1.3.6.1.4.1.57264.1.3) must equal this.")
  String githubWorkflowSha;

  @Option(names = "--certificate-github-workflow-name", paramLabel = "NAME",
      description = "The certificate's GitHub workflow name extension (1.3.6.1.4.1.57264.1.4) must equal this.")
  String githubWorkflowName;

  @Option(names = "--certificate-github-workflow-repository", paramLabel = "OWNER/REPO",
      description = "The certificate's GitHub workflow repository extension (1.3.6.1.4.1.57264.1.5) must equal this.")
  String githubWorkflowRepository;

  @Option(names = "--certificate-github-workflow-ref", paramLabel = "REF",
      description = "The certificate's GitHub workflow ref extension (1.3.6.1.4.1.57264.1.6) must equal this, e.g. refs/heads/main.")
  String githubWorkflowRef;

  /** cosign's flags that reach a network service: refused, airlock is offline. */
  @Option(names = {"--rekor-url", "--fulcio-url", "--ct-log-url", "--timestamp-server-url", "--tuf-mirror",
      "--oidc-issuer", "--registry-username", "--registry-password", "--registry-token"},
      paramLabel = "VALUE", hidden = true)
  List<String> network = new ArrayList<>();

  /** The flags as the appliance takes them; usage errors (exit 2) name the flag. */
  CosignFlags flags(picocli.CommandLine.ParseResult parsed) {
    refuseNetwork(parsed);
    if (key != null && !Files.isRegularFile(key)) {
      throw AirlockException.usage("--key: no such file: " + key);
    }
    return new CosignFlags(key, certificateIdentity, certificateIdentityRegexp, certificateOidcIssuer,
        certificateOidcIssuerRegexp, insecureIgnoreTlog, useSignedTimestamps, insecureIgnoreSct, githubWorkflow());
  }

  /** The {@code --certificate-github-workflow-*} values by Fulcio extension OID; empty values are no requirement, as in cosign. */
  private Map<String, String> githubWorkflow() {
    Map<String, String> m = new LinkedHashMap<>();
    String[] values = {githubWorkflowTrigger, githubWorkflowSha, githubWorkflowName, githubWorkflowRepository,
        githubWorkflowRef};
    int i = 0;
    for (String oid : CosignFlags.GITHUB_WORKFLOW_FLAGS.values()) {
      String v = values[i++];
      if (v != null && !v.isEmpty()) {
        m.put(oid, v);
      }
    }
    return m;
  }

  private void refuseNetwork(picocli.CommandLine.ParseResult parsed) {
    if (network.isEmpty()) {
      return;
    }
    String name = "a network flag";
    for (String n : List.of("--rekor-url", "--fulcio-url", "--ct-log-url", "--timestamp-server-url", "--tuf-mirror",
        "--oidc-issuer", "--registry-username", "--registry-password", "--registry-token")) {
      if (parsed != null && parsed.originalArgs().stream().anyMatch(a -> a.equals(n) || a.startsWith(n + "="))) {
        name = n;
        break;
      }
    }
    throw AirlockException.usage(name + ": airlock is offline and never contacts a Rekor, Fulcio, CT log,"
        + " timestamp authority or registry; trust and transparency-log checkpoints arrive on media"
        + " ('airlock import', 'airlock checkpoint import')");
  }
}
