package dev.airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.appliance.CosignFlags;
import dev.airlock.appliance.Decisions;
import dev.airlock.appliance.PolicyChoice;
import dev.airlock.appliance.VerifyService;
import dev.airlock.core.Reason;
import dev.airlock.policy.Policy;
import dev.airlock.verify.SignatureVerdict;
import dev.airlock.verify.Verdict;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {
      "Decide one stored image (repo:tag, repo@sha256:..., or sha256:...) now, under the installed",
      "trust and policy. cosign's flags add a requirement: a signature must also satisfy them (they",
      "decide alone only on an appliance with no installed policy). --policy FILE is a what-if:",
      "the verdict is printed and audited, nothing is stored. Exit 0 admitted, 1 denied, 3 cannot",
      "decide (no or expired trust, no policy)."
    })
final class VerifyCommand extends BaseCommand {
  @Parameters(paramLabel = "IMAGE", description = "Image reference or digest.")
  String image;

  @Option(names = "--policy", paramLabel = "FILE", description = "What-if: decide under this policy file instead; nothing is stored.")
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
    CosignFlags flags = new CosignFlags(key, certificateIdentity, certificateIdentityRegexp, certificateOidcIssuer,
        certificateOidcIssuerRegexp, insecureIgnoreTlog, useSignedTimestamps);
    PolicyChoice whatIf = policy != null ? PolicyChoice.fromFile(policy) : null;
    VerifyService.Result r = VerifyService.verify(home(), new Decisions.Request(image, flags, whatIf), auditContext());
    emit(r.document(), human(r));
    return r.decision().admitted() ? ExitCode.OK : ExitCode.DENIED;
  }

  private String human(VerifyService.Result r) {
    Verdict v = r.decision().verdict();
    StringBuilder sb = new StringBuilder();
    sb.append("Verification for ").append(image).append(" --\n");
    if (!r.decision().stored()) {
      sb.append("Decision: deny (").append(Reason.IMAGE_NOT_STORED).append(": not in the appliance's store;")
          .append(" import it first)\n");
      return sb.toString();
    }
    if (r.note() != null) {
      sb.append("Note: ").append(r.note()).append(".\n");
    }
    List<SignatureVerdict> valid = v.signatures().stream().filter(SignatureVerdict::valid).toList();
    if (!valid.isEmpty()) {
      sb.append("The following checks were performed on each of these signatures:\n");
      sb.append("  - The signature was verified offline against the appliance's trusted roots and keys\n");
      sb.append("  - The signed digest is the image's digest (").append(v.digest()).append(")\n");
      sb.append("  - Existence in the transparency log was verified offline (inclusion proof or signed entry timestamp)\n");
      sb.append("  - Certificates were verified at the signing time against trusted certificate authorities\n");
      for (SignatureVerdict s : valid) {
        sb.append("  * ").append(s.authority() == null ? "-" : s.authority()).append(": ").append(s.kind());
        if (s.identity() != null) {
          sb.append(" ").append(s.identity());
        }
        if (s.issuer() != null) {
          sb.append(" (").append(s.issuer()).append(")");
        }
        if (s.signedAt() != null) {
          sb.append(", signed ").append(s.signedAt()).append(" [").append(s.timeSource()).append("]");
        }
        sb.append('\n');
      }
    }
    JsonNode j = v.toJson();
    sb.append("Policy: ").append(j.path("policy").path("name").asText("-")).append(" ")
        .append(j.path("policy").path("digest").asText("")).append('\n');
    for (JsonNode c : j.path("checks")) {
      if (!"pass".equals(c.path("outcome").asText())) {
        boolean informational = "AUTHORITY_NOT_SATISFIED".equals(c.path("reason").asText());
        sb.append("  ").append(informational ? "not satisfied" : c.path("outcome").asText()).append(' ')
            .append(c.path("id").asText());
        if (c.has("reason") && !informational) {
          sb.append(": ").append(c.path("reason").asText());
        }
        if (c.has("detail")) {
          sb.append(" (").append(c.path("detail").asText()).append(')');
        }
        if (c.has("expected")) {
          sb.append(" expected ").append(c.path("expected").asText()).append(", got ").append(c.path("actual").asText());
        }
        sb.append('\n');
      }
    }
    sb.append("Decision: ").append(v.decision().json());
    if (!v.reasons().isEmpty()) {
      sb.append(" (").append(String.join(", ", Decisions.reasonNames(v))).append(')');
    }
    if (!v.warnings().isEmpty()) {
      sb.append("\nWarnings: ").append(String.join(", ", v.warnings()));
    }
    return sb.append('\n').toString();
  }
}
