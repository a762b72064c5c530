package dev.airlock.appliance;

import dev.airlock.db.Transaction;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Keys;
import dev.airlock.oci.AttachedSignature;
import dev.airlock.oci.Digest;
import dev.airlock.policy.Authority;
import dev.airlock.policy.IdentityMatcher;
import dev.airlock.policy.Policy;
import dev.airlock.policy.SignedItem;
import dev.airlock.store.BlobStore;
import dev.airlock.store.StoredImage;
import dev.airlock.trust.KeyAuthority;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.ValidityWindow;
import dev.airlock.verify.BundleVerification;
import dev.airlock.verify.BundleVerifier;
import dev.airlock.verify.Check;
import dev.airlock.verify.SignatureVerdict;
import dev.airlock.verify.VerifyOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The signature material of a stored image as the policy engine sees it: each attached signature or
 * attestation layer becomes a {@link SignedItem} that reads its bytes from the content store and
 * verifies itself per authority (the verify stage takes bytes and trust, never the store).
 */
public final class SignedMaterial {
  private SignedMaterial() {}

  /**
   * The items of {@code image}. The relaxations of cosign's flags apply only when an item is
   * evaluated for {@code flagAuthority} (DESIGN.md 4: relaxing flags never weaken the policy).
   */
  public static List<SignedItem> items(dev.airlock.db.Transaction tx, StoredImage image, TrustSnapshot trust,
      BlobStore blobs, Policy policy, CosignFlags flags, Authority flagAuthority, java.time.Instant trustedNow) {
    BundleVerifier verifier = new BundleVerifier(trust);
    TreeHeads heads = new TreeHeads(tx, policy.requireCheckpointConsistency(), policy.witnesses());
    List<KeyAuthority> known = knownKeys(trust, policy);
    List<SignedItem> items = new ArrayList<>();
    for (AttachedSignature a : image.signatures()) {
      if (!isItem(image, a)) {
        continue; // signatures of a platform manifest are not signatures of the image; .sbom is unsigned
      }
      items.add(new StoredItem(a, image.digest(), blobs, verifier, trust, flags, flagAuthority, heads,
          policy.requireCheckpointConsistency(), trustedNow, known));
    }
    return items;
  }

  /**
   * The stored layer behind an item made by {@link #items} and its bytes (read from the content
   * store and checked against the layer's size), for printing what was verified as cosign does; empty
   * for any other item or unreadable material. Callers MUST print only items whose evaluation was
   * valid: the bytes themselves are not verified by this accessor.
   */
  public static Optional<Material> material(SignedItem item) {
    if (item instanceof StoredItem s) {
      byte[] b = s.content();
      return b == null ? Optional.empty() : Optional.of(new Material(s.attached, b.clone()));
    }
    return Optional.empty();
  }

  /** A stored signature or attestation layer and its bytes. */
  public record Material(AttachedSignature attached, byte[] content) {}

  /** A layer read from the content store: its bytes, or (bytes null) what was wrong. */
  record Read(byte[] bytes, String error) {
    static Read failed(AttachedSignature attached, String problem) {
      return new Read(null, attached.layer().digest() + ": " + problem);
    }
  }

  /**
   * A signature layer's bytes from the content store, read to its end, so that the store checks
   * them against the layer's digest ({@link BlobStore#open}), and of the descriptor's size; no
   * bytes (and the problem) when too large, missing, damaged or of another size.
   */
  static Read read(BlobStore blobs, AttachedSignature attached) {
    long size = attached.layer().size();
    if (size > Limits.defaults().maxJsonBytes()) {
      return Read.failed(attached, size + " bytes exceeds the limit for signature material");
    }
    try (InputStream in = blobs.open(attached.layer().digest())) {
      byte[] b = in.readNBytes((int) size + 1);
      return b.length != size ? Read.failed(attached, "size differs from its descriptor") : new Read(b, null);
    } catch (IOException | RuntimeException e) {
      return Read.failed(attached, e.getMessage());
    }
  }

