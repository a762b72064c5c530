-- V9: what a stored decision's `verify` prints besides the verdict (issue 17, cold start): the
-- signature layers that verified and the authority each verified for, as a JSON array written with
-- the decision (dev.airlock.appliance.VerifiedMaterial.Printed), so that a verify that reads the
-- stored decision does not verify every layer again only to print it. Null for rows written before
-- (and when the layers could not be named): such a verify verifies them, as before.
ALTER TABLE decision_cache ADD COLUMN printed CLOB;
