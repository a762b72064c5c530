package dev.airlock.cli;

import dev.airlock.appliance.CosignFlags;
import dev.airlock.appliance.Decisions;
import dev.airlock.appliance.PolicyChoice;
import dev.airlock.appliance.StateViews;
import dev.airlock.appliance.VerifyService;
import dev.airlock.core.AirlockException;
import dev.airlock.core.json.Document;
import dev.airlock.core.json.Documents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code verify} and {@code verify-attestation}: cosign's command lines, each image decided by one
 * {@link VerifyService#verify} call (the one decision path, DESIGN.md 6b). Human text goes to
 * stderr, what cosign prints to stdout; with several images the exit code is the highest of the
 * per-image codes (DESIGN.md 4).
 */
abstract class CosignVerifyCommand extends BaseCommand {
  @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image references or digests.")
  List<String> images = new ArrayList<>();

  @Option(names = "--policy", paramLabel = "FILE", description = "What-if: decide under this policy file instead; nothing is stored.")
  Path policy;

  @Mixin CosignOptions cosign;

  /** {@code json}, {@code text} or {@code verdict}. */
  protected abstract String format();

  /** Prints what cosign prints on stdout for one decided image (nothing for {@code verdict}). */
  protected abstract void render(String image, Decisions.Request request, VerifyService.Result r, String format);

  /** The human report of one decision (stderr). */
  protected abstract String human(String image, VerifyService.Result r);

  /** The exit code of one decision. */
  protected abstract ExitCode code(VerifyService.Result r);

  @Override
  protected ExitCode execute() {
    String format = format();
    CosignFlags flags = cosign.flags(spec == null ? null : spec.commandLine().getParseResult());
    if (policy != null && !java.nio.file.Files.isRegularFile(policy)) {
      throw AirlockException.usage("--policy: no such file: " + policy);
    }
    PolicyChoice whatIf = policy != null ? PolicyChoice.fromFile(policy) : null;
    if (!cosign.checkClaims) {
      info("airlock: note: --check-claims=false is accepted for cosign compatibility; airlock always checks"
          + " that the signed payload names the image digest");
    }
    ExitCode worst = ExitCode.OK;
    List<Document> verdicts = new ArrayList<>();
    // one database open for the whole command, not one per unit of work (issue 17, cold start)
    try (StateViews.Kept kept = StateViews.keepOpen(home())) {
      for (String image : images) {
        Decisions.Request request = new Decisions.Request(image, flags, whatIf);
        ExitCode code;
        try {
          VerifyService.Result r = VerifyService.verify(home(), request, auditContext());
          String human = human(image, r); // before code(): verify-attestation's code depends on what it found
          code = code(r);
          if (!quiet() || code != ExitCode.OK) {
            // --quiet keeps the reasons of a denial: they are what the caller must act on
            err().print(human);
            err().flush();
          }
          if (format.equals("verdict")) {
            verdicts.add(r.document());
          }
          render(image, request, r, format);
        } catch (AirlockException e) {
          if (images.size() == 1 || e.kind() == AirlockException.Kind.USAGE) {
            throw e; // one image: the error is the command's (one error document with --json)
          }
          code = ExitCode.of(e.kind());
          note("airlock: " + image + ": " + e.getMessage());
          if (format.equals("verdict")) {
            verdicts.add(Main.errorDocument(code, e.reason(), image + ": " + e.getMessage()));
          }
        }
        if (code.code() > worst.code()) {
          worst = code;
        }
      }
    }
    if (format.equals("verdict")) {
      // one JSON document: the verdict itself for one image, an array of them for several
      out().println(images.size() == 1 ? Documents.write(verdicts.get(0)) : Documents.writeArray(verdicts));
    }
    out().flush();
    return worst;
  }
}
