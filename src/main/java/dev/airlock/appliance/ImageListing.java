package dev.airlock.appliance;

import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.store.DecisionStore;
import dev.airlock.store.StoredImage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code images}: every stored image with, per reference, its stored decision if it is still
 * current (DESIGN.md 6b), else {@code stale}. Listing decides nothing and never shows {@code admit}
 * for a decision made under another policy, trust or log state, or past its {@code validUntil}.
 */
public final class ImageListing {
  private ImageListing() {}

  /**
   * One reference of an image.
   *
   * @param state {@code admit}, {@code deny}, {@code stale} or {@code undecided}
   * @param lastDecision the stored decision when it is stale, else null
   */
  public record Name(String reference, String state, boolean current, String lastDecision, Instant decidedAt,
      Instant validUntil, List<String> reasons) {}

  public record Image(StoredImage image, List<Name> names) {}

  public static List<Image> list(Home home, AuditContext who) {
    return Database.open(home).transaction(tx -> {
      Instant now = tx.trustedNow(who.systemClock()).now();
      List<Image> out = new ArrayList<>();
      for (StoredImage s : tx.images().list()) {
        List<String> refs = s.references().isEmpty() ? List.of(s.digest().toString()) : s.references();
        List<DecisionStore.Entry> all = tx.decisions().forDigest(s.digest().toString());
        List<Name> names = new ArrayList<>();
        for (String r : refs) {
          Optional<DecisionStore.Entry> current = Decisions.current(tx, s, r, now);
          Optional<DecisionStore.Entry> last = all.stream().filter(e -> e.reference().equals(r)).findFirst();
          if (current.isPresent()) {
            DecisionStore.Entry e = current.get();
            names.add(new Name(r, e.decision(), true, null, e.decidedAt(), e.validUntil(), e.reasons()));
          } else if (last.isPresent()) {
            DecisionStore.Entry e = last.get();
            names.add(new Name(r, "stale", false, e.decision(), e.decidedAt(), e.validUntil(), e.reasons()));
          } else {
            names.add(new Name(r, "undecided", false, null, null, null, List.of()));
          }
        }
        out.add(new Image(s, names));
      }
      return out;
    });
  }
}
