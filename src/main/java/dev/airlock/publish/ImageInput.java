package dev.airlock.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.media.DockerArchive;
import dev.airlock.oci.Annotations;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.Digest;
import dev.airlock.oci.MediaTypes;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * One {@code --images} input of {@code pack}, turned into a checked OCI image layout in a staging
 * folder: an OCI layout folder ({@code skopeo copy oci:}, {@code cosign save}, {@code oras}), an
 * oci-archive (a tar of one), or a docker-archive. Docker-archives are repacked into OCI layouts
 * (skopeo writes {@code <id>/layer.tar} as symbolic links, which the appliance refuses on media);
 * the image manifest is the same Docker schema 2 manifest the appliance synthesises for a
 * docker-archive ({@link DockerArchive#manifestBytes}), so its digest, and signatures made over it,
 * do not change.
 *
 * <p>Every blob reachable from {@code index.json} must be present with its size and digest; every
 * other blob in {@code blobs/} (e.g. cosign's unindexed referrer bundles) must hash to its name.
 * Anything else refuses the input, before the medium is written.
 */
final class ImageInput {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final int MAX_DEPTH = 8;

  private ImageInput() {}

  /** What an input held, for the inventory. */
  record Packed(String name, String source, String format, Path layout, ObjectNode inventory) {}

  static Packed stage(Path input, String name, Path staging) throws IOException {
    if (!Files.exists(input, LinkOption.NOFOLLOW_LINKS)) {
      throw AirlockException.usage(input + ": no such file or folder");
    }
    Path out = staging.resolve(name);
    String format;
    if (Files.isDirectory(input)) {
      if (!Files.isRegularFile(input.resolve("oci-layout"))) {
        if (Files.isRegularFile(input.resolve("manifest.json"))) {
          repackDocker(input, out, input.toString());
          format = "docker-archive folder (repacked as OCI layout)";
        } else {
          throw AirlockException.denied(Reason.LAYOUT_MALFORMED, input + ": neither an OCI layout (no oci-layout file) "
              + "nor a docker-archive");
        }
      } else {
        copyLayout(input, out, input.toString());
        format = "oci-layout";
      }
    } else {
      Path extracted = staging.resolve("." + name + ".extract");
      extract(input, extracted);
      if (Files.isRegularFile(extracted.resolve("oci-layout"))) {
        copyLayout(extracted, out, input.toString());
        format = "oci-archive";
      } else if (Files.isRegularFile(extracted.resolve("manifest.json"))) {
        repackDocker(extracted, out, input.toString());
        format = "docker-archive (repacked as OCI layout)";
      } else {
        throw AirlockException.denied(Reason.LAYOUT_MALFORMED, input + ": an archive with neither oci-layout nor "
            + "manifest.json");
      }
      Trees.delete(extracted);
    }
    return new Packed(name, input.toString(), format, out, inventory(out, input.toString()));
  }

  // ---- OCI layouts --------------------------------------------------------------------------------

  /** Copies a layout's top files and blobs, checking every blob's digest while copying. */
  private static void copyLayout(Path in, Path out, String label) throws IOException {
    Map<Digest, Long> present = new HashMap<>();
    Files.createDirectories(out);
    try (var s = Files.list(in)) {
      for (Path p : s.sorted().toList()) {
        String n = p.getFileName().toString();
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.copy(p, out.resolve(n));
        }
      }
    }
    Path blobs = in.resolve("blobs");
    if (Files.isDirectory(blobs, LinkOption.NOFOLLOW_LINKS)) {
      try (var algs = Files.list(blobs)) {
        for (Path alg : algs.sorted().toList()) {
          if (!Files.isDirectory(alg, LinkOption.NOFOLLOW_LINKS)) {
            continue;
          }
          try (var files = Files.list(alg)) {
            for (Path b : files.sorted().toList()) {
              Digest d = blobDigest(alg.getFileName().toString(), b.getFileName().toString(), label);
              if (d == null) {
                continue;
              }
              Path target = out.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
              Files.createDirectories(target.getParent());
              long size = copyChecked(b, target, d, label);
              present.put(d, size);
            }
          }
        }
      }
    }
    checkReachable(out, present, label);
  }

  private static Digest blobDigest(String alg, String hex, String label) {
    if (!alg.equals("sha256") && !alg.equals("sha512")) {
      return null; // other algorithms are unknown to the appliance too
    }
    try {
      return Digest.of(alg, hex);
    } catch (RuntimeException e) {
      throw AirlockException.denied(Reason.LAYOUT_MALFORMED, label + ": blobs/" + alg + "/" + hex
          + " is not named by a digest");
    }
  }

  private static long copyChecked(Path from, Path to, Digest d, String label) throws IOException {
    if (!Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
      throw AirlockException.denied(Reason.ARCHIVE_LINK, label + ": blobs/" + d.algorithm() + "/" + d.hex()
          + " is not a regular file");
    }
    MessageDigest md = Hashing.get(d.jcaName());
    long n = 0;
    try (InputStream in = Files.newInputStream(from); OutputStream o = Files.newOutputStream(to)) {
      byte[] buf = new byte[1 << 16];
      int r;
      while ((r = in.read(buf)) > 0) {
        md.update(buf, 0, r);
        o.write(buf, 0, r);
        n += r;
      }
    }
    if (!Hashing.hex(md.digest()).equals(d.hex())) {
      throw AirlockException.denied(Reason.BLOB_DIGEST_MISMATCH, label + ": blobs/" + d.algorithm() + "/" + d.hex()
          + " does not hash to its name");
    }
    return n;
  }

  /** Walks index.json: every manifest, index, config and layer must be present with its size. */
  private static void checkReachable(Path layout, Map<Digest, Long> present, String label) throws IOException {
    JsonNode index = readJson(layout.resolve("index.json"), label + "/index.json");
    Json.parse(Files.readAllBytes(requireFile(layout.resolve("oci-layout"), label)), label + "/oci-layout");
    walk(layout, index, present, label, "index.json", 0);
  }

  private static void walk(Path layout, JsonNode doc, Map<Digest, Long> present, String label, String where, int depth)
      throws IOException {
    if (depth > MAX_DEPTH) {
      throw AirlockException.denied(Reason.MANIFEST_MALFORMED, label + ": indexes nested deeper than " + MAX_DEPTH);
    }
    List<JsonNode> children = new ArrayList<>();
    doc.path("manifests").forEach(children::add);
    List<JsonNode> leaves = new ArrayList<>();
    if (doc.has("config")) {
      leaves.add(doc.get("config"));
    }
    doc.path("layers").forEach(leaves::add);
    for (JsonNode d : leaves) {
      check(d, present, label, where);
    }
    for (JsonNode d : children) {
      Digest digest = check(d, present, label, where);
      String mt = d.path("mediaType").asText("");
      if (mt.equals(MediaTypes.OCI_INDEX) || mt.equals(MediaTypes.DOCKER_MANIFEST_LIST)
          || mt.equals(MediaTypes.OCI_MANIFEST) || mt.equals(MediaTypes.DOCKER_MANIFEST)) {
        Path blob = layout.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
        walk(layout, readJson(blob, label + "/blobs/" + digest.algorithm() + "/" + digest.hex()), present, label,
            digest.toString(), depth + 1);
      }
    }
  }

  private static Digest check(JsonNode d, Map<Digest, Long> present, String label, String where) {
    Digest digest;
    try {
      digest = Digest.parse(d.path("digest").asText(""));
    } catch (RuntimeException e) {
      throw AirlockException.denied(Reason.MANIFEST_MALFORMED, label + ": " + where + " has a descriptor without a "
          + "valid digest");
    }
    Long size = present.get(digest);
    if (size == null) {
      throw AirlockException.denied(Reason.BLOB_MISSING, label + ": blob " + digest + " (named by " + where
          + ") is missing; nothing was written");
    }
    if (d.has("size") && d.get("size").asLong() != size) {
      throw AirlockException.denied(Reason.BLOB_SIZE_MISMATCH, label + ": blob " + digest + " has " + size
          + " bytes, " + where + " says " + d.get("size").asLong());
    }
    return digest;
  }

  private static Path requireFile(Path p, String label) {
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      throw AirlockException.denied(Reason.LAYOUT_MALFORMED, label + ": " + p.getFileName() + " is missing");
    }
    return p;
  }

  private static JsonNode readJson(Path p, String what) throws IOException {
    requireFile(p, what);
    return Json.parse(Files.readAllBytes(p), what);
  }

  // ---- archives -----------------------------------------------------------------------------------

  /**
   * Unpacks a (gzip-compressed or plain) tar: regular files and folders are written, symbolic and
   * hard links are recorded as files holding their target's bytes when the target is inside the
   * archive (skopeo's docker-archives), anything escaping the folder is refused.
   */
  private static void extract(Path archive, Path out) throws IOException {
    Files.createDirectories(out);
    Map<String, String> links = new LinkedHashMap<>();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive))) {
      raw.mark(4);
      byte[] head = raw.readNBytes(2);
      raw.reset();
      InputStream in = head.length == 2 && head[0] == 0x1f && head[1] == (byte) 0x8b
          ? new GzipCompressorInputStream(raw) : raw;
      try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
          String name = clean(e.getName(), archive);
          if (name.isEmpty()) {
            continue;
          }
          Path p = out.resolve(name).normalize();
          if (e.isDirectory()) {
            Files.createDirectories(p);
          } else if (e.isSymbolicLink() || e.isLink()) {
            String target = e.isSymbolicLink()
                ? resolveLink(name, e.getLinkName(), archive) : clean(e.getLinkName(), archive);
            links.put(name, target);
          } else if (e.isFile()) {
            Files.createDirectories(p.getParent());
            Files.copy(tar, p);
          } else {
            throw AirlockException.denied(Reason.ARCHIVE_SPECIAL_FILE, archive + ": " + name
                + " is neither a file, a folder nor a link");
          }
        }
      }
    }
    for (Map.Entry<String, String> l : links.entrySet()) {
      Path target = out.resolve(l.getValue()).normalize();
      int hops = 0;
      while (links.containsKey(out.relativize(target).toString()) && hops++ < 16) {
        target = out.resolve(links.get(out.relativize(target).toString())).normalize();
      }
      if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
        throw AirlockException.denied(Reason.ARCHIVE_LINK, archive + ": link " + l.getKey() + " -> " + l.getValue()
            + " does not lead to a file in the archive");
      }
      Path p = out.resolve(l.getKey());
      Files.createDirectories(p.getParent());
      Files.copy(target, p);
    }
  }

  private static String clean(String name, Path archive) {
    String n = name.startsWith("./") ? name.substring(2) : name;
    while (n.endsWith("/")) {
      n = n.substring(0, n.length() - 1);
    }
    if (n.startsWith("/") || n.contains("\\") || n.indexOf('\0') >= 0) {
      throw AirlockException.denied(Reason.ARCHIVE_PATH_ESCAPE, archive + ": entry '" + name + "' is not a relative path");
    }
    for (String part : n.split("/")) {
      if (part.equals("..")) {
        throw AirlockException.denied(Reason.ARCHIVE_PATH_ESCAPE, archive + ": entry '" + name + "' has a '..'");
      }
    }
    return n;
  }

  private static String resolveLink(String name, String target, Path archive) {
    if (target.startsWith("/")) {
      throw AirlockException.denied(Reason.ARCHIVE_LINK, archive + ": link " + name + " -> " + target + " is absolute");
    }
    int slash = name.lastIndexOf('/');
    String base = slash < 0 ? "" : name.substring(0, slash + 1);
    Path p = Path.of("/x/" + base + target).normalize();
    if (!p.startsWith("/x/")) {
      throw AirlockException.denied(Reason.ARCHIVE_LINK, archive + ": link " + name + " -> " + target
          + " leaves the archive");
    }
    return Path.of("/x").relativize(p).toString();
  }

  // ---- docker-archive repacking -------------------------------------------------------------------

  private static void repackDocker(Path in, Path out, String label) throws IOException {
    JsonNode manifest = readJson(in.resolve("manifest.json"), label + "/manifest.json");
    if (!manifest.isArray() || manifest.isEmpty()) {
      throw AirlockException.denied(Reason.LAYOUT_MALFORMED, label + "/manifest.json: not a non-empty array");
    }
    Path blobs = out.resolve("blobs").resolve("sha256");
    Files.createDirectories(blobs);
    ObjectNode index = F.objectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    for (JsonNode entry : manifest) {
      Descriptor config = addBlob(in, entry.path("Config").asText(""), MediaTypes.DOCKER_CONFIG, blobs, label);
      List<Descriptor> layers = new ArrayList<>();
      for (JsonNode l : entry.path("Layers")) {
        Path lp = inside(in, l.asText(), label);
        layers.add(addBlob(in, l.asText(), isGzip(lp) ? MediaTypes.DOCKER_LAYER_GZIP : MediaTypes.DOCKER_LAYER_TAR,
            blobs, label));
      }
      byte[] m = DockerArchive.manifestBytes(config, layers);
      String hex = Hashing.sha256Hex(m);
      Files.write(blobs.resolve(hex), m);
      List<String> tags = new ArrayList<>();
      entry.path("RepoTags").forEach(t -> tags.add(t.asText()));
      if (tags.isEmpty()) {
        tags.add(null);
      }
      for (String tag : tags) {
        ObjectNode d = manifests.addObject();
        d.put("mediaType", MediaTypes.DOCKER_MANIFEST).put("digest", "sha256:" + hex).put("size", m.length);
        if (tag != null) {
          ObjectNode a = d.putObject("annotations");
          a.put(Annotations.CONTAINERD_IMAGE_NAME, tag);
          int colon = tag.lastIndexOf(':');
          if (colon > tag.lastIndexOf('/')) {
            a.put(Annotations.REF_NAME, tag.substring(colon + 1));
          }
        }
      }
    }
    Files.writeString(out.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}", StandardCharsets.UTF_8);
    Files.writeString(out.resolve("index.json"), Json.write(index), StandardCharsets.UTF_8);
    // the layout now written is checked like any other
    Map<Digest, Long> present = new HashMap<>();
    try (var s = Files.list(blobs)) {
      for (Path b : s.toList()) {
        present.put(Digest.of("sha256", b.getFileName().toString()), Files.size(b));
      }
    }
    checkReachable(out, present, label);
  }

  private static Path inside(Path dir, String rel, String label) {
    Path p = dir.resolve(rel).normalize();
    if (rel.isEmpty() || rel.startsWith("/") || !p.startsWith(dir)) {
      throw AirlockException.denied(Reason.LAYOUT_MALFORMED, label + ": path '" + rel + "' leaves the archive");
    }
    if (!Files.isRegularFile(p)) {
      throw AirlockException.denied(Reason.BLOB_MISSING, label + ": '" + rel + "' named by manifest.json is missing; "
          + "nothing was written");
    }
    return p;
  }

  private static Descriptor addBlob(Path dir, String rel, String mediaType, Path blobs, String label) throws IOException {
    Path p = inside(dir, rel, label);
    MessageDigest md = Hashing.sha256();
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 16];
      int r;
      while ((r = in.read(buf)) > 0) {
        md.update(buf, 0, r);
      }
    }
    String hex = Hashing.hex(md.digest());
    Path target = blobs.resolve(hex);
    if (!Files.exists(target)) {
      Files.copy(p, target);
    }
    return Descriptor.of(mediaType, Digest.of("sha256", hex), Files.size(p));
  }

  private static boolean isGzip(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      byte[] h = in.readNBytes(2);
      return h.length == 2 && h[0] == 0x1f && h[1] == (byte) 0x8b;
    }
  }

  // ---- inventory ----------------------------------------------------------------------------------

  /**
   * The inventory of a staged layout: images (index.json entries that are not cosign signature,
   * attestation or SBOM tags) with references, digests and sizes; signatures and attestations per
   * image from cosign's {@code sha256-<hex>.sig/.att/.sbom} tags and from referrers ({@code subject})
   * among the blobs.
   */
  private static ObjectNode inventory(Path layout, String source) throws IOException {
    JsonNode index = readJson(layout.resolve("index.json"), source + "/index.json");
    Map<String, ObjectNode> images = new TreeMap<>();
    Map<String, int[]> counts = new HashMap<>(); // digest hex -> sig, att, sbom, referrers
    for (JsonNode d : index.path("manifests")) {
      String digest = d.path("digest").asText();
      String ref = d.path("annotations").path(Annotations.CONTAINERD_IMAGE_NAME).asText(
          d.path("annotations").path(Annotations.REF_NAME).asText(""));
      String tag = ref.substring(ref.lastIndexOf(':') + 1);
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^sha256-([0-9a-f]{64})\\.(sig|att|sbom)$").matcher(tag);
      if (m.matches()) {
        int slot = switch (m.group(2)) {
          case "sig" -> 0;
          case "att" -> 1;
          default -> 2;
        };
        Digest md = Digest.parse(digest);
        JsonNode sm = readJson(layout.resolve("blobs").resolve(md.algorithm()).resolve(md.hex()), digest);
        counts.computeIfAbsent(m.group(1), k -> new int[4])[slot] += Math.max(1, sm.path("layers").size());
        continue;
      }
      ObjectNode img = images.computeIfAbsent(digest, k -> {
        ObjectNode n = F.objectNode();
        n.put("digest", k);
        n.put("mediaType", d.path("mediaType").asText());
        n.putArray("references");
        return n;
      });
      if (!ref.isEmpty()) {
        ((ArrayNode) img.get("references")).add(ref);
      }
    }
    // referrers: manifests among the blobs whose subject is an image (OCI 1.1; also unindexed ones)
    Path sha = layout.resolve("blobs").resolve("sha256");
    long total = 0;
    if (Files.isDirectory(sha)) {
      try (var s = Files.list(sha)) {
        for (Path b : s.toList()) {
          long size = Files.size(b);
          total += size;
          if (size > 64 * 1024) {
            continue;
          }
          byte[] bytes = Files.readAllBytes(b);
          if (bytes.length == 0 || bytes[0] != '{') {
            continue;
          }
          try {
            JsonNode n = Json.parse(bytes, "blob");
            String subject = n.path("subject").path("digest").asText("");
            if (subject.startsWith("sha256:")) {
              String at = n.path("artifactType").asText("");
              boolean attestation = !n.path("annotations").path(Annotations.BUNDLE_PREDICATE_TYPE).isMissingNode()
                  && !n.path("annotations").path(Annotations.BUNDLE_PREDICATE_TYPE).asText("")
                      .equals("https://sigstore.dev/cosign/sign/v1");
              int[] c = counts.computeIfAbsent(subject.substring(7), k -> new int[4]);
              c[3]++;
              if (at.startsWith(MediaTypes.SIGSTORE_BUNDLE_PREFIX)) {
                c[attestation ? 1 : 0]++;
              }
            }
          } catch (AirlockException e) {
            // not JSON: a layer
          }
        }
      }
    }
    ObjectNode inv = F.objectNode();
    ArrayNode arr = inv.putArray("images");
    for (ObjectNode img : images.values()) {
      Digest d = Digest.parse(img.get("digest").asText());
      Set<String> seen = new java.util.LinkedHashSet<>();
      img.get("references").forEach(r -> seen.add(r.asText()));
      int[] c = counts.getOrDefault(d.hex(), new int[4]);
      img.put("signatures", c[0]);
      img.put("attestations", c[1]);
      img.put("sboms", c[2]);
      img.put("referrers", c[3]);
      img.put("size", imageSize(layout, d, 0));
      arr.add(img);
    }
    inv.put("blobBytes", total);
    return inv;
  }

  /** Manifest + config + layers (for an index: the sum over its manifests). */
  private static long imageSize(Path layout, Digest d, int depth) throws IOException {
    Path p = layout.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
    long size = Files.size(p);
    if (depth > MAX_DEPTH) {
      return size;
    }
    JsonNode n = Json.parse(Files.readAllBytes(p), d.toString());
    size += n.path("config").path("size").asLong(0);
    for (JsonNode l : n.path("layers")) {
      size += l.path("size").asLong(0);
    }
    for (JsonNode m : n.path("manifests")) {
      size += imageSize(layout, Digest.parse(m.path("digest").asText()), depth + 1);
    }
    return size;
  }
}
