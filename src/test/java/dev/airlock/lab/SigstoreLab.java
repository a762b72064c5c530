package dev.airlock.lab;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-process private Sigstore deployment for tests (DESIGN.md section 8): a Fulcio-like CA
 * ({@link LabCa}, root + P-384 intermediate), a CT log ({@link LabCtLog}), a Rekor v1-like log and
 * a Rekor v2-like log ({@link LabRekor}, real Merkle trees pre-filled with 1000 leaves), and an
 * RFC 3161 TSA ({@link LabTsa}). It produces wire formats only — bundles
 * ({@link #bundle(Signer)}), {@code trusted_root.json} ({@link #trustedRoot()}), cosign legacy OCI
 * signature layers ({@link CosignLegacy}) — and never calls airlock's verifier.
 *
 * <p>Time is the lab's own: {@link #now()} starts at {@link #DEFAULT_EPOCH} (or the given epoch)
 * and moves only through {@link #advance}. Output is deterministic: the same seed and the same
 * sequence of calls give byte-identical certificates, bundles, trusted roots and layers (keys and
 * ECDSA nonces come from seeded generators / RFC 6979), so tests can keep golden files.
 *
 * <pre>{@code
 * SigstoreLab lab = SigstoreLab.create(42);
 * LabBundle b = lab.bundle(lab.keyless(LeafSpec.email("dev@lab.internal")))
 *     .messageSignature("hello".getBytes(UTF_8)).build();
 * Files.writeString(dir.resolve("trusted_root.json"), lab.trustedRoot().json());
 * }</pre>
 */
public final class SigstoreLab {
  /** The default lab epoch: 2026-01-01T00:00:00Z. */
  public static final Instant DEFAULT_EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  private final long seed;
  private final Instant epoch;
  private final LabCtLog ct;
  private final LabCa ca;
  private final LabRekor rekorV1;
  private final LabRekor rekorV2;
  private final LabTsa tsa;
  private Instant now;
  private int keyCounter;

  private SigstoreLab(long seed, Instant epoch, boolean intermediateP256, int prefill) {
    this.seed = seed;
    this.epoch = epoch;
    this.now = epoch;
    Instant infraStart = epoch.minus(Duration.ofDays(30));
    this.ct = new LabCtLog("ct.lab.internal", seed);
    this.ca = new LabCa("lab", seed, infraStart, intermediateP256, ct);
    this.rekorV1 = new LabRekor(LabRekor.Version.V1, "rekor.lab.internal", seed, prefill);
    this.rekorV2 = new LabRekor(LabRekor.Version.V2, "log2026-1.rekor.lab.internal", seed, prefill);
    this.tsa = new LabTsa("lab", seed, infraStart);
  }

  /** A lab with the default epoch, a P-384 intermediate and 1000 pre-filled leaves per log. */
  public static SigstoreLab create(long seed) {
    return new SigstoreLab(seed, DEFAULT_EPOCH, false, 1000);
  }

  /**
   * A lab with every knob: {@code intermediateP256} chooses a P-256 Fulcio intermediate instead
   * of P-384; {@code prefill} is the number of random leaves in each log before the first entry.
   */
  public static SigstoreLab create(long seed, Instant epoch, boolean intermediateP256, int prefill) {
    return new SigstoreLab(seed, epoch, intermediateP256, prefill);
  }

  public long seed() {
    return seed;
  }

  /** The lab epoch; every CA, log and TSA is valid from 30 days before it. */
  public Instant epoch() {
    return epoch;
  }

  /** The lab's current time: the notBefore of new leaves; entries are integrated a few seconds later. */
  public Instant now() {
    return now;
  }

  /** Moves the lab clock forward. */
  public SigstoreLab advance(Duration d) {
    now = now.plus(d);
    return this;
  }

  public LabCa ca() {
    return ca;
  }

  public LabCtLog ctLog() {
    return ct;
  }

  public LabRekor rekorV1() {
    return rekorV1;
  }

  public LabRekor rekorV2() {
    return rekorV2;
  }

  public LabRekor rekor(LabRekor.Version v) {
    return v == LabRekor.Version.V1 ? rekorV1 : rekorV2;
  }

  public LabTsa tsa() {
    return tsa;
  }

  /** A fresh ephemeral P-256 key with a leaf certificate for {@code spec}, valid from {@link #now()}. */
  public Signer keyless(LeafSpec spec) {
    return keyless(spec, LabCrypto.KeyKind.ECDSA_P256);
  }

  /** Keyless with another ephemeral key kind (Fulcio accepts P-256, P-384, RSA, Ed25519 keys). */
  public Signer keyless(LeafSpec spec, LabCrypto.KeyKind kind) {
    KeyPair kp = LabCrypto.generate(kind, seed, "ephemeral/" + (keyCounter++));
    List<java.security.cert.X509Certificate> chain = new ArrayList<>();
    chain.add(ca.issue(spec, kp.getPublic(), now));
    chain.add(ca.intermediate());
    return new Signer(kind, kp, chain);
  }

  /**
   * A keyless signer whose leaf is issued by {@code sub} (a {@link LabCa#subordinate} CA); its
   * chain is leaf, sub-CA, intermediate (write it with {@link BundleBuilder#fullChain()}).
   */
  public Signer keylessUnder(LabCa.SubCa sub, LeafSpec spec) {
    KeyPair kp = LabCrypto.generate(LabCrypto.KeyKind.ECDSA_P256, seed, "ephemeral/" + (keyCounter++));
    return new Signer(LabCrypto.KeyKind.ECDSA_P256, kp, List.of(ca.issue(spec, kp.getPublic(), now, sub), sub.cert(),
        ca.intermediate()));
  }

  /** A long-lived key pair for key-based ("cosign --key") signing, deterministic in (seed, label). */
  public Signer key(LabCrypto.KeyKind kind, String label) {
    return new Signer(kind, LabCrypto.generate(kind, seed, "key/" + label), List.of());
  }

  /** Starts a Sigstore bundle signed by {@code signer}. */
  public BundleBuilder bundle(Signer signer) {
    return new BundleBuilder(this, signer);
  }

  /** A trusted_root.json writer naming all of this lab's authorities. */
  public TrustedRootWriter trustedRoot() {
    return new TrustedRootWriter(this);
  }

  /** Cosign legacy OCI signature layers (.sig/.att) made by this lab. */
  public CosignLegacy cosign() {
    return new CosignLegacy(this);
  }
}
