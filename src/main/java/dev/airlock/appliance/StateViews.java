package dev.airlock.appliance;

import dev.airlock.audit.AuditCheckpoint;
import dev.airlock.audit.AuditEvent;
import dev.airlock.core.Home;
import dev.airlock.db.Database;
import dev.airlock.policy.PolicyStore;
import dev.airlock.tlog.CheckpointStore;
import dev.airlock.trust.InstalledSnapshot;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedClock;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Read-only views of the appliance state for the edges ({@code show} commands), each read in one
 * transaction, plus the two small writes the edges need without a use case of their own (a
 * single audit event, the checkpoint refresh after every commit). The edges never hold a
 * transaction (STYLE.md: {@code cli} → {@code appliance}).
 */
public final class StateViews {
  private StateViews() {}

  /** {@code trust show}: the installed snapshot, its history, the trusted clock and open alarms. */
  public record TrustView(Optional<InstalledSnapshot> info, Optional<TrustSnapshot> snapshot,
      List<InstalledSnapshot> history, TrustedClock clock, List<CheckpointStore.Alarm> alarms) {}

  /** {@code checkpoint show}: the stored checkpoints and the open fork alarms. */
  public record CheckpointView(List<CheckpointStore.StoredCheckpoint> checkpoints,
      List<CheckpointStore.Alarm> alarms) {}

  public static TrustView trust(Home home, Clock systemClock) {
    return Database.open(home).transaction(tx -> new TrustView(tx.trust().currentInfo(), tx.trust().current(),
        tx.trust().history(), TrustedClock.read(tx.trust(), systemClock), tx.checkpoints().openAlarms()));
  }

  public static CheckpointView checkpoints(Home home) {
    return Database.open(home).transaction(tx ->
        new CheckpointView(tx.checkpoints().list(), tx.checkpoints().openAlarms()));
  }

  /** The appliance's trusted now (DESIGN.md section 3): max(system clock, highest verified time). */
  public static java.time.Instant trustedNow(Home home, Clock systemClock) {
    return Database.open(home).transaction(tx -> tx.trustedNow(systemClock).now());
  }

  /** The installed trust snapshot, if any. */
  public static Optional<TrustSnapshot> installedTrust(Home home) {
    return Database.open(home).transaction(tx -> tx.trust().current());
  }

  /** The installed policy, if any. */
  public static Optional<PolicyStore.Installed> installedPolicy(Home home) {
    return Database.open(home).transaction(tx -> tx.policies().current());
  }

  /** What {@link #keepOpen} returns: close it when the command ends. */
  public interface Kept extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Keeps the home's database open in this process until the command closes the result (see
   * {@code Database.keepOpen}): one H2 open per short command instead of one per unit of work.
   * Does nothing for a home that is not initialised or whose database another process has open.
   */
  public static Kept keepOpen(Home home) {
    Database.Holder h = Database.keepOpen(home);
    return h == null ? () -> { } : h::close;
  }

  /** Appends one event in its own transaction (a command whose only state change is its event). */
  public static long audit(Home home, AuditEvent event) {
    return Database.open(home).transaction(tx -> tx.audit().append(event));
  }

  /** For the CLI's warm-up thread: the database's first class initialisers ({@link dev.airlock.db.DatabaseWarmup}). */
  public static void warmUpDatabase() {
    dev.airlock.db.DatabaseWarmup.run();
  }

  /**
   * After every commit that grew the audit log, sign a fresh checkpoint into the home (see
   * {@link AuditCheckpoint#refresh}). Installed once per process by the edges.
   */
  public static void signAuditCheckpointsAfterCommit() {
    Database.setAfterCommit((h, tx) -> AuditCheckpoint.refresh(h, tx.audit()));
  }
}
