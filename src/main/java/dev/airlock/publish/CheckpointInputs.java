package dev.airlock.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.tlog.Checkpoint;
import dev.airlock.tlog.ConsistencyProof;
import dev.airlock.tlog.ProofException;
import dev.airlock.tlog.SignedNote;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --checkpoints} inputs of {@code pack} and the files of {@code checkpoint import},
 * turned into DESIGN.md section 2's {@code checkpoints/} files (the appliance reads one format):
 *
 * <ul>
 *   <li>a signed note ({@code *.checkpoint}, C2SP tlog-checkpoint) is copied;
 *   <li>a DESIGN proof file ({@code {"origin","oldSize","newSize","hashes"}}) is checked and copied;
 *   <li>Rekor v1's {@code GET /api/v1/log} response ({@code {rootHash, treeSize, signedTreeHead,
 *       treeID, inactiveShards}}, sigstore/rekor openapi.yaml) gives its {@code signedTreeHead} (and
 *       each inactive shard's) as a checkpoint;
 *   <li>Rekor v1's {@code GET /api/v1/log/proof?firstSize=&lastSize=} response ({@code {rootHash,
 *       hashes}}) becomes a proof file from {@code --from-size} to the tree size of the log-info
 *       response whose root hash it ends in (or {@code --to-size}), for {@code --origin} (default:
 *       that checkpoint's origin).
 * </ul>
 */
public final class CheckpointInputs {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private CheckpointInputs() {}

  /** A file to write under {@code checkpoints/} and its inventory line. */
  public record Output(String name, byte[] bytes, ObjectNode inventory) {}

  /**
   * Options for Rekor proof responses.
   *
   * @param held per origin, the tree size the appliance holds (from {@code airlock checkpoint
   *     request}): where a proof response of that log starts when {@code fromSize} is not given, and
   *     what the packed checkpoints must be proven from
   */
  public record ProofOptions(String origin, Long fromSize, Long toSize, Map<String, Long> held) {
    public ProofOptions {
      held = held == null ? Map.of() : Map.copyOf(held);
    }

    public ProofOptions(String origin, Long fromSize, Long toSize) {
      this(origin, fromSize, toSize, Map.of());
    }
  }

  /**
   * Reads the file {@code airlock checkpoint request} writes: per log origin, the tree size the
   * appliance holds.
   *
   * @throws AirlockException USAGE when the file is not such a request
   */
  public static Map<String, Long> readRequest(Path file) throws IOException {
    JsonNode n = Json.parse(read(file), file.toString());
    if (!"application/vnd.airlock.checkpoint-request.v1+json".equals(n.path("mediaType").asText(null))
        || !n.path("logs").isArray()) {
      throw AirlockException.usage(file + ": not a checkpoint request (write one on the appliance with "
          + "'airlock checkpoint request -o FILE')");
    }
    Map<String, Long> held = new LinkedHashMap<>();
    for (JsonNode log : n.path("logs")) {
      String origin = log.path("origin").asText("");
      long size = log.path("treeSize").asLong(-1);
      if (origin.isEmpty() || size < 0 || !log.path("treeSize").isIntegralNumber()) {
        throw AirlockException.usage(file + ": a log entry without an origin or a tree size: " + log);
      }
      held.put(origin, size);
    }
    return held;
  }

  public static List<Output> convert(List<Path> files, ProofOptions opts) throws IOException {
    Map<String, Output> out = new LinkedHashMap<>();
    List<Checkpoint> seen = new ArrayList<>();
    List<Path> rekorProofs = new ArrayList<>();
    for (Path f : files) {
      byte[] b = read(f);
      String text = new String(b, StandardCharsets.UTF_8).strip();
      if (!text.startsWith("{")) {
        Checkpoint c = checkpoint(b, f.toString());
        seen.add(c);
        put(out, checkpointOutput(b, c));
        continue;
      }
      JsonNode n = Json.parse(b, f.toString());
      if (n.has("signedTreeHead")) {
        addLogInfo(n, f, out, seen);
        for (JsonNode shard : n.path("inactiveShards")) {
          addLogInfo(shard, f, out, seen);
        }
      } else if (n.has("origin") && n.has("oldSize")) {
        ConsistencyProof p = proof(b, f.toString());
        put(out, new Output(safe(p.origin()) + "-" + p.oldSize() + "-" + p.newSize() + ".proof.json", b,
            proofInventory(p)));
      } else if (n.has("hashes") && n.has("rootHash")) {
        rekorProofs.add(f);
      } else {
        throw AirlockException.usage(f + ": neither a checkpoint, a proof file, nor a Rekor log-info or proof response");
      }
    }
    for (Path f : rekorProofs) {
      JsonNode n = Json.parse(read(f), f.toString());
      String root = n.path("rootHash").asText("").toLowerCase(java.util.Locale.ROOT);
      Checkpoint target = null;
      for (Checkpoint c : seen) {
        if (c.rootHex().equals(root) && (opts.origin() == null || opts.origin().equals(c.origin()))) {
          target = c;
        }
      }
      long newSize;
      String origin = opts.origin();
      if (target != null) {
        newSize = target.size();
        origin = origin == null ? target.origin() : origin;
      } else if (opts.toSize() != null && origin != null) {
        newSize = opts.toSize();
      } else {
        throw AirlockException.usage(f + ": no checkpoint given here ends in its rootHash " + root
            + "; add the Rekor log-info response (or checkpoint) it leads to, or give --origin and --to-size");
      }
      Long fromSize = opts.fromSize() != null ? opts.fromSize() : opts.held().get(origin);
      if (fromSize == null) {
        throw AirlockException.usage(f + ": a Rekor proof response does not say where it starts; give --from-size "
            + "or --request (the tree size 'airlock checkpoint request' reports)");
      }
      if (fromSize >= newSize) {
        throw AirlockException.usage(f + ": the proof ends at tree size " + newSize + " of " + origin
            + ", which is not newer than (older than or equal to) the size " + fromSize
            + (opts.fromSize() == null ? " the appliance holds" : " given by --from-size"));
      }
      ObjectNode p = F.objectNode();
      p.put("origin", origin);
      p.put("oldSize", fromSize);
      p.put("newSize", newSize);
      ArrayNode h = p.putArray("hashes");
      n.path("hashes").forEach(x -> h.add(x.asText().toLowerCase(java.util.Locale.ROOT)));
      byte[] bytes = (Json.writePretty(p) + "\n").getBytes(StandardCharsets.UTF_8);
      ConsistencyProof cp = proof(bytes, f.toString());
      put(out, new Output(safe(origin) + "-" + cp.oldSize() + "-" + cp.newSize() + ".proof.json", bytes,
          proofInventory(cp)));
    }
    List<Output> result = List.copyOf(out.values());
    checkCovers(result, opts.held());
    return result;
  }

  /**
   * With the appliance's request: every packed checkpoint of a log it holds must be at least the
   * size it holds, and a larger one must be reachable from that size through the packed proofs, or
   * the appliance would refuse it ({@code CHECKPOINT_UNPROVEN}) after the medium's long trip.
   */
  private static void checkCovers(List<Output> outputs, Map<String, Long> held) {
    for (Map.Entry<String, Long> h : held.entrySet()) {
      String origin = h.getKey();
      long from = h.getValue();
      long newest = -1;
      Map<Long, Long> proofs = new java.util.HashMap<>();
      for (Output o : outputs) {
        ObjectNode inv = o.inventory();
        if (!origin.equals(inv.path("origin").asText())) {
          continue;
        }
        if ("checkpoint".equals(inv.path("kind").asText())) {
          long size = inv.path("treeSize").asLong();
          if (size < from) {
            throw AirlockException.usage(o.name() + ": tree size " + size + " of " + origin
                + " is older than the size " + from + " the appliance holds; bring its newest checkpoint");
          }
          newest = Math.max(newest, size);
        } else {
          proofs.merge(inv.path("oldSize").asLong(), inv.path("newSize").asLong(), Math::max);
        }
      }
      long at = from;
      while (at < newest && proofs.containsKey(at) && proofs.get(at) > at) {
        at = proofs.get(at);
      }
      if (newest > from && at < newest) {
        throw AirlockException.usage(origin + ": the appliance holds tree size " + from + ", and nothing given "
            + "proves size " + newest + " consistent with it; bring a consistency proof from " + from + " (Rekor v1: "
            + "GET /api/v1/log/proof?firstSize=" + from + "&lastSize=" + newest + ")");
      }
    }
  }

  private static void addLogInfo(JsonNode n, Path f, Map<String, Output> out, List<Checkpoint> seen) {
    byte[] note = n.path("signedTreeHead").asText("").getBytes(StandardCharsets.UTF_8);
    Checkpoint c = checkpoint(note, f + ": signedTreeHead");
    String root = n.path("rootHash").asText("");
    if (!root.isEmpty() && !root.equalsIgnoreCase(c.rootHex())) {
      throw AirlockException.denied(Reason.CHECKPOINT_MISMATCH, f + ": rootHash " + root
          + " differs from its signedTreeHead's root " + c.rootHex());
    }
    if (n.has("treeSize") && n.path("treeSize").asLong(-1) != c.size()) {
      throw AirlockException.denied(Reason.CHECKPOINT_MISMATCH, f + ": treeSize " + n.path("treeSize").asText()
          + " differs from its signedTreeHead's size " + c.size());
    }
    seen.add(c);
    put(out, checkpointOutput(note, c));
  }

  private static Output checkpointOutput(byte[] note, Checkpoint c) {
    ObjectNode inv = F.objectNode();
    inv.put("kind", "checkpoint").put("origin", c.origin()).put("treeSize", c.size()).put("rootHash", c.rootHex());
    return new Output(safe(c.origin()) + "-" + c.size() + ".checkpoint", note, inv);
  }

  private static ObjectNode proofInventory(ConsistencyProof p) {
    ObjectNode inv = F.objectNode();
    inv.put("kind", "consistency-proof").put("origin", p.origin()).put("oldSize", p.oldSize())
        .put("newSize", p.newSize()).put("hashes", p.hashes().size());
    return inv;
  }

  private static void put(Map<String, Output> out, Output o) {
    Output prev = out.get(o.name());
    if (prev != null && !Hashing.sha256Hex(prev.bytes()).equals(Hashing.sha256Hex(o.bytes()))) {
      throw AirlockException.usage("two different inputs both give checkpoints/" + o.name());
    }
    out.put(o.name(), o);
  }

  private static Checkpoint checkpoint(byte[] b, String what) {
    try {
      return Checkpoint.parse(SignedNote.parse(b).body());
    } catch (ProofException e) {
      throw AirlockException.denied(Reason.CHECKPOINT_MALFORMED, what + ": not a signed checkpoint: " + e.getMessage());
    }
  }

  private static ConsistencyProof proof(byte[] b, String what) {
    try {
      return ConsistencyProof.parse(b);
    } catch (ProofException e) {
      throw AirlockException.denied(Reason.CONSISTENCY_PROOF_MALFORMED, what + ": " + e.getMessage());
    }
  }

  private static byte[] read(Path f) throws IOException {
    if (Files.size(f) > Limits.MAX_NOTE_BYTES) {
      throw AirlockException.usage(f + ": larger than " + Limits.MAX_NOTE_BYTES + " bytes");
    }
    return Files.readAllBytes(f);
  }

  /** A file-name form of an origin: {@code rekor.sigstore.dev - 123} becomes {@code rekor.sigstore.dev_-_123}. */
  static String safe(String origin) {
    return origin.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
