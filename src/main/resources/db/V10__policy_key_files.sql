-- V10: the key files an installed policy reads (`key: {file: ...}` authorities, resolved against
-- its folder), one absolute path a line, written at install (empty: none). A stored decision's
-- key covers their bytes as they are when it is used (DESIGN.md 6b; issue 17 found that a replaced
-- key file left the decisions made with the old key current), and with this list a decision read
-- from the cache needs no parse of the policy to know them. Null for rows installed before: their
-- policy is parsed to find them, and the migration records them for every row whose policy still parses
-- (db.H2Policies.recordKeyFiles).
ALTER TABLE policy_install ADD COLUMN key_files CLOB;
