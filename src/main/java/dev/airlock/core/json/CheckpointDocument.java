package dev.airlock.core.json;

/**
 * A stored checkpoint as {@code checkpoint show} and the audit log describe it: every field
 * always written, in this order (null as JSON null).
 */
public record CheckpointDocument(String origin, long treeSize, String rootHash, String signer, String keyHint,
    int witnesses, String importedAt) implements Document {}
