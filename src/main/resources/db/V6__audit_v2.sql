-- V6: audit event format v2 (dev.airlock.audit; docs/auditor-guide.md, section 3a).
-- Every event states its format version. The rows written before this migration are format v1
-- (their hash covers the V1 columns only) and get 1 here; v1 rows have no account, sudo_user or
-- reason (NULL), and the verifier refuses a v1 row that has one. From now on every row is written
-- with its version stated explicitly (the default is dropped, so a row cannot be v1 by omission).
ALTER TABLE audit_event ADD COLUMN format_version INT DEFAULT 1 NOT NULL;
ALTER TABLE audit_event ALTER COLUMN format_version DROP DEFAULT;
-- v2 "who": the operating-system account running airlock, and SUDO_USER when it ran under sudo
ALTER TABLE audit_event ADD COLUMN account VARCHAR(200);
ALTER TABLE audit_event ADD COLUMN sudo_user VARCHAR(200);
-- v2 "why": the operator's free text given with --reason
ALTER TABLE audit_event ADD COLUMN reason VARCHAR(4000);
