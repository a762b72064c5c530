-- V2: tables of the trust stage. Owned by that stage; later changes go into new migrations.
-- One row per install (TUF update). The current snapshot is the row with the highest seq; rows are
-- never updated or deleted, so historical verdicts can name the snapshot they used.
CREATE TABLE trust_snapshot (
  seq BIGINT PRIMARY KEY,
  id VARCHAR(80) NOT NULL,
  installed_at TIMESTAMP WITH TIME ZONE NOT NULL,
  source VARCHAR(2000) NOT NULL,
  tuf_root_version INT NOT NULL,
  tuf_root_expires TIMESTAMP WITH TIME ZONE NOT NULL,
  timestamp_version INT NOT NULL,
  timestamp_expires TIMESTAMP WITH TIME ZONE NOT NULL,
  snapshot_version INT NOT NULL,
  snapshot_expires TIMESTAMP WITH TIME ZONE NOT NULL,
  targets_version INT NOT NULL,
  targets_expires TIMESTAMP WITH TIME ZONE NOT NULL,
  expired_timestamp_accepted BOOLEAN NOT NULL
);
CREATE INDEX trust_snapshot_id ON trust_snapshot(id);
-- The installed TUF targets of one snapshot: trusted roots, key authorities, policies (exact bytes).
CREATE TABLE trust_content (
  snapshot_seq BIGINT NOT NULL REFERENCES trust_snapshot(seq),
  path VARCHAR(1000) NOT NULL,
  kind VARCHAR(20) NOT NULL,
  sha256 VARCHAR(64) NOT NULL,
  custom CLOB,
  content BLOB NOT NULL,
  PRIMARY KEY (snapshot_seq, path)
);
