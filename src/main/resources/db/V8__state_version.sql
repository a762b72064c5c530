-- V8: the state version and the read-only user (dev.airlock.db.Database; docs/operator-guide.md).
-- One row, id = 1: a counter every state-changing transaction increments before it commits (under
-- the write lock, the audit head row), so a long-running process (serve) re-derives what it caches
-- only when the counter moved. Serve's own audit events do not move it.
CREATE TABLE state_version (
  id INT PRIMARY KEY,
  version BIGINT NOT NULL
);
INSERT INTO state_version(id, version) VALUES (1, 0);
-- The user of Database.readTransaction: it may read every table of the schema and write none, so
-- a per-request read of serve cannot change state by mistake.
CREATE USER IF NOT EXISTS airlock_reader PASSWORD '';
GRANT SELECT ON SCHEMA PUBLIC TO airlock_reader;