  /**
   * The layers of {@code image} an image signature item may come from ({@link #items} skips the
   * others): signatures of the image's own digest, not the unsigned legacy SBOM.
   */
  static boolean isItem(StoredImage image, AttachedSignature a) {
    return a.subject().equals(image.digest()) && a.kind() != AttachedSignature.Kind.LEGACY_SBOM;
  }

  /** Every key the appliance knows: the installed TUF key targets and the policy's key authorities. */
  private static List<KeyAuthority> knownKeys(TrustSnapshot trust, Policy policy) {
    List<KeyAuthority> out = new ArrayList<>(trust.keys().values());
    for (Authority a : policy.authorities().values()) {
      if (a instanceof Authority.Key k && k.tufTarget() == null) {
        try {
          out.add(keyAuthority(k, trust));
        } catch (AirlockException e) {
          // an unusable key file fails its own authority's checks; it names no signer here
        }
      }
    }
    return out;
  }

  /**
   * One signature or attestation layer of the image, verified lazily per authority, once: an
   * evaluation depends only on the authority and what the item was made with (bytes, trust, flags,
   * trusted now), so it is kept for the item's life, which is one decision and its printout (the
   * policy engine asks again per repository name, {@link VerifiedMaterial} for the output).
   * Not for concurrent use.
   */
  private static final class StoredItem implements SignedItem {
    private final AttachedSignature attached;
    private final Digest image;
    private final BlobStore blobs;
    private final BundleVerifier verifier;
    private final TrustSnapshot trust;
    private final CosignFlags flags;
    private final Authority flagAuthority;
    private final TreeHeads heads;
    private final boolean requireTreeHeads;
    private final java.time.Instant trustedNow;
    private final List<KeyAuthority> knownKeys;
    private byte[] bytes;
    private String readError;
    private final java.util.Map<Authority, Evaluation> evaluations = new java.util.IdentityHashMap<>();

    StoredItem(AttachedSignature attached, Digest image, BlobStore blobs, BundleVerifier verifier,
        TrustSnapshot trust, CosignFlags flags, Authority flagAuthority, TreeHeads heads, boolean requireTreeHeads,
        java.time.Instant trustedNow, List<KeyAuthority> knownKeys) {
      this.knownKeys = knownKeys;
      this.heads = heads;
      this.requireTreeHeads = requireTreeHeads;
      this.trustedNow = trustedNow;
      this.flagAuthority = flagAuthority;
      this.attached = attached;
      this.image = image;
      this.blobs = blobs;
      this.verifier = verifier;
      this.trust = trust;
      this.flags = flags;
    }

    @Override
    public String source() {
      return attached.kind() + " " + attached.layer().digest() + " in " + attached.carrier();
    }

    @Override
    public Evaluation evaluate(Authority authority) {
      Evaluation e = evaluations.get(authority);
      if (e == null) {
        e = evaluateNow(authority);
        evaluations.put(authority, e);
      }
      return e;
    }

    private Evaluation evaluateNow(Authority authority) {
      byte[] content = content();
      if (content == null) {
        return failed(Check.fail("material.read", Reason.BLOB_MISSING, readError));
      }
      VerifyOptions options;
      try {
        options = options(authority);
      } catch (AirlockException e) {
        return failed(Check.fail("authority.key", e.reason(), e.getMessage()));
      }
      BundleVerification v = verify(content, options);
      SignatureVerdict sv = v.signature();
      boolean keyless = authority instanceof Authority.Keyless;
      if (keyless && "key".equals(sv.kind()) || !keyless && "keyless".equals(sv.kind())) {
        // a key-pair signature never belongs to a keyless authority, nor a certificate to a key
        return failed(new Check("authority.kind", dev.airlock.verify.Outcome.FAIL, Reason.AUTHORITY_NOT_SATISFIED,
            keyless ? "keyless" : "key", sv.kind(), "a " + sv.kind() + " signature cannot satisfy this authority"));
      }
      if (authority instanceof Authority.Key k) {
        sv = otherSigner(sv, content, k);
      }
      if (authority == flagAuthority) {
        sv = certificateExtensions(sv, v.certificateExtensions());
      }
      for (BundleVerification.TreeHead h : v.treeHeads()) {
        for (Check c : heads.checks(h)) {
          sv = sv.withCheck(c);
        }
      }
      return new Evaluation(sv, v.predicateType(), v.predicate());
    }

