package dev.airlock.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Json;
import dev.airlock.core.JsonFields;
import dev.airlock.core.TrustedTime;
import dev.airlock.db.Database;
import dev.airlock.policy.Authority;
import dev.airlock.policy.Policy;
import dev.airlock.policy.SignedItem;
import dev.airlock.oci.AttachedSignature;
import dev.airlock.store.BlobStore;
import dev.airlock.verify.SignatureVerdict;
import dev.airlock.verify.Verdict;
import java.nio.charset.StandardCharsets;
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
 * the items it evaluated ({@link Decisions.Decision#evaluated}), whose evaluations are reused. A
 * stored decision ({@code cached}) carries what it printed when it was made ({@link Printed},
 * stored in the same row as its verdict, under the same key): the same layers are read again from
 * the content store, which checks their digests; without that record (rows stored before migration
 * V9, a layer gone or damaged) the layers are verified here, as before.
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
   * What a stored decision remembers of its printout: an image signature layer that verified (its
   * position among the stored image's attached signatures, its carrier and digest) and what is
   * printed of the authority it verified for.
   */
  public record Printed(int at, String carrier, String layer, String authority, String kind, String identity,
      String issuer) {
    private static final String WHAT = "stored decision printout";

    /** The records as stored (a JSON array), or null for none. */
    static String write(List<Printed> printed) {
      return printed == null ? null : Json.write(printed);
    }

    /** The stored records, or null when there are none or they cannot be read (then: verify). */
    static List<Printed> read(String stored) {
      if (stored == null) {
        return null;
      }
      try {
        JsonNode arr = Json.parse(stored.getBytes(StandardCharsets.UTF_8), WHAT);
        if (!arr.isArray()) {
          return null;
        }
        List<Printed> out = new ArrayList<>();
        JsonFields.Path at = JsonFields.Path.root(WHAT);
        for (JsonNode n : arr) {
          if (!n.isObject() || !n.path("at").canConvertToExactIntegral()) {
            return null;
          }
          out.add(new Printed(n.path("at").intValue(), JsonFields.text(n, at, "carrier"), JsonFields.text(n, at, "layer"),
              JsonFields.text(n, at, "authority"), JsonFields.text(n, at, "kind"), JsonFields.text(n, at, "identity"),
              JsonFields.text(n, at, "issuer")));
        }
        return out;
      } catch (AirlockException e) {
        return null;
      }
    }
  }

  /**
   * What {@link #signatures} prints for a decision made now from {@code items}, as records to store
   * with it; null when it does not admit or an item is not a stored layer.
   */
  static String printed(dev.airlock.store.StoredImage image, Verdict verdict, Policy policy, List<SignedItem> items) {
    if (!verdict.admitted()) {
      return null;
    }
    List<Printed> out = new ArrayList<>();
    for (Item it : collect(verdict, policy, items, null, null)) {
      AttachedSignature a = it.material().attached();
      int at = image.signatures().indexOf(a);
      if (at < 0) {
        return null;
      }
      SignatureVerdict v = it.verdict();
      out.add(new Printed(at, a.carrier().toString(), a.layer().digest().toString(), v.authority(), v.kind(),
          v.identity(), v.issuer()));
    }
    return Printed.write(out);
  }

  /**
   * The items a stored decision printed when it was made, read again from the content store (which
   * checks each digest), or null when any is gone, damaged or not where the record says.
   */
  private static List<Item> stored(BlobStore blobs, Decisions.Decision decision, List<Printed> printed) {
    List<AttachedSignature> all = decision.image().signatures();
    List<Item> out = new ArrayList<>();
    for (Printed p : printed) {
      if (p.at() < 0 || p.at() >= all.size()) {
        return null;
      }
      AttachedSignature a = all.get(p.at());
      if (!SignedMaterial.isItem(decision.image(), a) || !a.carrier().toString().equals(p.carrier())
          || !a.layer().digest().toString().equals(p.layer())) {
        return null;
      }
      byte[] b = SignedMaterial.read(blobs, a).bytes();
      if (b == null) {
        return null;
      }
      out.add(new Item(new SignedMaterial.Material(a, b),
          new SignatureVerdict(p.authority(), p.kind(), p.identity(), p.issuer(), null, null, List.of()), null));
    }
    return out;
  }

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
    if (decision.evaluated() == null && decision.printed() != null && request.flags().authority() == null) {
      List<Item> s = stored(BlobStore.at(home), decision, decision.printed());
      if (s != null) {
        return s;
      }
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
      return collect(decision.verdict(), decision.policy().policy(), evaluated.items(), evaluated.flagAuthority(),
          predicateType);
    }
    Database db = Database.open(home);
    BlobStore blobs = BlobStore.at(home);
    return db.transaction(tx -> {
      TrustedTime time = tx.trustedNow(who.systemClock());
      TrustState trust = TrustState.current(tx, time.now());
      Authority flagAuthority = request.flags().authority();
      Policy policy = decision.policy().policy();
      return collect(decision.verdict(), policy, SignedMaterial.items(tx, decision.image(), trust.snapshot(), blobs,
          policy, request.flags(), flagAuthority, time.now()), flagAuthority, predicateType);
    });
  }

  private static List<Item> collect(Verdict verdict, Policy policy, List<SignedItem> items, Authority flagAuthority,
      String predicateType) {
    Map<String, Authority> as = new LinkedHashMap<>();
    if (flagAuthority != null) {
      as.put(CosignFlags.AUTHORITY, flagAuthority);
    } else if (predicateType == null) {
      for (SignatureVerdict s : verdict.signatures()) {
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
