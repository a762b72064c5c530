package dev.airlock.core.json;

import java.util.List;

/**
 * What {@code export --json} prints ({@code application/vnd.airlock.export.v1+json}): the image
 * released, the archive's format and path, how many blobs, the policy digest it was admitted
 * under (null as JSON null) and the references written into the archive (empty when exported by
 * digest). Every field is always written, in this order.
 */
public record ExportDocument(String digest, String reference, String format, String output, int blobs,
    String policy, List<String> references) implements Document {
  public static final String MEDIA_TYPE = "application/vnd.airlock.export.v1+json";

  public ExportDocument {
    references = List.copyOf(references);
  }
}
