package dev.airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.audit.AuditLog;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Database;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.policy.Authority;
import dev.airlock.policy.IdentityMatcher;
import dev.airlock.policy.ImageMatch;
import dev.airlock.policy.Policy;
import dev.airlock.policy.Rule;
import dev.airlock.store.BlobStore;
import dev.airlock.store.ImageStore;
import dev.airlock.store.StoredImage;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustStore;
import dev.airlock.trust.ValidityWindow;
import dev.airlock.verify.Check;
import dev.airlock.verify.SignatureVerdict;
import dev.airlock.verify.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    boolean cosignFlags = key != null || certificateIdentity != null || certificateIdentityRegexp != null
        || certificateOidcIssuer != null || certificateOidcIssuerRegexp != null;
    if (cosignFlags && policy != null) {
      throw AirlockException.usage("give either --policy or cosign's flags (--key, --certificate-identity, ...), not both");
    }
    PolicyChoice override = policy != null ? PolicyChoice.fromFile(policy) : cosignFlags ? adHoc() : null;
    ImageDecisions.Flags flags = new ImageDecisions.Flags(insecureIgnoreTlog, useSignedTimestamps);
    Database db = Database.open(home());
    BlobStore blobs = BlobStore.at(home());
    Result r = db.transaction(tx -> {
      Database.TrustedTime time = trustedTime(tx);
      Optional<StoredImage> stored = ImageStore.find(tx, image);
      if (stored.isEmpty()) {
        Verdict v = Verdict.builder().subject(image, null).decision(Verdict.Decision.DENY)
            .time(time.now(), time.clockBehind() ? "verified-high-water-mark" : "system")
            .check(Check.fail("image.stored", Reason.IMAGE_NOT_STORED, "an imported image", image))
            .build();
        AuditLog.append(tx, auditEvent(time, "verify", image, "deny", List.of(Reason.IMAGE_NOT_STORED.name()),
            v.toJson()));
        return new Result(v, null, false, null);
      }
      TrustSnapshot snapshot = TrustStore.current(tx).orElseThrow(() -> AirlockException.cannotDecide(
          Reason.TRUST_NOT_INSTALLED, "no trust is installed; import a medium with a TUF repository"));
      PolicyChoice choice = override != null ? override : PolicyChoice.installed(tx);
      if (choice == null) {
        throw AirlockException.cannotDecide(Reason.POLICY_NOT_INSTALLED,
            "no policy is installed; run 'airlock policy set FILE', or pass --policy or cosign's flags");
      }
      StoredImage img = stored.get();
      Verdict v = ImportCommand.decide(tx, img, snapshot, choice, time, image, flags, blobs);
      ObjectNode vj = v.toJson();
      // the note is about the stored decision: only the installed policy re-decides it
      String reevaluated = override == null ? reevaluated(img, vj) : null;
      if (override == null && !insecureIgnoreTlog && !useSignedTimestamps) {
        // the installed policy and trust decide what export may release
        ImageStore.setDecision(tx, img.digest(), v.decision().json(), vj.toString(), time.now());
      }
      if (reevaluated != null) {
        vj.put("reevaluated", reevaluated);
      }
      AuditLog.append(tx, auditEvent(time, "verify", img.digest() + " " + image, v.decision().json(),
          ImportCommand.reasonNames(v), vj));
      return new Result(v, vj, true, reevaluated);
    });
    emit(r.json != null ? r.json : r.verdict.toJson(), human(r));
    return r.verdict.admitted() ? ExitCode.OK : ExitCode.DENIED;
  }

  private record Result(Verdict verdict, ObjectNode json, boolean stored, String reevaluated) {}

  /** Says when the stored decision was made under another policy or trust snapshot. */
  private static String reevaluated(StoredImage img, ObjectNode now) {
    if (img.verdictJson().isEmpty()) {
      return null;
    }
    JsonNode before = Json.parse(img.verdictJson().get().getBytes(StandardCharsets.UTF_8), "stored verdict");
    String pb = before.path("policy").path("digest").asText("");
    String pn = now.path("policy").path("digest").asText("");
    String tb = before.path("trust").path("trustedRoot").asText("");
    String tn = now.path("trust").path("trustedRoot").asText("");
    if (pb.equals(pn) && tb.equals(tn)) {
      return null;
    }
    StringBuilder why = new StringBuilder("the stored decision '" + before.path("decision").asText() + "' of "
        + img.decidedAt().map(Object::toString).orElse("import") + " was made under ");
    why.append(!pb.equals(pn) ? "another policy" : "");
    why.append(!pb.equals(pn) && !tb.equals(tn) ? " and " : "");
    why.append(!tb.equals(tn) ? "another trust snapshot" : "");
    why.append("; re-evaluated under the current state");
    return why.toString();
  }

  /** cosign's flags as a one-authority rule for every image, applied as cosign applies them. */
  private PolicyChoice adHoc() {
    Authority a;
    if (key != null) {
      if (certificateIdentity != null || certificateIdentityRegexp != null) {
        throw AirlockException.usage("--key and --certificate-identity exclude each other");
      }
      a = new Authority.Key("cosign-flags", null, key.toAbsolutePath().normalize(), ValidityWindow.ALWAYS);
    } else {
      IdentityMatcher id = one(certificateIdentity, certificateIdentityRegexp, "--certificate-identity");
      IdentityMatcher iss = one(certificateOidcIssuer, certificateOidcIssuerRegexp, "--certificate-oidc-issuer");
      a = new Authority.Keyless("cosign-flags", iss, id);
    }
    String description = "cosign flags: key=" + key + " identity=" + certificateIdentity + " identityRegexp="
        + certificateIdentityRegexp + " issuer=" + certificateOidcIssuer + " issuerRegexp="
        + certificateOidcIssuerRegexp;
    Rule rule = new Rule(ImageMatch.parse("**"), 1, List.of("cosign-flags"), List.of(), null);
    // cosign verifies tags as given (no mutable-tag rule) and needs one valid signature
    Policy p = new Policy("cosign-flags", PolicyChoice.digest(description.getBytes(StandardCharsets.UTF_8)),
        Policy.Mode.ENFORCE, false, Policy.NoMatch.DENY, Map.of("cosign-flags", a), List.of(rule), false, 0);
    return new PolicyChoice(p, "command-line flags");
  }

  private static IdentityMatcher one(String exact, String regexp, String flag) {
    if ((exact == null) == (regexp == null)) {
      throw AirlockException.usage("keyless verification needs exactly one of " + flag + " or " + flag + "-regexp"
          + " (and both an identity and an issuer), as cosign does");
    }
    try {
      return exact != null ? IdentityMatcher.exact(exact) : IdentityMatcher.regexp(regexp);
    } catch (IllegalArgumentException e) {
      throw AirlockException.usage(flag + ": " + e.getMessage());
    }
  }

  private String human(Result r) {
    Verdict v = r.verdict;
    StringBuilder sb = new StringBuilder();
    sb.append("Verification for ").append(image).append(" --\n");
    if (!r.stored) {
      sb.append("Decision: deny (").append(Reason.IMAGE_NOT_STORED).append(": not in the appliance's store;")
          .append(" import it first)\n");
      return sb.toString();
    }
    if (r.reevaluated != null) {
      sb.append("Note: ").append(r.reevaluated).append(".\n");
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
      sb.append(" (").append(String.join(", ", ImportCommand.reasonNames(v))).append(')');
    }
    if (!v.warnings().isEmpty()) {
      sb.append("\nWarnings: ").append(String.join(", ", v.warnings()));
    }
    return sb.append('\n').toString();
  }
}
