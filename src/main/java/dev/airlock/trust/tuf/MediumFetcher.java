package dev.airlock.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.sigstore.tuf.FileExceedsMaxLengthException;
import dev.sigstore.tuf.Fetcher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * sigstore-java {@link Fetcher} over one folder of a medium (STYLE.md rule 9: "TUF reads only
 * imported media, through a size-capped fetcher").
 *
 * <ul>
 *   <li>Confined: names with {@code ..}, absolute names, backslashes, NULs and anything whose real
 *       path (after following symlinks) leaves the folder are refused.
 *   <li>Size-capped: at most {@code min(maxLength asked by the updater, cap)} bytes are read; a
 *       longer file is {@link FileExceedsMaxLengthException} (TUF spec 5.3.3/5.7 length bounds).
 *   <li>Metadata is pre-parsed with airlock's strict JSON reader (duplicate keys refused) before
 *       sigstore-java's lenient Gson sees it.
 *   <li>Repositories without consistent snapshots (TUF spec 6.2, {@code consistent_snapshot:
 *       false}) serve {@code snapshot.json}/{@code targets.json} and plain target names; sigstore-java
 *       2.0.0 always asks for {@code N.snapshot.json} and {@code <hash>.name}, so the names are
 *       mapped when the trusted root (read lazily, after root rotation) says so.
 * </ul>
 *
 * Every file served is remembered (name to bytes) so the caller can read custom target metadata
 * from exactly the bytes sigstore-java verified.
 */
final class MediumFetcher implements Fetcher {
  private static final Pattern VERSIONED_META = Pattern.compile("^[0-9]+\\.(.+)\\.json$");
  private static final Pattern HASH_PREFIX = Pattern.compile("^(?:[0-9a-f]{64}|[0-9a-f]{128})\\.(.+)$");

  private final Path dir;
  private final Path realDir;
  private final long cap;
  private final boolean metadata;
  private final BooleanSupplier consistentSnapshot;
  private final Map<String, byte[]> served = new LinkedHashMap<>();
  private String last = "";

  MediumFetcher(Path dir, long cap, boolean metadata, BooleanSupplier consistentSnapshot) throws IOException {
    this.dir = dir;
    this.realDir = dir.toRealPath();
    this.cap = cap;
    this.metadata = metadata;
    this.consistentSnapshot = consistentSnapshot;
  }

  @Override
  public String getSource() {
    return dir.toString();
  }

  /** The last file name asked for (for error messages). */
  String last() {
    return last;
  }

  /** Bytes of a file served in this run, by the name the updater asked for, or null. */
  byte[] served(String name) {
    byte[] b = served.get(name);
    return b == null ? null : b.clone();
  }

  @Override
  public byte[] fetchResource(String name, int maxLength) throws IOException {
    last = name;
    String local = name;
    if (!consistentSnapshot.getAsBoolean()) {
      if (metadata && VERSIONED_META.matcher(name).matches() && !name.endsWith(".root.json")) {
        local = name.substring(name.indexOf('.') + 1);
      } else if (!metadata) {
        int slash = name.lastIndexOf('/');
        String base = name.substring(slash + 1);
        var m = HASH_PREFIX.matcher(base);
        if (m.matches()) {
          local = name.substring(0, slash + 1) + m.group(1);
        }
      }
    }
    Path p = confine(local);
    if (p == null) {
      return null;
    }
    long limit = Math.min(maxLength <= 0 ? cap : maxLength, cap);
    byte[] bytes;
    try (InputStream in = Files.newInputStream(p)) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
    } catch (NoSuchFileException e) {
      return null;
    }
    if (bytes.length > limit) {
      throw new TufFailure(Reason.TUF_TOO_LARGE,
          local + ": larger than its limit of " + limit + " bytes");
    }
    if (metadata) {
      JsonNode doc;
      try {
        doc = Json.parse(bytes, local);
      } catch (AirlockException e) {
        throw new TufFailure(Reason.TUF_MALFORMED, e.getMessage());
      }
      checkEnvelope(local, doc);
    }
    served.put(name, bytes.clone());
    return bytes;
  }

  /**
   * Structural checks sigstore-java's lenient binding skips (TUF spec v1.0.34 section 4.2/4.3):
   * an object with {@code signed} and a {@code signatures} array; {@code signed._type} is the role
   * the file name says; {@code version} is an integer from 1 to 2^31-1 (sigstore-java silently
   * narrows larger numbers to int, and accepts 0 and negatives); {@code expires} is a string.
   */
  private static void checkEnvelope(String name, JsonNode doc) throws TufFailure {
    if (!doc.isObject() || !doc.path("signed").isObject() || !doc.path("signatures").isArray()) {
      throw new TufFailure(Reason.TUF_MALFORMED, name + ": not a TUF metadata envelope {signed, signatures}");
    }
    JsonNode signed = doc.get("signed");
    String base = name.substring(name.lastIndexOf('/') + 1);
    String role = base.replaceFirst("^[0-9]+\\.", "").replaceFirst("\\.json$", "");
    String expected = switch (role) {
      case "root", "timestamp", "snapshot" -> role;
      default -> "targets"; // top-level and delegated targets roles
    };
    if (!expected.equals(signed.path("_type").asText(null))) {
      throw new TufFailure(Reason.TUF_MALFORMED, name + ": signed._type is '" + signed.path("_type").asText("")
          + "', expected '" + expected + "'");
    }
    JsonNode v = signed.get("version");
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
      throw new TufFailure(Reason.TUF_MALFORMED, name + ": signed.version " + v + " is not an integer from 1 to "
          + Integer.MAX_VALUE);
    }
    if (!signed.path("expires").isTextual()) {
      throw new TufFailure(Reason.TUF_MALFORMED, name + ": signed.expires is missing");
    }
  }

  /** The file inside the folder, null if absent; refuses names and links that leave the folder. */
  private Path confine(String name) throws TufFailure {
    if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0
        || name.contains(":")) {
      throw new TufFailure(Reason.TUF_MALFORMED, name + ": file name is not a relative path");
    }
    for (String part : name.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new TufFailure(Reason.TUF_MALFORMED, name + ": file name has an empty, '.' or '..' component");
      }
    }
    Path p = dir.resolve(name).normalize();
    if (!p.startsWith(dir.normalize())) {
      throw new TufFailure(Reason.TUF_MALFORMED, name + ": file name leaves the repository folder");
    }
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    Path real;
    try {
      real = p.toRealPath();
    } catch (IOException e) {
      return null; // dangling link
    }
    if (!real.startsWith(realDir)) {
      throw new TufFailure(Reason.TUF_MALFORMED, name + ": is a link leading out of the repository folder");
    }
    if (!Files.isRegularFile(real)) {
      throw new TufFailure(Reason.TUF_MALFORMED, name + ": is not a regular file");
    }
    return real;
  }
}
