package dev.airlock.trust;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The installed trust state in the appliance database (tables of migration V2). Reads the current
 * snapshot; installs new ones atomically inside the caller's transaction.
 */
public final class TrustStore {
  private TrustStore() {}

  /** The current trust snapshot, if any trust was installed. */
  public static Optional<TrustSnapshot> current(Connection tx) throws SQLException {
    throw new AirlockException(AirlockException.Kind.INTERNAL, Reason.NOT_IMPLEMENTED,
        "trust store not implemented yet");
  }
}
