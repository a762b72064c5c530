-- V1: the appliance and its audit log (dev.airlock.audit). Append-only; see docs/auditor-guide.md.
-- Times are ISO-8601 instants as text (what the hash chain covers, byte for byte).
CREATE TABLE appliance (
  id VARCHAR(64) PRIMARY KEY,
  created_at VARCHAR(40) NOT NULL,
  audit_public_key VARCHAR(4000) NOT NULL,
  -- the trusted clock's high-water mark: the highest verified time seen (DESIGN.md section 3)
  highest_verified_time VARCHAR(40)
);
CREATE TABLE audit_event (
  seq BIGINT PRIMARY KEY,
  event_time VARCHAR(40) NOT NULL,
  operator VARCHAR(200) NOT NULL,
  host VARCHAR(200) NOT NULL,
  command VARCHAR(200) NOT NULL,
  action VARCHAR(200) NOT NULL,
  subject VARCHAR(2000) NOT NULL,
  outcome VARCHAR(40) NOT NULL,
  -- canonical JSON (RFC 8785) array of reason codes
  reasons VARCHAR(4000) NOT NULL,
  -- canonical JSON (RFC 8785) of the verdict or change
  detail CHARACTER VARYING NOT NULL,
  prev_hash VARCHAR(64) NOT NULL,
  hash VARCHAR(64) NOT NULL
);
-- the head of the chain and the compact range of the Merkle tree (one row, id = 1)
CREATE TABLE audit_head (
  id INT PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash VARCHAR(64) NOT NULL,
  frontier VARCHAR(4096) NOT NULL
);
INSERT INTO audit_head(id, seq, hash, frontier) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', '');
-- signed checkpoints handed out in exports: a later export carries a consistency proof from each
CREATE TABLE audit_checkpoint (
  tree_size BIGINT PRIMARY KEY,
  root_hash VARCHAR(64) NOT NULL,
  note VARCHAR(4000) NOT NULL,
  issued_at VARCHAR(40) NOT NULL
);
-- policies installed by init --policy (the policy engine reads them later)
CREATE TABLE policy_install (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(1000) NOT NULL,
  digest VARCHAR(80) NOT NULL,
  bytes VARBINARY NOT NULL,
  installed_at VARCHAR(40) NOT NULL
);
