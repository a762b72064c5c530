package dev.airlock.db;

import dev.airlock.audit.AuditLog;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The row mapping of {@code audit_event}: the columns {@link H2Audit} selects and how a row becomes
 * an {@link AuditLog.StoredEvent}. Public for tests that tamper with the table directly.
 */
public final class AuditRows {
  private AuditRows() {}

  /** The columns of {@code audit_event} that {@link #read} maps, in its order. */
  public static final String COLUMNS = "seq, event_time, operator, host, command, action, subject, outcome, "
      + "reasons, detail, prev_hash, hash, format_version, account, sudo_user, reason";

  /**
   * Reads one row selected with {@link #COLUMNS}. The format version is read as the integer it is
   * (a NULL would read as 0, an unknown version, and is refused by the verifier).
   */
  public static AuditLog.StoredEvent read(ResultSet rs) throws SQLException {
    return new AuditLog.StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
        rs.getString(10), rs.getString(11), rs.getString(12), rs.getInt(13), rs.getString(14),
        rs.getString(15), rs.getString(16));
  }
}