    /**
     * A signature that does not verify under this key authority's key but does under another key
     * the appliance knows is a valid signature by someone else: for this authority that is "no
     * signature from this authority" ({@link Reason#KEY_MISMATCH}), not {@link Reason#SIGNATURE_INVALID},
     * which says the bytes were damaged or forged (issue 16). The check still fails: nothing is
     * admitted by this relabelling. The probe verifies the signature bytes only (no log, no window):
     * its result is never used as a verdict.
     */
    private SignatureVerdict otherSigner(SignatureVerdict sv, byte[] content, Authority.Key k) {
      if (!sv.reasons().contains(Reason.SIGNATURE_INVALID)) {
        return sv;
      }
      KeyAuthority mine;
      try {
        mine = keyAuthority(k, trust);
      } catch (AirlockException e) {
        return sv;
      }
      for (KeyAuthority other : knownKeys) {
        if (java.util.Arrays.equals(other.key().getEncoded(), mine.key().getEncoded())) {
          continue;
        }
        VerifyOptions probe = VerifyOptions.builder().trustedNow(trustedNow).keyAuthority(
            new KeyAuthority(other.name(), other.key(), ValidityWindow.ALWAYS)).insecureIgnoreTlogUnsafe().build();
        BundleVerification pv = verify(content, probe);
        boolean verifies = pv.signature().checks().stream()
            .anyMatch(c -> c.id().equals("signature") && !c.failed());
        if (verifies) {
          List<Check> checks = new ArrayList<>();
          for (Check c : sv.checks()) {
            checks.add(c.failed() && c.reason() == Reason.SIGNATURE_INVALID
                ? new Check(c.id(), c.outcome(), Reason.KEY_MISMATCH, "a signature by " + mine.name(),
                    "a valid signature by another key (" + other.name() + ")",
                    "signed by another authority's key, not by this authority")
                : c);
          }
          return new SignatureVerdict(sv.authority(), sv.kind(), sv.identity(), sv.issuer(), sv.signedAt(),
              sv.timeSource(), checks);
        }
      }
      return sv;
    }

    /**
     * cosign's {@code --certificate-github-workflow-*}: each given value must equal the leaf
     * certificate's Fulcio extension (raw value, compared exactly as cosign's
     * {@code validateCertExtensions} in pkg/cosign/verify.go does). One check per flag, recorded
     * pass or fail, so the verdict shows what was required. Only the flag-derived authority gets
     * them: they add to the policy and never replace it (DESIGN.md 4).
     */
    private SignatureVerdict certificateExtensions(SignatureVerdict sv, java.util.Map<String, String> actual) {
      for (java.util.Map.Entry<String, String> f : CosignFlags.GITHUB_WORKFLOW_FLAGS.entrySet()) {
        String want = flags.certificateExtensions().get(f.getValue());
        if (want == null) {
          continue;
        }
        String id = "certificate.extension." + f.getKey().substring("--certificate-".length());
        String got = actual.get(f.getValue());
        sv = sv.withCheck(want.equals(got) ? Check.pass(id, f.getValue() + " = " + got)
            : new Check(id, dev.airlock.verify.Outcome.FAIL, Reason.IDENTITY_MISMATCH, want,
                got == null ? "(extension " + f.getValue() + " absent)" : got,
                "the certificate's " + f.getValue() + " extension differs from " + f.getKey()));
      }
      return sv;
    }

