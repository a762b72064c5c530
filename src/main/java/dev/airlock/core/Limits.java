package dev.airlock.core;

/**
 * Every size and count limit applied to untrusted input, in one place (STYLE.md rule 12,
 * DESIGN.md section 6a "Limits"). Defaults are the design's; each can be raised by a CLI flag.
 *
 * <p>Immutable: {@code with*} methods return a copy.
 */
public final class Limits {
  public static final long KIB = 1024L;
  public static final long MIB = 1024L * KIB;
  public static final long GIB = 1024L * MIB;

  /** Largest signed note (checkpoint) file accepted; real checkpoints are under 1 KiB. */
  public static final int MAX_NOTE_BYTES = 64 * 1024;
  /** Most signature lines in one signed note (C2SP signed-note: must cope with at least 16). */
  public static final int MAX_NOTE_SIGNATURES = 64;
  /** {@code airlock serve}: request line plus headers of one HTTP request (more → 431). */
  public static final int MAX_SERVE_HEADER_BYTES = 16 * 1024;
  /**
   * {@code airlock serve}: one AdmissionReview body (more → 413); the Kubernetes API server's own
   * request body limit is 3 MiB.
   */
  public static final int MAX_ADMISSION_BODY_BYTES = 3 * 1024 * 1024;

  private static final Limits DEFAULTS =
      new Limits(16 * GIB, 256 * GIB, 100_000, 16 * MIB, 512 * KIB, 64, 100, 64 * MIB, 64);

  private final long maxBlobBytes;
  private final long maxMediumBytes;
  private final long maxEntries;
  private final long maxJsonBytes;
  private final long maxTufMetadataBytes;
  private final int maxNestingDepth;
  private final long maxExpansionRatio;
  private final long ratioCheckAfterBytes;
  private final int maxProofHashes;

  private Limits(
      long maxBlobBytes,
      long maxMediumBytes,
      long maxEntries,
      long maxJsonBytes,
      long maxTufMetadataBytes,
      int maxNestingDepth,
      long maxExpansionRatio,
      long ratioCheckAfterBytes,
      int maxProofHashes) {
    this.maxBlobBytes = positive(maxBlobBytes, "maxBlobBytes");
    this.maxMediumBytes = positive(maxMediumBytes, "maxMediumBytes");
    this.maxEntries = positive(maxEntries, "maxEntries");
    this.maxJsonBytes = positive(maxJsonBytes, "maxJsonBytes");
    this.maxTufMetadataBytes = positive(maxTufMetadataBytes, "maxTufMetadataBytes");
    this.maxNestingDepth = (int) positive(maxNestingDepth, "maxNestingDepth");
    this.maxExpansionRatio = positive(maxExpansionRatio, "maxExpansionRatio");
    this.ratioCheckAfterBytes = positive(ratioCheckAfterBytes, "ratioCheckAfterBytes");
    this.maxProofHashes = (int) positive(maxProofHashes, "maxProofHashes");
  }

  private static long positive(long v, String name) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + v);
    }
    return v;
  }

  public static Limits defaults() {
    return DEFAULTS;
  }

  /** Largest single blob (layer, config, manifest) accepted from a medium. */
  public long maxBlobBytes() {
    return maxBlobBytes;
  }

  /** Largest medium, counted as decompressed bytes. */
  public long maxMediumBytes() {
    return maxMediumBytes;
  }

  /** Most entries (files and folders) in one medium. */
  public long maxEntries() {
    return maxEntries;
  }

  /** Largest JSON document of any kind (bundle, manifest, trusted root, proof). */
  public long maxJsonBytes() {
    return maxJsonBytes;
  }

  /** Largest TUF metadata file (the common 512000-byte-ish limit of TUF clients). */
  public long maxTufMetadataBytes() {
    return maxTufMetadataBytes;
  }

  /** Deepest JSON/YAML nesting accepted. */
  public int maxNestingDepth() {
    return maxNestingDepth;
  }

  /** Largest decompressed:compressed ratio of a compressed medium. */
  public long maxExpansionRatio() {
    return maxExpansionRatio;
  }

  /** The expansion ratio is checked on running totals once this many bytes were inflated. */
  public long ratioCheckAfterBytes() {
    return ratioCheckAfterBytes;
  }

  /** Most hashes in one Merkle inclusion or consistency proof (a tree of 2^64 leaves needs 64). */
  public int maxProofHashes() {
    return maxProofHashes;
  }

  public Limits withMaxBlobBytes(long v) {
    return new Limits(v, maxMediumBytes, maxEntries, maxJsonBytes, maxTufMetadataBytes,
        maxNestingDepth, maxExpansionRatio, ratioCheckAfterBytes, maxProofHashes);
  }

  public Limits withMaxMediumBytes(long v) {
    return new Limits(maxBlobBytes, v, maxEntries, maxJsonBytes, maxTufMetadataBytes,
        maxNestingDepth, maxExpansionRatio, ratioCheckAfterBytes, maxProofHashes);
  }

  public Limits withMaxEntries(long v) {
    return new Limits(maxBlobBytes, maxMediumBytes, v, maxJsonBytes, maxTufMetadataBytes,
        maxNestingDepth, maxExpansionRatio, ratioCheckAfterBytes, maxProofHashes);
  }

  public Limits withMaxJsonBytes(long v) {
    return new Limits(maxBlobBytes, maxMediumBytes, maxEntries, v, maxTufMetadataBytes,
        maxNestingDepth, maxExpansionRatio, ratioCheckAfterBytes, maxProofHashes);
  }

  public Limits withMaxTufMetadataBytes(long v) {
    return new Limits(maxBlobBytes, maxMediumBytes, maxEntries, maxJsonBytes, v,
        maxNestingDepth, maxExpansionRatio, ratioCheckAfterBytes, maxProofHashes);
  }

  public Limits withMaxNestingDepth(int v) {
    return new Limits(maxBlobBytes, maxMediumBytes, maxEntries, maxJsonBytes, maxTufMetadataBytes,
        v, maxExpansionRatio, ratioCheckAfterBytes, maxProofHashes);
  }

  public Limits withMaxExpansionRatio(long v) {
    return new Limits(maxBlobBytes, maxMediumBytes, maxEntries, maxJsonBytes, maxTufMetadataBytes,
        maxNestingDepth, v, ratioCheckAfterBytes, maxProofHashes);
  }

  public Limits withRatioCheckAfterBytes(long v) {
    return new Limits(maxBlobBytes, maxMediumBytes, maxEntries, maxJsonBytes, maxTufMetadataBytes,
        maxNestingDepth, maxExpansionRatio, v, maxProofHashes);
  }

  @Override
  public String toString() {
    return "Limits{blob=" + maxBlobBytes + ", medium=" + maxMediumBytes + ", entries=" + maxEntries
        + ", json=" + maxJsonBytes + ", tufMetadata=" + maxTufMetadataBytes + ", nesting="
        + maxNestingDepth + ", ratio=" + maxExpansionRatio + ", ratioAfter=" + ratioCheckAfterBytes
        + ", proofHashes=" + maxProofHashes + "}";
  }
}
