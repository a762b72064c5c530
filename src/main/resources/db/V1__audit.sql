-- V1: the audit log (dev.airlock.audit). Append-only; see docs/auditor-guide.md.
CREATE TABLE appliance (
  id VARCHAR(64) PRIMARY KEY,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  audit_public_key VARCHAR(4000) NOT NULL,
  highest_verified_time TIMESTAMP WITH TIME ZONE
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
  reasons VARCHAR(4000) NOT NULL,
  detail CLOB NOT NULL,
  prev_hash VARCHAR(64) NOT NULL,
  hash VARCHAR(64) NOT NULL
);
CREATE TABLE audit_head (
  id INT PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash VARCHAR(64) NOT NULL
);
INSERT INTO audit_head(id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