    private BundleVerification verify(byte[] content, VerifyOptions options) {
      return verifier.verifyAttached(attached.kind(), content, attached.layer().mediaType(),
          attached.layer().annotations(), image, options);
    }

    private Evaluation failed(Check c) {
      return new Evaluation(new SignatureVerdict(null, "unknown", null, null, null, null, List.of(c)), null, null);
    }

    /** The layer's bytes from the content store (verified against its digest), read once. */
    private byte[] content() {
      if (bytes == null && readError == null) {
        Read r = read(blobs, attached);
        bytes = r.bytes();
        readError = r.error();
      }
      return bytes;
    }

    private VerifyOptions options(Authority authority) {
      VerifyOptions.Builder b = VerifyOptions.builder();
      // DESIGN.md 6a: a signature without a verified time is judged at the appliance's trusted now
      // (key windows, the log key of an untimed entry); never used as a signing time for certificates
      b.trustedNow(trustedNow);
      if (requireTreeHeads) {
        // requireCheckpointConsistency: every counted log entry must yield a verified tree head
        b.requireTreeHeads();
      }
      if (authority instanceof Authority.Keyless k) {
        identity(b, k.identity());
        issuer(b, k.issuer());
      } else if (authority instanceof Authority.Key k) {
        b.keyAuthority(keyAuthority(k, trust));
        if (!k.tlogRequired()) {
          // the policy says this key signs offline (tlog: false); shown in the verdict
          b.tlogNotRequiredUnsafe(k.name());
        }
      }
      // the relaxing flags are for the flag-derived requirement only (identity, not equality:
      // a policy authority with the same fields is still the policy's)
      if (authority == flagAuthority && flags.insecureIgnoreTlog()) {
        b.insecureIgnoreTlogUnsafe();
      }
      if (authority == flagAuthority && flags.useSignedTimestamps()) {
        b.useSignedTimestamps();
      }
      if (authority == flagAuthority && flags.insecureIgnoreSct()) {
        b.withoutSctUnsafe();
      }
      return b.build();
    }
  }

  /**
   * Compares a bundle's verified checkpoint with the appliance's checkpoint store (issue:
   * {@code tlog.checkpoint.consistent} = pass / fail / unknown): equal to a stored checkpoint or
   * linked to one by stored proofs passes; the same size with another root fails (a fork); anything
   * else is unknown, a denial only when the policy says {@code requireCheckpointConsistency}. A log
   * with an open fork alarm fails every check touching it until an operator clears the alarm.
   */
  static final class TreeHeads {
    private final dev.airlock.db.Transaction tx;
    private final boolean requireConsistency;
    private final int witnesses;

    TreeHeads(dev.airlock.db.Transaction tx, boolean requireConsistency, int witnesses) {
      this.tx = tx;
      this.requireConsistency = requireConsistency;
      this.witnesses = witnesses;
    }

