package dev.airlock.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.audit.AuditEvent;
import dev.airlock.audit.AuditLog;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Database;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.store.BlobStore;
import dev.airlock.store.ImageExporter;
import dev.airlock.store.ImageStore;
import dev.airlock.store.StoredImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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
  protected ExitCode execute() throws Exception {
    Database db = Database.open(home());
    Instant now = systemClock().instant();
    Optional<StoredImage> found = db.transaction(tx -> ImageStore.find(tx, image));
    if (found.isEmpty()) {
      refuse(db, now, Reason.IMAGE_NOT_STORED, image + ": image not stored");
    }
    StoredImage s = found.get();
    if (!s.admitted()) {
      refuse(db, now, Reason.IMAGE_NOT_ADMITTED, image + " (" + s.digest() + "): decision is "
          + s.decision().orElse("none") + "; only admitted images are exported");
    }
    ImageExporter.Format f = format == Format.oci ? ImageExporter.Format.OCI : ImageExporter.Format.DOCKER_ARCHIVE;
    Path temp = ImageExporter.prepare(BlobStore.at(home()), s, output, f, Limits.defaults());
    ObjectNode detail = JsonNodeFactory.instance.objectNode();
    detail.put("digest", s.digest().toString());
    detail.put("format", format == Format.oci ? "oci" : "docker-archive");
    detail.put("output", output.toAbsolutePath().toString());
    detail.put("blobs", s.blobs().size());
    try {
      // The event and the rename go together: if the audit append fails, no archive appears.
      db.transaction(tx -> {
        AuditLog.append(tx, event(now, s.digest().toString(), "ok", List.of(), detail));
        ImageExporter.commit(temp, output);
        return null;
      });
    } finally {
      Files.deleteIfExists(temp);
    }
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.put("mediaType", "application/vnd.airlock.export.v1+json");
    doc.setAll(detail);
    doc.set("references", JsonNodeFactory.instance.arrayNode().addAll(
        s.references().stream().map(JsonNodeFactory.instance::textNode).toList()));
    emit(doc, "exported " + s.digest() + " to " + output + " (" + detail.get("format").asText() + ")");
    return ExitCode.OK;
  }

  private void refuse(Database db, Instant now, Reason reason, String message) {
    ObjectNode detail = JsonNodeFactory.instance.objectNode();
    detail.put("image", image);
    detail.put("output", output.toAbsolutePath().toString());
    db.transaction(tx -> AuditLog.append(tx, event(now, image, "refused", List.of(reason.name()), detail)));
    throw AirlockException.denied(reason, message);
  }

  private AuditEvent event(Instant now, String subject, String outcome, List<String> reasons, ObjectNode detail) {
    String host = root().env().getOrDefault("HOSTNAME", "localhost");
    return new AuditEvent(now, operator(), host, commandName(), "export", subject, outcome, reasons, detail);
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
