package dev.airlock.cli;

import dev.airlock.publish.Packer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "pack", mixinStandardHelpOptions = true,
    description = {
      "Make one medium (DESIGN.md section 2) from local files: a folder, or",
      "MEDIUM.tar / .tar.gz / .tar.zst. An archive holds tuf/ first, then",
      "checkpoints/, then images/, then inventory.json. Every input is checked",
      "first (TUF repository verified by airlock's TUF client, every image blob",
      "present with its digest); a refused input writes nothing. Prints the",
      "inventory (--json: the inventory.json document)."
    })
final class PackCommand extends BaseCommand {
  @Option(names = {"-o", "--output"}, paramLabel = "MEDIUM", required = true,
      description = "The medium to write (must not exist): a folder, or a name ending in .tar, .tar.gz or .tar.zst.")
  Path output;

  @Option(names = "--tuf", paramLabel = "DIR", description = "A TUF repository ('airlock repo' writes one).")
  Path tuf;

  @Option(names = "--checkpoints", paramLabel = "FILE", arity = "1..*",
      description = "Checkpoints (signed notes), proof files ({origin, oldSize, newSize, hashes}), and saved Rekor "
          + "responses: GET /api/v1/log (log info) and GET /api/v1/log/proof (needs --from-size).")
  List<Path> checkpoints = new ArrayList<>();

  @Option(names = "--images", paramLabel = "LAYOUT|ARCHIVE", arity = "1..*",
      description = "OCI layouts (skopeo copy oci:, cosign save, oras), oci-archives and docker-archives "
          + "(repacked into OCI layouts with the same manifest digest).")
  List<Path> images = new ArrayList<>();

  @Option(names = "--origin", paramLabel = "ORIGIN",
      description = "Checkpoint origin of a Rekor proof response (default: that of the log info it ends in).")
  String origin;

  @Option(names = "--from-size", paramLabel = "N",
      description = "Tree size a Rekor proof response starts from (see 'airlock checkpoint request').")
  Long fromSize;

  @Option(names = "--request", paramLabel = "FILE",
      description = "The appliance's 'airlock checkpoint request' file: Rekor proof responses start at the size it "
          + "holds, and every checkpoint must be provable from that size (else nothing is written).")
  Path request;

  @Option(names = "--to-size", paramLabel = "N",
      description = "Tree size a Rekor proof response ends at, when its log info is not given.")
  Long toSize;

  @Override
  protected ExitCode execute() {
    Packer.Result r = Packer.pack(new Packer.Spec(output, tuf, checkpoints, images, origin, fromSize, toSize, request),
        systemClock().instant());
    emit(r.inventory(), Packer.table(r));
    return ExitCode.OK;
  }
}
