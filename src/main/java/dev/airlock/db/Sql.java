package dev.airlock.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs one repository call on a connection. Repository interfaces are declared by the stages with
 * domain types only, so a {@link SQLException} leaves a repository as {@link DatabaseFailure} (unchecked)
 * and {@link Database#transaction} turns it back into the same {@code DATABASE_BUSY} /
 * {@code DATABASE_CORRUPT} failure as before, after rolling back.
 */
final class Sql {
  private Sql() {}

  /** Work on a connection that returns a value. */
  @FunctionalInterface
  interface Call<T> {
    T run(Connection c) throws SQLException;
  }

  /** Work on a connection that returns nothing. */
  @FunctionalInterface
  interface Run {
    void run(Connection c) throws SQLException;
  }

  static <T> T call(Connection c, Call<T> work) {
    try {
      return work.run(c);
    } catch (SQLException e) {
      throw new DatabaseFailure(e);
    }
  }

  static void run(Connection c, Run work) {
    try {
      work.run(c);
    } catch (SQLException e) {
      throw new DatabaseFailure(e);
    }
  }
}
