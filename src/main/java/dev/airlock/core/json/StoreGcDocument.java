package dev.airlock.core.json;

import java.util.List;

/**
 * What {@code store gc --json} prints ({@code application/vnd.airlock.store-gc.v1+json}): blobs
 * removed and their bytes, blobs kept, temporary files removed, and every removed blob's digest.
 */
public record StoreGcDocument(int removedBlobs, long removedBytes, int keptBlobs, int temporaryFiles,
    List<String> removed) implements Document {
  public static final String MEDIA_TYPE = "application/vnd.airlock.store-gc.v1+json";

  public StoreGcDocument {
    removed = List.copyOf(removed);
  }
}