    /**
     * {@code tlog.checkpoint.consistent}, and with {@code transparency.witnesses: k} also
     * {@code tlog.checkpoint.witnessed}: the bundle's tree head is consistent with the stored
     * checkpoints and a stored checkpoint at least as large carries k verified witness
     * cosignatures (the stored checkpoints of a log are linked by proofs, so the witnesses of a
     * later one vouch for the earlier tree too).
     */
    List<Check> checks(BundleVerification.TreeHead h) {
      String id = "tlog.checkpoint.consistent";
      String what = h.origin() + " @" + h.size();
      List<Check> out = new ArrayList<>();
      try {
        if (tx.checkpoints().hasOpenAlarm(h.origin())) {
          out.add(Check.fail(id, Reason.LOG_FORK_ALARM, what + ": the log has an open fork alarm"));
          return out;
        }
        dev.airlock.tlog.CheckpointStore.Consistency c =
            tx.checkpoints().consistency(h.origin(), h.size(), h.rootHash());
        out.add(switch (c) {
          case CONSISTENT -> Check.pass(id, what + " is consistent with the stored checkpoints");
          case INCONSISTENT -> Check.fail(id, Reason.CHECKPOINT_INCONSISTENT,
              what + " has another root than the stored checkpoint of that size");
          case UNKNOWN -> requireConsistency
              ? Check.fail(id, Reason.CHECKPOINT_CONSISTENCY_UNKNOWN, what + " cannot be linked to a stored checkpoint")
              : Check.unknown(id, Reason.CHECKPOINT_CONSISTENCY_UNKNOWN, what + " cannot be linked to a stored checkpoint");
        });
        if (witnesses > 0) {
          int best = 0;
          if (c == dev.airlock.tlog.CheckpointStore.Consistency.CONSISTENT) {
            for (dev.airlock.tlog.CheckpointStore.StoredCheckpoint s : tx.checkpoints().list()) {
              if (s.origin().equals(h.origin()) && s.size() >= h.size()) {
                best = Math.max(best, s.witnesses());
              }
            }
          }
          out.add(best >= witnesses
              ? Check.pass("tlog.checkpoint.witnessed", what + ": " + best + " witness cosignature(s)")
              : Check.fail("tlog.checkpoint.witnessed", Reason.WITNESS_THRESHOLD_NOT_MET,
                  String.valueOf(witnesses), String.valueOf(best)));
        }
      } catch (dev.airlock.db.DatabaseFailure e) {
        out.add(Check.fail(id, Reason.INTERNAL_ERROR, "checkpoint store: " + e.getMessage()));
      }
      return out;
    }
  }

  private static void identity(VerifyOptions.Builder b, IdentityMatcher m) {
    switch (m.kind()) {
      case EXACT -> b.identity(m.text());
      case REGEXP -> b.identityRegexp(m.text());
      // an rfc822Name SAN (a proper addr-spec) in exactly this domain; URIs and other SAN types never match
      case EMAIL_DOMAIN -> b.identityEmailDomain(m.text());
    }
  }

  private static void issuer(VerifyOptions.Builder b, IdentityMatcher m) {
    switch (m.kind()) {
      case EXACT -> b.issuer(m.text());
      case REGEXP -> b.issuerRegexp(m.text());
      case EMAIL_DOMAIN -> throw new IllegalStateException("an issuer is never an e-mail wildcard");
    }
  }

  /**
   * The key of a key authority with its window: a TUF-delivered key keeps its TUF window, narrowed
   * by the policy's (DESIGN.md 6a "Key authorities"); a file key has the policy's window.
   */
  static KeyAuthority keyAuthority(Authority.Key k, TrustSnapshot trust) {
    if (k.tufTarget() != null) {
      KeyAuthority installed = trust.keys().get(k.tufTarget());
      if (installed == null) {
        throw AirlockException.denied(Reason.KEY_MISSING, "authority '" + k.name() + "': "
            + k.tufTarget() + " is not a key target of the installed trust");
      }
      Optional<ValidityWindow> w = installed.window().narrow(k.window());
      if (w.isEmpty()) {
        throw AirlockException.denied(Reason.KEY_NOT_VALID_AT_TIME, "authority '" + k.name()
            + "': the policy's window " + k.window() + " does not overlap the key's TUF window "
            + installed.window());
      }
      return new KeyAuthority(installed.name(), installed.key(), w.get());
    }
    Path file = k.file();
    try {
      byte[] pem = Files.readAllBytes(file);
      PublicKey key = Keys.parsePublicKey(pem);
      return new KeyAuthority(file.toString(), key, k.window());
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.KEY_MISSING,
          "authority '" + k.name() + "': cannot read key file " + file + ": " + e.getMessage());
    } catch (Keys.KeyException e) {
      throw AirlockException.denied(e.unsupported() ? Reason.KEY_ALGORITHM_UNSUPPORTED : Reason.KEY_MALFORMED,
          "authority '" + k.name() + "': " + file + ": " + e.getMessage());
    }
  }
}
