package dev.airlock.db;

import dev.airlock.policy.PolicyRepository;
import dev.airlock.store.DecisionRepository;
import dev.airlock.tlog.CheckpointRepository;
import dev.airlock.store.ImageRepository;
import dev.airlock.audit.AuditStore;
import dev.airlock.core.TrustedTime;
import dev.airlock.trust.TrustRepository;
import dev.airlock.trust.TrustedClock;
import java.sql.Connection;
import java.time.Clock;

/**
 * One open transaction of {@link Database#transaction} (or of {@link Database#readTransaction} and
 * {@link Database#auditTransaction}, see there for what each may do): the repositories of every
 * stage, all on the same connection, so that what one unit of work changes commits or rolls back together
 * (DESIGN.md section 3: trust, checkpoints and images change atomically). Only the appliance layer
 * holds a transaction; stages receive the repository interfaces they declared.
 */
public final class Transaction {
  private final Connection c;

  Transaction(Connection c) {
    this.c = c;
  }

  public ImageRepository images() {
    return new H2Images(c);
  }

  public DecisionRepository decisions() {
    return new H2Decisions(c);
  }

  public PolicyRepository policies() {
    return new H2Policies(c);
  }

  public CheckpointRepository checkpoints() {
    return new H2Checkpoints(c);
  }

  public ApplianceRecord appliance() {
    return new ApplianceRecord(c);
  }

  public AuditStore audit() {
    return new H2Audit(c);
  }

  public TrustRepository trust() {
    return new H2Trust(c);
  }

  /**
   * The state version ({@link Database#stateVersion()}) as this transaction sees it. A cache that
   * derives from state MUST read the version before the state it derives from (each statement sees
   * the last commit before it, so a change committed in between then only makes the next read of
   * the version differ, and the cache re-derives once more than needed, never once too few).
   */
  public long stateVersion() {
    return Sql.call(c, Database::stateVersion);
  }

  /** The appliance's trusted "now" in this transaction (see {@link TrustedClock#trustedNow}). */
  public TrustedTime trustedNow(Clock systemClock) {
    return TrustedClock.trustedNow(trust(), systemClock);
  }

  /**
   * The raw JDBC connection, for this package and for tests that tamper with the tables directly.
   * ArchitectureTest fails any main code outside {@code db} that touches {@code java.sql}, so the
   * stages and the appliance layer cannot use it.
   */
  public Connection connection() {
    return c;
  }
}
