package dev.airlock.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Json;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.media.Medium;
import dev.airlock.trust.tuf.TufClient;
import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * {@code airlock pack}: one medium in DESIGN.md section 2's layout, as a folder, {@code .tar},
 * {@code .tar.gz} or {@code .tar.zst}. In an archive {@code tuf/} comes first, then
 * {@code checkpoints/}, then {@code images/}, then {@code inventory.json}, so a reader that streams
 * the archive meets the trust it needs before any image. Every input is checked before anything is
 * written (TUF repository verified by airlock's TUF client, checkpoints and proofs parsed, every
 * image blob present with its digest); the medium is assembled beside the output, read back as the
 * appliance's media reader would, and only then renamed into place.
 */
public final class Packer {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Pattern ROOT_FILE = Pattern.compile("^([0-9]+)\\.root\\.json$");

  private Packer() {}

  /** What to pack. */
  public record Spec(Path output, Path tuf, List<Path> checkpoints, List<Path> images, String origin, Long fromSize,
      Long toSize, Path request) {
    public Spec {
      checkpoints = List.copyOf(checkpoints);
      images = List.copyOf(images);
    }
  }

  /** The medium written and its inventory. */
  public record Result(Path output, String format, ObjectNode inventory) {}

  enum Format {
    FOLDER("folder"), TAR("tar"), TAR_GZIP("tar+gzip"), TAR_ZSTD("tar+zstd");

    final String label;

    Format(String label) {
      this.label = label;
    }

    static Format of(Path p) {
      String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
      if (n.endsWith(".tar.zst") || n.endsWith(".tzst")) {
        return TAR_ZSTD;
      }
      if (n.endsWith(".tar.gz") || n.endsWith(".tgz")) {
        return TAR_GZIP;
      }
      return n.endsWith(".tar") ? TAR : FOLDER;
    }
  }

