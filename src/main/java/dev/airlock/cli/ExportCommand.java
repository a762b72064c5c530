package dev.airlock.cli;

import dev.airlock.appliance.ExportService;
import dev.airlock.store.ImageExporter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = {
      "Write an image as an OCI archive or docker-archive tarball if it is admitted now: it is",
      "decided again under the installed trust and policy (a stored decision is never enough), every",
      "blob is re-verified against its digest while writing, and only the reference asked for is",
      "written into the archive. Denied images are never exported."
    })
final class ExportCommand extends BaseCommand {
  /** Archive formats. */
  enum Format { oci, docker_archive }

  @Parameters(paramLabel = "IMAGE", description = "Image reference or digest.")
  String image;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "Output archive.")
  Path output;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "oci",
      converter = ExportFormatConverter.class,
      description = "oci (default) or docker-archive.")
  Format format;

  @Override
  protected ExitCode execute() throws Exception {
    ImageExporter.Format f = format == Format.oci ? ImageExporter.Format.OCI : ImageExporter.Format.DOCKER_ARCHIVE;
    ExportService.Result r = ExportService.export(home(), image, output, f, auditContext());
    emit(r.document(), "exported " + r.decision().image().digest() + " as " + (r.document().path("references").isEmpty()
        ? "(no name: exported by digest)" : r.document().path("references").get(0).asText()) + " to " + output
        + " (" + r.document().path("format").asText() + ")");
    return ExitCode.OK;
  }

  static final class ExportFormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      return switch (value) {
        case "oci" -> Format.oci;
        case "docker-archive" -> Format.docker_archive;
        default -> throw new picocli.CommandLine.TypeConversionException(
            "expected oci or docker-archive, got '" + value + "'");
      };
    }
  }
}
