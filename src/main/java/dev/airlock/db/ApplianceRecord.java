package dev.airlock.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;

/**
 * The {@code appliance} row (migration V1): who this appliance is, the key its audit log is
 * signed with, and the verified-time high-water mark it starts from. Written once by {@code init};
 * the audit and trust repositories read it.
 */
public final class ApplianceRecord {
  private final Connection connection;

  ApplianceRecord(Connection connection) {
    this.connection = connection;
  }

  /**
   * Inserts the row of a new home.
   *
   * @param highestVerifiedTime carried over from a home moved aside, or null
   */
  public void create(String id, Instant createdAt, String auditPublicKeyPem, Instant highestVerifiedTime) {
    Sql.run(connection, tx -> {
      try (PreparedStatement p = tx.prepareStatement(
          "INSERT INTO appliance(id, created_at, audit_public_key, highest_verified_time) VALUES (?,?,?,?)")) {
        p.setString(1, id);
        p.setString(2, createdAt.toString());
        p.setString(3, auditPublicKeyPem);
        p.setString(4, highestVerifiedTime == null ? null : highestVerifiedTime.toString());
        p.executeUpdate();
      }
    });
  }
}