  public static Result pack(Spec spec, Instant now) {
    Path out = spec.output().toAbsolutePath().normalize();
    if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
      throw AirlockException.usage(out + ": exists; pack writes a new medium");
    }
    if (spec.tuf() == null && spec.checkpoints().isEmpty() && spec.images().isEmpty()) {
      throw AirlockException.usage("nothing to pack: give --tuf, --checkpoints and/or --images");
    }
    Format format = Format.of(out);
    Path work = out.resolveSibling("." + out.getFileName() + ".airlock-pack-" + UUID.randomUUID());
    try {
      Path medium = work.resolve("medium");
      Files.createDirectories(medium);
      ObjectNode inv = F.objectNode();
      inv.put("mediaType", "application/vnd.airlock.medium-inventory.v1+json");
      inv.put("createdAt", now.toString());
      inv.put("format", format.label);
      if (spec.tuf() != null) {
        inv.set("tuf", packTuf(spec.tuf(), medium.resolve("tuf"), now));
      }
      if (!spec.checkpoints().isEmpty()) {
        ArrayNode cps = inv.putArray("checkpoints");
        Path dir = Files.createDirectories(medium.resolve("checkpoints"));
        java.util.Map<String, Long> held = spec.request() == null ? java.util.Map.of()
            : CheckpointInputs.readRequest(spec.request());
        for (CheckpointInputs.Output o : CheckpointInputs.convert(spec.checkpoints(),
            new CheckpointInputs.ProofOptions(spec.origin(), spec.fromSize(), spec.toSize(), held))) {
          Files.write(dir.resolve(o.name()), o.bytes());
          cps.add(o.inventory().put("file", "checkpoints/" + o.name()));
        }
      }
      if (!spec.images().isEmpty()) {
        ArrayNode imgs = inv.putArray("images");
        Path dir = Files.createDirectories(medium.resolve("images"));
        Set<String> names = new HashSet<>();
        for (Path in : spec.images()) {
          String name = uniqueName(in, names);
          ImageInput.Packed p = ImageInput.stage(in, name, dir);
          ObjectNode n = F.objectNode();
          n.put("name", "images/" + name);
          n.put("source", p.source());
          n.put("format", p.format());
          n.setAll(p.inventory());
          imgs.add(n);
        }
      }
      Files.writeString(medium.resolve("inventory.json"), Json.writePretty(inv) + "\n", StandardCharsets.UTF_8);
      Path staged;
      if (format == Format.FOLDER) {
        staged = medium;
      } else {
        staged = work.resolve("medium.part");
        writeTar(medium, staged, format, now);
      }
      readBack(staged, work);
      Files.move(staged, out, StandardCopyOption.ATOMIC_MOVE);
      return new Result(out, format.label, inv);
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED, out + ": " + e.getMessage(), e);
    } finally {
      Trees.deleteQuietly(work);
    }
  }

  private static String uniqueName(Path in, Set<String> taken) {
    String n = in.toAbsolutePath().normalize().getFileName().toString();
    for (String ext : List.of(".tar.gz", ".tar.zst", ".tgz", ".tar")) {
      if (n.endsWith(ext)) {
        n = n.substring(0, n.length() - ext.length());
        break;
      }
    }
    n = n.replaceAll("[^A-Za-z0-9._-]", "_");
    if (n.isEmpty() || n.startsWith(".")) {
      n = "image" + n;
    }
    String candidate = n;
    for (int i = 2; !taken.add(candidate); i++) {
      candidate = n + "-" + i;
    }
    return candidate;
  }

  /**
   * Verifies the repository with airlock's TUF client from its first root ({@code 1.root.json}, or
   * the lowest {@code N.root.json} present) at {@code now}, then copies {@code metadata/} and
   * {@code targets/}. A repository the appliance would refuse (expired, badly signed) is not packed.
   */
  private static ObjectNode packTuf(Path tuf, Path dest, Instant now) throws IOException {
    Path md = Files.isDirectory(tuf.resolve("metadata")) ? tuf.resolve("metadata") : tuf;
    int first = Integer.MAX_VALUE;
    try (Stream<Path> s = Files.list(md)) {
      for (Path p : s.toList()) {
        Matcher m = ROOT_FILE.matcher(p.getFileName().toString());
        if (m.matches()) {
          first = Math.min(first, Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      throw AirlockException.usage(tuf + ": not a TUF repository folder: " + e.getMessage());
    }
    if (first == Integer.MAX_VALUE) {
      throw AirlockException.usage(tuf + ": no N.root.json in " + md);
    }
    RepoVerifier.Verified v;
    try {
      v = RepoVerifier.verify(tuf, Files.readAllBytes(md.resolve(first + ".root.json")), now, false, null);
    } catch (AirlockException e) {
      throw new AirlockException(e.kind(), e.reason(), tuf + ": the TUF repository does not verify, so it is not "
          + "packed (the appliance would refuse the whole medium): " + e.getMessage(), e);
    }
    Trees.copy(md, dest.resolve("metadata"));
    if (Files.isDirectory(tuf.resolve("targets"))) {
      Trees.copy(tuf.resolve("targets"), dest.resolve("targets"));
    }
    TufClient.State s = v.state();
    ObjectNode n = F.objectNode();
    n.putObject("root").put("version", s.rootVersion()).put("expires", s.rootExpires().toString());
    n.putObject("targets").put("version", s.targetsVersion()).put("expires", s.targetsExpires().toString());
    n.putObject("snapshot").put("version", s.snapshotVersion()).put("expires", s.snapshotExpires().toString());
    n.putObject("timestamp").put("version", s.timestampVersion()).put("expires", s.timestampExpires().toString());
    ArrayNode t = n.putArray("files");
    for (Map.Entry<String, TufClient.Target> e : new java.util.TreeMap<>(s.targets()).entrySet()) {
      t.addObject().put("path", e.getKey()).put("length", e.getValue().length()).put("sha256", e.getValue().sha256());
    }
    return n;
  }

  /** tuf/, checkpoints/, images/, then the rest (inventory.json), each folder in name order. */
  private static void writeTar(Path medium, Path target, Format format, Instant now) throws IOException {
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(target), 1 << 20);
        OutputStream comp = switch (format) {
          case TAR_ZSTD -> new ZstdOutputStream(file);
          case TAR_GZIP -> new GzipCompressorOutputStream(file);
          default -> file;
        };
        TarArchiveOutputStream tar = new TarArchiveOutputStream(comp, StandardCharsets.UTF_8.name())) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      List<Path> order = new ArrayList<>();
      for (String part : List.of("tuf", "checkpoints", "images")) {
        Path p = medium.resolve(part);
        if (Files.isDirectory(p)) {
          try (Stream<Path> s = Files.walk(p)) {
            order.addAll(s.sorted().toList());
          }
        }
      }
      try (Stream<Path> s = Files.list(medium)) {
        s.filter(Files::isRegularFile).sorted().forEach(order::add);
      }
      for (Path p : order) {
        String name = medium.relativize(p).toString().replace('\\', '/');
        boolean dir = Files.isDirectory(p);
        TarArchiveEntry e = new TarArchiveEntry(dir ? name + "/" : name);
        e.setModTime(Date.from(now));
        e.setMode(dir ? 040755 : 0100644);
        e.setUserName("airlock");
        e.setGroupName("airlock");
        if (!dir) {
          e.setSize(Files.size(p));
        }
        tar.putArchiveEntry(e);
        if (!dir) {
          Files.copy(p, tar);
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
  }

  /** Opens the staged medium with the appliance's media reader (structure, limits, images found). */
  private static void readBack(Path staged, Path work) {
    Home scratch = Home.at(work.resolve("readback"));
    try (Medium m = Medium.open(staged, scratch, Limits.defaults())) {
      if (m.images().isEmpty() && m.tufDir().isEmpty() && m.checkpointFiles().isEmpty()) {
        throw AirlockException.cannotDecide(Reason.INTERNAL_ERROR, "the packed medium reads back empty");
      }
    } catch (AirlockException e) {
      throw new AirlockException(e.kind(), e.reason(), "the medium does not read back as the appliance reads media, "
          + "so it was not written: " + e.getMessage(), e);
    }
  }

  /** Human form of an inventory: one line per TUF role, checkpoint and image. */
  public static String table(Result r) {
    ObjectNode inv = r.inventory();
    StringBuilder h = new StringBuilder();
    h.append("medium ").append(r.output()).append(" (").append(r.format()).append(")\n");
    JsonNode tuf = inv.path("tuf");
    if (!tuf.isMissingNode()) {
      h.append(String.format(Locale.ROOT, "tuf/         root v%d, targets v%d, snapshot v%d, timestamp v%d (expires %s), %d target(s)%n",
          tuf.path("root").path("version").asInt(), tuf.path("targets").path("version").asInt(),
          tuf.path("snapshot").path("version").asInt(), tuf.path("timestamp").path("version").asInt(),
          tuf.path("timestamp").path("expires").asText(), tuf.path("files").size()));
      for (JsonNode f : tuf.path("files")) {
        h.append(String.format(Locale.ROOT, "               %-34s %8d  sha256:%.16s%n", f.path("path").asText(),
            f.path("length").asLong(), f.path("sha256").asText()));
      }
    }
    for (JsonNode c : inv.path("checkpoints")) {
      if (c.path("kind").asText().equals("checkpoint")) {
        h.append(String.format(Locale.ROOT, "checkpoints/ %s  size %d%n", c.path("origin").asText(),
            c.path("treeSize").asLong()));
      } else {
        h.append(String.format(Locale.ROOT, "checkpoints/ %s  proof %d -> %d (%d hashes)%n", c.path("origin").asText(),
            c.path("oldSize").asLong(), c.path("newSize").asLong(), c.path("hashes").asInt()));
      }
    }
    if (inv.has("images")) {
      h.append(String.format(Locale.ROOT, "%-22s %-44s %-19s %4s %4s %10s%n", "IMAGES", "REFERENCE", "DIGEST", "SIGS",
          "ATTS", "BYTES"));
      for (JsonNode src : inv.path("images")) {
        for (JsonNode img : src.path("images")) {
          List<String> refs = new ArrayList<>();
          img.path("references").forEach(x -> refs.add(x.asText()));
          h.append(String.format(Locale.ROOT, "%-22s %-44s %-19.19s %4d %4d %10d%n", src.path("name").asText(),
              refs.isEmpty() ? "-" : String.join(", ", refs), img.path("digest").asText(),
              img.path("signatures").asInt(), img.path("attestations").asInt(), img.path("size").asLong()));
        }
        h.append("                       (").append(src.path("format").asText()).append(" from ")
            .append(src.path("source").asText()).append(")\n");
      }
    }
    return h.toString();
  }
}
