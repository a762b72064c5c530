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

  @Option(names = "--force", description = "Replace an existing output file.")
  boolean force;

  @Override
  protected ExitCode execute() throws Exception {
    ImageExporter.Format f = format == Format.oci ? ImageExporter.Format.OCI : ImageExporter.Format.DOCKER_ARCHIVE;
    checkOutput();
    ExportService.Result r;
    try {
      r = ExportService.export(home(), image, output, f, auditContext());
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      java.io.IOException io = e instanceof java.io.UncheckedIOException u ? u.getCause() : (java.io.IOException) e;
      throw cannotWrite(io);
    }
    emit(r.document(), "exported " + r.decision().image().digest() + " as " + (r.document().references().isEmpty()
        ? "(no name: exported by digest)" : r.document().references().get(0)) + " to " + output
        + " (" + r.document().format() + ")");
    return ExitCode.OK;
  }

  /**
   * The output must be a new (or, with {@code --force}, an existing regular) file in a writable
   * folder: a device, a FIFO or a folder is never written to, and an existing archive is not
   * silently replaced. Checked before anything is decided, so a typo costs no audit event.
   */
  private void checkOutput() {
    java.nio.file.Path abs = output.toAbsolutePath().normalize();
    if (java.nio.file.Files.exists(abs)) {
      if (!java.nio.file.Files.isRegularFile(abs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw dev.airlock.core.AirlockException.cannotDecide(dev.airlock.core.Reason.STATE_WRITE_FAILED,
            "cannot write " + output + ": it is not a regular file (a folder, device, FIFO or link);"
                + " name a new file with -o");
      }
      if (!force) {
        throw dev.airlock.core.AirlockException.usage("-o " + output + ": the file exists; pass --force to replace it");
      }
    }
    java.nio.file.Path parent = abs.getParent();
    if (parent != null && java.nio.file.Files.exists(parent) && !java.nio.file.Files.isDirectory(parent)) {
      throw dev.airlock.core.AirlockException.cannotDecide(dev.airlock.core.Reason.STATE_WRITE_FAILED,
          "cannot write " + output + ": " + parent + " is not a folder");
    }
  }

  /** An I/O failure of the output as a plain message (exit 3): no exception class names. */
  private dev.airlock.core.AirlockException cannotWrite(java.io.IOException e) {
    String why;
    if (e instanceof java.nio.file.AccessDeniedException) {
      why = "permission denied (or a read-only file system)";
    } else if (e instanceof java.nio.file.NoSuchFileException) {
      why = "the folder does not exist or cannot hold files";
    } else if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
      why = fs.getReason().toLowerCase(java.util.Locale.ROOT);
    } else if (e.getMessage() != null && !e.getMessage().isBlank()) {
      why = e.getMessage();
    } else {
      why = "input/output error";
    }
    return dev.airlock.core.AirlockException.cannotDecide(dev.airlock.core.Reason.STATE_WRITE_FAILED,
        "cannot write " + output + ": " + why + "; nothing was exported");
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
