package dev.airlock.lab.oci;

import dev.airlock.oci.Descriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Writes docker-archive folders as {@code docker save} does (legacy, Docker <= 24, and hybrid). */
public final class DockerArchiveWriter {
  private DockerArchiveWriter() {}

  /** Legacy layout: {@code <id>/layer.tar}, {@code <id>.json} config, {@code manifest.json}. */
  public static void legacy(Path dir, List<String> repoTags, int layers, long seed) throws IOException {
    Random r = new Random(seed);
    Files.createDirectories(dir);
    StringBuilder layerList = new StringBuilder();
    for (int i = 0; i < layers; i++) {
      String id = Long.toHexString(r.nextLong()) + i;
      Files.createDirectories(dir.resolve(id));
      byte[] b = new byte[3000 + i];
      r.nextBytes(b);
      Files.write(dir.resolve(id).resolve("layer.tar"), b);
      Files.writeString(dir.resolve(id).resolve("VERSION"), "1.0");
      layerList.append(i == 0 ? "" : ",").append("\"").append(id).append("/layer.tar\"");
    }
    String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"nonce\":" + r.nextLong() + "}";
    String configName = Long.toHexString(r.nextLong()) + ".json";
    Files.writeString(dir.resolve(configName), config);
    StringBuilder tags = new StringBuilder();
    for (int i = 0; i < repoTags.size(); i++) {
      tags.append(i == 0 ? "" : ",").append("\"").append(repoTags.get(i)).append("\"");
    }
    Files.writeString(dir.resolve("manifest.json"), "[{\"Config\":\"" + configName + "\",\"RepoTags\":[" + tags
        + "],\"Layers\":[" + layerList + "]}]", StandardCharsets.UTF_8);
  }

  /** Docker >= 25 hybrid: an OCI layout whose index.json has no names, plus manifest.json. */
  public static Descriptor hybrid(Path dir, String repoTag, long seed) throws IOException {
    OciLayoutWriter w = new OciLayoutWriter(dir, seed);
    Descriptor m = w.image(2, 2048);
    w.list(m, java.util.Map.of()).writeIndex();
    byte[] manifest = Files.readAllBytes(w.blobPath(m.digest()));
    var node = dev.airlock.core.Json.parse(manifest, "m");
    String config = node.path("config").path("digest").asText().substring("sha256:".length());
    StringBuilder layers = new StringBuilder();
    for (var l : node.path("layers")) {
      layers.append(layers.length() == 0 ? "" : ",").append("\"blobs/sha256/")
          .append(l.path("digest").asText().substring("sha256:".length())).append("\"");
    }
    Files.writeString(dir.resolve("manifest.json"), "[{\"Config\":\"blobs/sha256/" + config + "\",\"RepoTags\":[\""
        + repoTag + "\"],\"Layers\":[" + layers + "]}]");
    return m;
  }
}
