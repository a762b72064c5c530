package dev.airlock.cli;

import dev.airlock.appliance.CosignFlags;
import dev.airlock.appliance.Decisions;
import dev.airlock.appliance.VerifiedMaterial;
import dev.airlock.appliance.VerifyService;
import dev.airlock.core.Reason;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code verify-attestation IMAGE --type TYPE}: cosign's command, decided exactly as {@code verify}
 * (the same {@link Decisions#decide} call: the installed policy decides admission, cosign's flags
 * add a requirement). On stdout, each verified DSSE envelope of that predicate type whose in-toto
 * subject names the image digest, one per line, as cosign prints them. An admitted image with no such
 * attestation fails as cosign fails ("none of the attestations matched the predicate type"): exit 1.
 */
@Command(name = "verify-attestation", mixinStandardHelpOptions = true,
    description = {
      "cosign's verify-attestation: decide stored images as 'verify' does, then print each verified",
      "attestation (DSSE envelope) of --type on stdout, one per line; human text on stderr. Exit codes",
      "as verify; 1 also when the image is admitted but carries no verified attestation of the type."
    })
final class VerifyAttestationCommand extends CosignVerifyCommand {
  /** cosign's short predicate names (cosign options/predicate.go); anything else is a predicate type URI. */
  static final Map<String, String> SHORT_NAMES = Map.of(
      "custom", "https://cosign.sigstore.dev/attestation/v1",
      "slsaprovenance", "https://slsa.dev/provenance/v0.2",
      "slsaprovenance02", "https://slsa.dev/provenance/v0.2",
      "slsaprovenance1", "https://slsa.dev/provenance/v1",
      "link", "https://in-toto.io/Link/v1",
      "spdx", "https://spdx.dev/Document",
      "spdxjson", "https://spdx.dev/Document",
      "cyclonedx", "https://cyclonedx.org/bom",
      "vuln", "https://cosign.sigstore.dev/attestation/vuln/v1",
      "openvex", "https://openvex.dev/ns");

  @Option(names = "--type", paramLabel = "TYPE", defaultValue = "custom",
      description = "Predicate type: a URI, or one of cosign's names (slsaprovenance, slsaprovenance1, spdx, spdxjson, cyclonedx, vuln, openvex, link, custom; default custom).")
  String type;

  @Override
  protected String format() {
    return json() ? "verdict" : "text";
  }

  String predicateType() {
    String t = type == null ? "custom" : type;
    return SHORT_NAMES.getOrDefault(t.toLowerCase(Locale.ROOT), t);
  }

  private List<VerifiedMaterial.Item> found;

  @Override
  protected void render(String image, Decisions.Request request, VerifyService.Result r, String format) {
    if (format.equals("text")) {
      for (VerifiedMaterial.Item it : found) {
        out().println(CosignOutput.envelope(it));
      }
    }
  }

  @Override
  protected String human(String image, VerifyService.Result r) {
    CosignFlags flags = cosign.flags(spec == null ? null : spec.commandLine().getParseResult());
    found = VerifiedMaterial.attestations(home(), new Decisions.Request(image, flags, null), r.decision(),
        auditContext(), predicateType());
    String h = VerifyCommand.human(image, r, "The following checks were performed on each of these signatures:");
    if (r.decision().admitted()) {
      h += found.isEmpty()
          ? "No verified attestation of type " + predicateType() + " (" + Reason.ATTESTATION_MISSING + ")\n"
          : found.size() + " verified attestation(s) of type " + predicateType() + "\n";
    }
    return h;
  }

  @Override
  protected ExitCode code(VerifyService.Result r) {
    return r.decision().admitted() && !found.isEmpty() ? ExitCode.OK : ExitCode.DENIED;
  }
}
