package dev.airlock.db;

import java.sql.SQLException;

/**
 * A repository call failed in the database. Repository interfaces are declared by the stages with
 * domain types only, so the {@link SQLException} travels unchecked through stage code;
 * {@link Database#transaction} rolls back and reports it as before ({@code DATABASE_BUSY} or
 * {@code DATABASE_CORRUPT}). Appliance code that used to catch the {@code SQLException} of one
 * read to degrade a single check catches this instead.
 */
public final class DatabaseFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DatabaseFailure(SQLException cause) {
    super(cause.getMessage(), cause);
  }

  /** The driver's exception (for this package: error codes, translation). */
  SQLException sqlException() {
    return (SQLException) getCause();
  }
}
