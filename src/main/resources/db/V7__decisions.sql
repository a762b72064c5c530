-- V7: stored decisions are a cache, never an authority (DESIGN.md 6b). One row per (digest,
-- reference as asked); it is used only while every key column equals the current state and the
-- trusted now is before valid_until. Written only for decisions under the installed policy with
-- no command-line flags; what-ifs store nothing.
CREATE TABLE decision_cache (
  digest VARCHAR(140) NOT NULL,
  reference VARCHAR(700) NOT NULL,
  policy_digest VARCHAR(100) NOT NULL,
  trust_id VARCHAR(200) NOT NULL,
  tlog_state VARCHAR(100) NOT NULL,
  decision VARCHAR(20) NOT NULL,
  releasable BOOLEAN NOT NULL,
  reasons VARCHAR(4000) NOT NULL,
  verdict CLOB NOT NULL,
  decided_at TIMESTAMP WITH TIME ZONE NOT NULL,
  valid_until TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (digest, reference)
);
CREATE INDEX decision_cache_by_digest ON decision_cache(digest);
