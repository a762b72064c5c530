package dev.airlock.db;

import dev.airlock.crypto.Hashing;
import dev.airlock.tlog.CheckpointRepository;
import dev.airlock.tlog.CheckpointStore.Alarm;
import dev.airlock.tlog.CheckpointStore.Fork;
import dev.airlock.tlog.CheckpointStore.StoredCheckpoint;
import dev.airlock.tlog.ConsistencyProof;
import dev.airlock.tlog.ProofException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * H2 implementation of {@link CheckpointRepository} (tables of migration V3): the SQL moved here
 * from {@code tlog.CheckpointStore} unchanged in semantics and order. A stored proof that no longer
 * parses is a corrupt database ({@code DATABASE_CORRUPT}), as before. Every method works in the
 * caller's transaction.
 */
final class H2Checkpoints implements CheckpointRepository {
  private final Connection connection;

  H2Checkpoints(Connection connection) {
    this.connection = connection;
  }

  @Override
  public int storeProof(ConsistencyProof proof) {
    return Sql.call(connection, tx -> {
      try (PreparedStatement q = tx.prepareStatement(
          "SELECT 1 FROM checkpoint_proof WHERE origin = ? AND old_size = ? AND new_size = ?")) {
        q.setString(1, proof.origin());
        q.setLong(2, proof.oldSize());
        q.setLong(3, proof.newSize());
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            return 0;
          }
        }
      }
      try (PreparedStatement p = tx.prepareStatement(
          "INSERT INTO checkpoint_proof(origin, old_size, new_size, hashes) VALUES (?,?,?,?)")) {
        p.setString(1, proof.origin());
        p.setLong(2, proof.oldSize());
        p.setLong(3, proof.newSize());
        p.setString(4, proof.hashesText());
        p.executeUpdate();
      }
      return 1;
    });
  }

  @Override
  public List<ConsistencyProof> storedProofs(String origin) {
    return Sql.call(connection, tx -> {
      List<ConsistencyProof> out = new ArrayList<>();
      try (PreparedStatement p = tx.prepareStatement(
          "SELECT old_size, new_size, hashes FROM checkpoint_proof WHERE origin = ?")) {
        p.setString(1, origin);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            try {
              out.add(ConsistencyProof.fromStored(origin, rs.getLong(1), rs.getLong(2), rs.getString(3)));
            } catch (ProofException | IllegalArgumentException e) {
              throw new SQLException("stored consistency proof of '" + origin + "' is corrupt: " + e.getMessage(), e);
            }
          }
        }
      }
      return out;
    });
  }

  @Override
  public boolean hasCheckpoint(String origin) {
    return Sql.call(connection, tx -> {
      try (PreparedStatement p = tx.prepareStatement("SELECT 1 FROM checkpoint WHERE origin = ? LIMIT 1")) {
        p.setString(1, origin);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  /** The stored roots of an origin by tree size. */
  @Override
  public TreeMap<Long, byte[]> knownRoots(String origin) {
    return Sql.call(connection, tx -> {
      TreeMap<Long, byte[]> out = new TreeMap<>();
      try (PreparedStatement p = tx.prepareStatement("SELECT tree_size, root_hash FROM checkpoint WHERE origin = ?")) {
        p.setString(1, origin);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getLong(1), Hashing.unhex(rs.getString(2)));
          }
        }
      }
      return out;
    });
  }

  /** Every stored checkpoint, by origin then size. */
  @Override
  public List<StoredCheckpoint> list() {
    return Sql.call(connection, tx -> {
      List<StoredCheckpoint> out = new ArrayList<>();
      try (PreparedStatement p = tx.prepareStatement("SELECT origin, tree_size, root_hash, signer, key_hint, "
          + "witnesses, imported_at FROM checkpoint ORDER BY origin, tree_size")) {
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(new StoredCheckpoint(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getInt(6), Instant.parse(rs.getString(7))));
          }
        }
      }
      return out;
    });
  }

  /** The stored note bytes of a checkpoint, or null. */
  @Override
  public byte[] note(String origin, long size) {
    return Sql.call(connection, tx -> {
      try (PreparedStatement p = tx.prepareStatement("SELECT note FROM checkpoint WHERE origin = ? AND tree_size = ?")) {
        p.setString(1, origin);
        p.setLong(2, size);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? rs.getBytes(1) : null;
        }
      }
    });
  }

  /** Records a fork alarm (in its own transaction: the refused import rolled back). */
  @Override
  public long raiseAlarm(Fork fork, Instant now) {
    return Sql.call(connection, tx -> {
      try (PreparedStatement p = tx.prepareStatement("INSERT INTO checkpoint_alarm(origin, tree_size, stored_root, "
          + "other_root, other_note, raised_at) VALUES (?,?,?,?,?,?)", new String[] {"ID"})) {
        p.setString(1, fork.origin());
        p.setLong(2, fork.size());
        p.setString(3, fork.storedRootHex());
        p.setString(4, fork.otherRootHex());
        p.setBytes(5, fork.otherNote());
        p.setString(6, now.toString());
        p.executeUpdate();
        try (ResultSet rs = p.getGeneratedKeys()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  /** Open fork alarms (every origin). */
  @Override
  public List<Alarm> openAlarms() {
    return Sql.call(connection, tx -> {
      List<Alarm> out = new ArrayList<>();
      try (PreparedStatement p = tx.prepareStatement("SELECT id, origin, tree_size, stored_root, other_root, raised_at "
          + "FROM checkpoint_alarm WHERE cleared_at IS NULL ORDER BY id")) {
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(new Alarm(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                Instant.parse(rs.getString(6))));
          }
        }
      }
      return out;
    });
  }

  /**
   * Clears the open alarms of {@code origin}, recording who and why; returns how many were cleared
   * (0 if none was open).
   */
  @Override
  public int clearAlarms(String origin, String operator, String reason, Instant now) {
    return Sql.call(connection, tx -> {
      try (PreparedStatement p = tx.prepareStatement("UPDATE checkpoint_alarm SET cleared_at = ?, cleared_by = ?, "
          + "cleared_reason = ? WHERE origin = ? AND cleared_at IS NULL")) {
        p.setString(1, now.toString());
        p.setString(2, operator);
        p.setString(3, reason);
        p.setString(4, origin);
        return p.executeUpdate();
      }
    });
  }

  @Override
  public void insert(StoredCheckpoint s, byte[] note) {
    Sql.run(connection, tx -> {
      try (PreparedStatement p = tx.prepareStatement("INSERT INTO checkpoint(origin, tree_size, root_hash, note, "
          + "signer, key_hint, witnesses, imported_at) VALUES (?,?,?,?,?,?,?,?)")) {
        p.setString(1, s.origin());
        p.setLong(2, s.size());
        p.setString(3, s.rootHex());
        p.setBytes(4, note);
        p.setString(5, s.signer());
        p.setString(6, s.keyHint());
        p.setInt(7, s.witnesses());
        p.setString(8, s.importedAt().toString());
        p.executeUpdate();
      }
    });
  }

  @Override
  public Optional<ConsistencyProof> findProof(String origin, long oldSize, long newSize) {
    return Sql.call(connection, tx -> {
      try (PreparedStatement q = tx.prepareStatement(
          "SELECT hashes FROM checkpoint_proof WHERE origin = ? AND old_size = ? AND new_size = ?")) {
        q.setString(1, origin);
        q.setLong(2, oldSize);
        q.setLong(3, newSize);
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            try {
              return Optional.of(ConsistencyProof.fromStored(origin, oldSize, newSize, rs.getString(1)));
            } catch (ProofException | IllegalArgumentException e) {
              throw new SQLException("stored consistency proof of '" + origin + "' is corrupt: " + e.getMessage(), e);
            }
          }
        }
      }
      return Optional.<ConsistencyProof>empty();
    });
  }
}
