-- LedgerSync schema, version 0008: the backups `serve` takes, and an alert kind for them.
--
-- Each backup `serve` takes on its schedule ([backup] dir, every, keep) is recorded here, whether it was written and
-- verified or failed, so that the status API, /metrics, the dashboard and the `backup` alert answer from the ledger
-- (across restarts of serve, and from any process that reads the ledger).
CREATE TABLE backup_run (
    id              INTEGER PRIMARY KEY,
    started_at      INTEGER NOT NULL,
    finished_at     INTEGER NOT NULL CHECK (finished_at >= started_at),
    outcome         TEXT NOT NULL CHECK (outcome IN ('ok', 'failed')),
    -- The backup file (ok), or the file it was to be (failed).
    path            TEXT NOT NULL CHECK (length(path) > 0),
    bytes           INTEGER CHECK (bytes IS NULL OR bytes >= 0),
    sha256          TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),
    chain_position  INTEGER CHECK (chain_position IS NULL OR chain_position >= 0),
    chain_hash      TEXT CHECK (chain_hash IS NULL OR length(chain_hash) = 64),
    -- Why it failed: a sentence without secrets (paths and SQLite's words only).
    error           TEXT,
    -- Older backups this one allowed to be removed (beyond `keep`), once it had verified.
    pruned          INTEGER NOT NULL DEFAULT 0 CHECK (pruned >= 0),
    CHECK ((outcome = 'ok') = (error IS NULL)),
    CHECK (outcome = 'failed' OR (bytes IS NOT NULL AND sha256 IS NOT NULL AND chain_hash IS NOT NULL))
) STRICT;
CREATE INDEX backup_run_outcome ON backup_run(outcome, finished_at);

-- alert_state.kind gains 'backup': a CHECK cannot be altered in SQLite, so the table is rebuilt with its rows and
-- ids (alert_delivery and fact_chain refer to them), as 0003 rebuilt its tables.
CREATE TABLE alert_state_0008 (
    id              INTEGER PRIMARY KEY,
    rule            TEXT NOT NULL CHECK (length(rule) > 0),
    kind            TEXT NOT NULL CHECK (kind IN ('balance_below', 'credit_ending', 'stale', 'sync_failing',
                                                  'new_conflict', 'backup')),
    subject         TEXT NOT NULL,
    source          TEXT,
    account_key     TEXT,
    state           TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),
    firing_since    INTEGER NOT NULL,
    resolved_at     INTEGER CHECK (resolved_at IS NULL OR resolved_at >= firing_since),
    message         TEXT NOT NULL,
    figures         TEXT NOT NULL DEFAULT '{}',
    CHECK ((state = 'firing') = (resolved_at IS NULL))
) STRICT;
INSERT INTO alert_state_0008 (id, rule, kind, subject, source, account_key, state, firing_since, resolved_at, message,
    figures)
SELECT id, rule, kind, subject, source, account_key, state, firing_since, resolved_at, message, figures
FROM alert_state;
DROP TABLE alert_state;
ALTER TABLE alert_state_0008 RENAME TO alert_state;
CREATE UNIQUE INDEX alert_state_open ON alert_state(rule, subject) WHERE state = 'firing';
CREATE INDEX alert_state_recent ON alert_state(firing_since);
