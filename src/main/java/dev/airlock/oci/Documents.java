package dev.airlock.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.oci.json.DescriptorJson;
import dev.airlock.oci.json.DockerManifestEntryJson;
import dev.airlock.oci.json.LayoutHeaderJson;
import dev.airlock.oci.json.ManifestJson;
import dev.airlock.oci.json.PlatformJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Translates the JSON wire forms of OCI/Docker documents into domain types, once, at the edge. */
public final class Documents {
  private Documents() {}

  static ManifestJson bindManifest(byte[] bytes, String what) {
    try {
      return Json.bind(bytes, ManifestJson.class, what);
    } catch (AirlockException e) {
      throw new OciException(Reason.MANIFEST_MALFORMED, e.getMessage());
    }
  }

  /** Reads the {@code oci-layout} header; only {@code imageLayoutVersion} 1.x is accepted. */
  public static String layoutVersion(byte[] bytes, String what) {
    LayoutHeaderJson h;
    try {
      h = Json.bind(bytes, LayoutHeaderJson.class, what);
    } catch (AirlockException e) {
      throw new OciException(Reason.LAYOUT_MALFORMED, e.getMessage());
    }
    if (h.imageLayoutVersion == null || !h.imageLayoutVersion.startsWith("1.")) {
      throw new OciException(Reason.LAYOUT_MALFORMED,
          what + ": imageLayoutVersion is '" + h.imageLayoutVersion + "', expected 1.x");
    }
    return h.imageLayoutVersion;
  }

  /** Parses a docker-archive {@code manifest.json}: a non-empty array of entries. */
  public static List<DockerArchiveEntry> dockerManifest(byte[] bytes, String what) {
    JsonNode node;
    try {
      node = Json.parse(bytes, what);
    } catch (AirlockException e) {
      throw new OciException(Reason.LAYOUT_MALFORMED, e.getMessage());
    }
    if (!node.isArray() || node.isEmpty()) {
      throw new OciException(Reason.LAYOUT_MALFORMED, what + ": expected a non-empty JSON array");
    }
    List<DockerArchiveEntry> out = new ArrayList<>();
    for (JsonNode n : node) {
      if (!n.isObject()) {
        // Jackson binds a JSON null to a null entry rather than failing (found by fuzzing)
        throw new OciException(Reason.LAYOUT_MALFORMED, what + ": an entry is " + n.getNodeType().name().toLowerCase(
            java.util.Locale.ROOT) + ", not an object");
      }
      DockerManifestEntryJson j;
      try {
        j = Json.mapper().treeToValue(n, DockerManifestEntryJson.class);
      } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
        throw new OciException(Reason.LAYOUT_MALFORMED, what + ": unexpected structure: " + e.getMessage());
      }
      if (j.config == null || j.layers == null) {
        throw new OciException(Reason.LAYOUT_MALFORMED, what + ": entry without Config or Layers");
      }
      out.add(new DockerArchiveEntry(j.config, j.repoTags == null ? List.of() : j.repoTags, j.layers));
    }
    return List.copyOf(out);
  }

  static Descriptor descriptor(DescriptorJson j, String what) {
    if (j == null) {
      throw new OciException(Reason.MANIFEST_MALFORMED, what + ": missing descriptor");
    }
    if (j.mediaType == null || j.mediaType.isBlank()) {
      throw new OciException(Reason.MANIFEST_MALFORMED, what + ": descriptor without mediaType");
    }
    if (j.size == null || j.size < 0) {
      throw new OciException(Reason.MANIFEST_MALFORMED, what + ": descriptor without a valid size");
    }
    Digest d;
    try {
      d = Digest.parse(j.digest);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new OciException(Reason.MANIFEST_MALFORMED, what + ": bad digest: " + e.getMessage());
    }
    Optional<Platform> platform = Optional.empty();
    PlatformJson p = j.platform;
    if (p != null) {
      if (p.os == null || p.architecture == null) {
        throw new OciException(Reason.MANIFEST_MALFORMED, what + ": platform without os or architecture");
      }
      platform = Optional.of(new Platform(p.os, p.architecture, p.variant, p.osVersion, p.osFeatures));
    }
    return new Descriptor(j.mediaType, d, j.size, j.annotations, platform, Optional.ofNullable(j.artifactType));
  }

  static List<Descriptor> descriptors(List<DescriptorJson> list, String what) {
    if (list == null) {
      return List.of();
    }
    List<Descriptor> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      out.add(descriptor(list.get(i), what + "[" + i + "]"));
    }
    return List.copyOf(out);
  }
}
