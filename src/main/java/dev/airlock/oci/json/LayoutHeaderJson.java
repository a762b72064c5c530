package dev.airlock.oci.json;

/** The {@code oci-layout} file (image-layout.md). */
public final class LayoutHeaderJson {
  public String imageLayoutVersion;
}
