package dev.airlock.tlog.json;

import java.util.List;

/**
 * Wire form of a {@code checkpoints/*.proof.json} file (DESIGN.md section 2):
 * {@code {"origin", "oldSize", "newSize", "hashes": ["<hex>", ...]}}. Bound to fields only.
 */
public final class ConsistencyProofJson {
  public String origin;
  public Long oldSize;
  public Long newSize;
  public List<String> hashes;
}
