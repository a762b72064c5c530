-- V3: tables of the checkpoints stage. Owned by that stage; later changes go into new migrations.
-- Every verified checkpoint per origin (each origin is its own tree). The note is kept as evidence.
CREATE TABLE checkpoint (
  origin VARCHAR(1000) NOT NULL,
  tree_size BIGINT NOT NULL,
  root_hash VARCHAR(64) NOT NULL,
  note VARBINARY(65536) NOT NULL,
  signer VARCHAR(1000) NOT NULL,
  key_hint VARCHAR(8) NOT NULL,
  witnesses INT NOT NULL,
  imported_at VARCHAR(40) NOT NULL,
  PRIMARY KEY (origin, tree_size)
);
-- RFC 9162 consistency proofs seen on media (hashes as a comma-separated hex list). A proof is
-- re-verified against stored roots whenever it is used; storing it proves nothing by itself.
CREATE TABLE checkpoint_proof (
  origin VARCHAR(1000) NOT NULL,
  old_size BIGINT NOT NULL,
  new_size BIGINT NOT NULL,
  hashes VARCHAR(8000) NOT NULL,
  PRIMARY KEY (origin, old_size, new_size)
);
-- Fork alarms: two verified checkpoints of one origin with the same size and different roots.
-- An alarm stays open until 'checkpoint clear-alarm' records who cleared it and why.
CREATE TABLE checkpoint_alarm (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  origin VARCHAR(1000) NOT NULL,
  tree_size BIGINT NOT NULL,
  stored_root VARCHAR(64) NOT NULL,
  other_root VARCHAR(64) NOT NULL,
  other_note VARBINARY(65536) NOT NULL,
  raised_at VARCHAR(40) NOT NULL,
  cleared_at VARCHAR(40),
  cleared_by VARCHAR(200),
  cleared_reason VARCHAR(4000)
);
