package dev.airlock.appliance;

import dev.airlock.db.Transaction;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import dev.airlock.trust.InstalledSnapshot;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The installed trust as a decision sees it: the snapshot, its install record, and whether it is
 * still in force (DESIGN.md 6b "Installed trust expires").
 *
 * @param expires the earliest expiry of the roles that bind it (the timestamp role is left out
 *     while its named, audited acceptance is in force)
 */
public record TrustState(InstalledSnapshot info, TrustSnapshot snapshot, Instant expires) {

  /**
   * The current trust, in force at {@code now}.
   *
   * @throws AirlockException CANNOT_DECIDE TRUST_NOT_INSTALLED, or TUF_EXPIRED naming the role
   */
  public static TrustState current(Transaction tx, Instant now) {
    return inForce(tx, now).load(tx);
  }

  /**
   * The install record of the current trust, checked to be in force at {@code now}, without
   * reading the snapshot's content: what a stored decision's key needs ({@link #cacheId}); the
   * content is read only for a decision made now ({@link InForce#load}).
   *
   * @throws AirlockException CANNOT_DECIDE TRUST_NOT_INSTALLED, or TUF_EXPIRED naming the role
   */
  public static InForce inForce(Transaction tx, Instant now) {
    InstalledSnapshot info = tx.trust().currentInfo().orElseThrow(() -> AirlockException.cannotDecide(
        Reason.TRUST_NOT_INSTALLED, "no trust is installed; import a medium with a TUF repository"));
    List<String> expired = new ArrayList<>();
    Instant earliest = null;
    for (Role role : roles(info)) {
      Instant t = role.expires();
      if (t == null) {
        continue;
      }
      if (!now.isBefore(t)) {
        expired.add(role.name() + " (expired " + t + ")");
      }
      earliest = earliest == null || t.isBefore(earliest) ? t : earliest;
    }
    if (!expired.isEmpty()) {
      throw AirlockException.cannotDecide(Reason.TUF_EXPIRED, "the installed trust has expired: TUF "
          + String.join(", ", expired) + " at the trusted time " + now
          + "; import a medium with a fresh TUF repository ('airlock trust update DIR')");
    }
    return new InForce(info, earliest);
  }

  /** The current trust's install record, in force; see {@link #inForce}. */
  public record InForce(InstalledSnapshot info, Instant expires) {
    /** The id of this install in decision cache keys: the install sequence and the content id. */
    public String cacheId() {
      return info.seq() + ":" + info.id();
    }

    /** With the snapshot's content, read in the same transaction. */
    public TrustState load(Transaction tx) {
      return new TrustState(info, tx.trust().current().orElseThrow(), expires);
    }
  }

  private record Role(String name, Instant expires) {}

  private static List<Role> roles(InstalledSnapshot s) {
    List<Role> out = new ArrayList<>();
    out.add(new Role("root v" + s.tufRootVersion(), s.tufRootExpires()));
    out.add(new Role("targets v" + s.targetsVersion(), s.targetsExpires()));
    out.add(new Role("snapshot v" + s.snapshotVersion(), s.snapshotExpires()));
    if (!s.expiredTimestampAccepted()) {
      // the accepted expiry covers the timestamp role only (DESIGN.md 6b)
      out.add(new Role("timestamp v" + s.timestampVersion(), s.timestampExpires()));
    }
    return out;
  }

  /** The id of this install in decision cache keys: the install sequence and the content id. */
  public String cacheId() {
    return new InForce(info, expires).cacheId();
  }
}
