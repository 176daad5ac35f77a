-- LedgerSync schema, version 0002: the run that last had each account as a target.
--
-- A sync sets it for every account it targets, whatever the fetch came to (a new version, unchanged content, a
-- failed or quarantined fetch). After a complete discovery, a present account whose last_run_id is not this run
-- was not listed, and is marked gone: the run never has to hold its whole target list in memory.
-- NULL for accounts no sync has targeted since this migration (the first complete discovery after it sets them).
ALTER TABLE account ADD COLUMN last_run_id INTEGER REFERENCES sync_run(id);
