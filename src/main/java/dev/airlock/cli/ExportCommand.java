package dev.airlock.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = {
      "Write an admitted image as an OCI archive or docker-archive tarball, re-verifying every",
      "blob against its digest while writing. Denied images are never exported."
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
  protected ExitCode execute() {
    throw notImplemented("export");
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
