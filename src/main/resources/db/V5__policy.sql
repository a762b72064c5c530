-- V5: the policy stage (dev.airlock.policy.PolicyStore). policy_install (V1) records every
-- installed policy; these columns say where it came from and where its relative key files live.
ALTER TABLE policy_install ADD COLUMN source VARCHAR(200) DEFAULT 'init' NOT NULL;
ALTER TABLE policy_install ADD COLUMN base_dir VARCHAR(4000);
