package dev.airlock.appliance;

import dev.airlock.core.Home;
import dev.airlock.core.TrustedTime;
import dev.airlock.db.Database;
import dev.airlock.policy.Authority;
import dev.airlock.policy.Policy;
import dev.airlock.policy.SignedItem;
import dev.airlock.store.BlobStore;
import dev.airlock.verify.SignatureVerdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code verify} and {@code verify-attestation} print besides the decision, as cosign does:
 * the signature payloads and attestation envelopes that verified. It never admits anything: the
 * decision ({@link Decisions#decide}) is made first and alone decides the exit code; this only
 * reads, for an admitted decision, the stored layers that verify under the same trust, policy and
 * flags, so that the output shows nothing the decision did not rely on. A decision made now carries
 * the items it evaluated ({@link Decisions.Decision#evaluated}), whose evaluations are reused; a
 * stored decision ({@code cached}) carries none, and the layers are verified here.
 */
public final class VerifiedMaterial {
  private VerifiedMaterial() {}

  /**
   * One verified layer.
   *
   * @param material the stored layer and its bytes
   * @param verdict the checks it passed, for the authority it verified as
   * @param predicateType the in-toto predicate type of an attestation, or null for a signature
   */
  public record Item(SignedMaterial.Material material, SignatureVerdict verdict, String predicateType) {}

  /**
   * The image signatures of an admitted decision that verify for an authority the decision counted
   * (with cosign's flags: for the flag-derived requirement, as cosign prints them). Empty when the
   * decision did not admit.
   */
  public static List<Item> signatures(Home home, Decisions.Request request, Decisions.Decision decision,
      AuditContext who) {
    if (!decision.stored() || !decision.admitted()) {
      return List.of();
    }
    return collect(home, request, decision, who, null);
  }

  /**
   * The attestations of {@code predicateType} of an admitted decision whose in-toto subject names the
   * image digest and that verify for the flag-derived requirement (with cosign's flags) or else for
   * any authority of the policy the image was decided under. Empty when the decision did not admit.
   */
  public static List<Item> attestations(Home home, Decisions.Request request, Decisions.Decision decision,
      AuditContext who, String predicateType) {
    if (!decision.stored() || !decision.admitted()) {
      return List.of();
    }
    return collect(home, request, decision, who, predicateType);
  }

  private static List<Item> collect(Home home, Decisions.Request request, Decisions.Decision decision,
      AuditContext who, String predicateType) {
    Decisions.Evaluated evaluated = decision.evaluated();
    if (evaluated != null) {
      return collect(decision, evaluated.items(), evaluated.flagAuthority(), predicateType);
    }
    Database db = Database.open(home);
    BlobStore blobs = BlobStore.at(home);
    return db.transaction(tx -> {
      TrustedTime time = tx.trustedNow(who.systemClock());
      TrustState trust = TrustState.current(tx, time.now());
      Authority flagAuthority = request.flags().authority();
      return collect(decision, SignedMaterial.items(tx, decision.image(), trust.snapshot(), blobs,
          decision.policy().policy(), request.flags(), flagAuthority, time.now()), flagAuthority, predicateType);
    });
  }

  private static List<Item> collect(Decisions.Decision decision, List<SignedItem> items, Authority flagAuthority,
      String predicateType) {
    Policy policy = decision.policy().policy();
    Map<String, Authority> as = new LinkedHashMap<>();
    if (flagAuthority != null) {
      as.put(CosignFlags.AUTHORITY, flagAuthority);
    } else if (predicateType == null) {
      for (SignatureVerdict s : decision.verdict().signatures()) {
        Authority a = policy.authorities().get(s.authority());
        if (s.valid() && a != null) {
          as.putIfAbsent(s.authority(), a);
        }
      }
    } else {
      as.putAll(policy.authorities());
    }
    List<Item> out = new ArrayList<>();
    for (SignedItem item : items) {
      for (Authority a : as.values()) {
        SignedItem.Evaluation e = item.evaluate(a);
        boolean ok = predicateType == null ? e.validSignature() : e.validAttestation(predicateType);
        if (ok) {
          Optional<SignedMaterial.Material> m = SignedMaterial.material(item);
          m.ifPresent(x -> out.add(new Item(x, e.verdict(), e.predicateType())));
          break;
        }
      }
    }
    return out;
  }
}
