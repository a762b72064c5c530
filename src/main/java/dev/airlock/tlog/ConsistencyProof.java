package dev.airlock.tlog;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.merkle.Merkle;
import dev.airlock.merkle.MerkleProofException;
import dev.airlock.tlog.json.ConsistencyProofJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An RFC 9162 consistency proof between two tree sizes of one origin, as carried on media in
 * {@code *.proof.json} (hex hashes, as Rekor's proof API returns them). Immutable.
 */
public final class ConsistencyProof {
  private final String origin;
  private final long oldSize;
  private final long newSize;
  private final List<byte[]> hashes;

  private ConsistencyProof(String origin, long oldSize, long newSize, List<byte[]> hashes) {
    this.origin = origin;
    this.oldSize = oldSize;
    this.newSize = newSize;
    List<byte[]> copy = new ArrayList<>();
    hashes.forEach(h -> copy.add(h.clone()));
    this.hashes = List.copyOf(copy);
  }

  public static ConsistencyProof of(String origin, long oldSize, long newSize, List<byte[]> hashes)
      throws ProofException {
    Objects.requireNonNull(origin, "origin");
    if (origin.isEmpty()) {
      throw malformed("origin is empty");
    }
    if (oldSize <= 0 || newSize < oldSize) {
      throw malformed("needs 0 < oldSize <= newSize, got " + oldSize + " and " + newSize);
    }
    if (hashes.size() > Limits.defaults().maxProofHashes()) {
      throw malformed(hashes.size() + " hashes, more than the limit of " + Limits.defaults().maxProofHashes());
    }
    for (byte[] h : hashes) {
      if (h.length != Merkle.HASH_BYTES) {
        throw malformed("a hash is " + h.length + " bytes, expected 32");
      }
    }
    return new ConsistencyProof(origin, oldSize, newSize, hashes);
  }

  /**
   * Parses a {@code *.proof.json} document.
   *
   * @throws ProofException {@link Reason#CONSISTENCY_PROOF_MALFORMED}
   */
  public static ConsistencyProof parse(byte[] json) throws ProofException {
    ConsistencyProofJson dto;
    try {
      com.fasterxml.jackson.databind.JsonNode tree = Json.parse(json, "consistency proof");
      // strict types before binding: Jackson would coerce "3" or 3.5 to a size
      if (!tree.isObject() || !tree.path("origin").isTextual() || !tree.path("oldSize").isIntegralNumber()
          || !tree.path("newSize").isIntegralNumber() || !tree.path("hashes").isArray()) {
        throw malformed("needs {\"origin\": string, \"oldSize\": integer, \"newSize\": integer, "
            + "\"hashes\": [hex strings]}");
      }
      for (com.fasterxml.jackson.databind.JsonNode h : tree.path("hashes")) {
        if (!h.isTextual()) {
          throw malformed("hashes must be hex strings, got " + h.getNodeType());
        }
      }
      if (!tree.path("oldSize").canConvertToLong() || !tree.path("newSize").canConvertToLong()) {
        throw malformed("tree sizes out of range");
      }
      dto = Json.mapper().treeToValue(tree, ConsistencyProofJson.class);
    } catch (AirlockException e) {
      throw malformed(e.getMessage());
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw malformed("unexpected structure: " + e.getMessage());
    }
    if (dto == null || dto.origin == null || dto.oldSize == null || dto.newSize == null || dto.hashes == null) {
      throw malformed("needs origin, oldSize, newSize and hashes");
    }
    if (dto.hashes.size() > Limits.defaults().maxProofHashes()) {
      throw malformed(dto.hashes.size() + " hashes, more than the limit of " + Limits.defaults().maxProofHashes());
    }
    List<byte[]> hashes = new ArrayList<>();
    for (int i = 0; i < dto.hashes.size(); i++) {
      String h = dto.hashes.get(i);
      if (h == null || !h.matches("[0-9a-fA-F]{64}")) {
        throw malformed("hashes[" + i + "] is not 64 hex digits: " + (h == null ? "null" : shorten(h)));
      }
      hashes.add(Hashing.unhex(h.toLowerCase(java.util.Locale.ROOT)));
    }
    return of(dto.origin, dto.oldSize, dto.newSize, hashes);
  }

  /** Checks the proof between two roots of this proof's sizes. */
  public void verify(byte[] oldRoot, byte[] newRoot) throws ProofException {
    try {
      Merkle.verifyConsistency(oldSize, newSize, oldRoot, newRoot, hashes);
    } catch (MerkleProofException e) {
      throw new ProofException(e.reason(), e.getMessage());
    }
  }

  private static ProofException malformed(String m) {
    return new ProofException(Reason.CONSISTENCY_PROOF_MALFORMED, m);
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  public String origin() {
    return origin;
  }

  public long oldSize() {
    return oldSize;
  }

  public long newSize() {
    return newSize;
  }

  public List<byte[]> hashes() {
    List<byte[]> copy = new ArrayList<>();
    hashes.forEach(h -> copy.add(h.clone()));
    return copy;
  }

  /** Hashes as stored: comma-separated lower-case hex (see {@link #fromStored}). */
  public String hashesText() {
    return String.join(",", hashes.stream().map(Hashing::hex).toList());
  }

  public static ConsistencyProof fromStored(String origin, long oldSize, long newSize, String text) throws ProofException {
    List<byte[]> hashes = new ArrayList<>();
    if (!text.isEmpty()) {
      for (String h : text.split(",")) {
        hashes.add(Hashing.unhex(h));
      }
    }
    return of(origin, oldSize, newSize, hashes);
  }

  @Override
  public String toString() {
    return "ConsistencyProof[" + origin + " " + oldSize + " -> " + newSize + ", " + hashes.size() + " hashes]";
  }
}
