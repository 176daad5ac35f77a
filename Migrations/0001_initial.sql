-- LedgerSync schema, version 0001.
--
-- Conventions
--   * Every instant is INTEGER milliseconds since 1970-01-01T00:00:00Z (UTC).
--   * Every amount is INTEGER in units of 10^-4 (column names end in _e4), so SQL SUM is exact. The unit of an
--     amount (CNY, tokens, SU, ...) is stored beside it; amounts of different units are never added.
--   * Tables are STRICT: SQLite refuses a value of the wrong type instead of converting it.
--   * A migration that has landed is never edited: a change to the schema is a new numbered file.

-- Bookkeeping for the migrator: the SHA-256 of each applied migration file, as it was when applied.
CREATE TABLE schema_migration (
    id          TEXT PRIMARY KEY,
    sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
    applied_at  INTEGER NOT NULL
) STRICT;

-- A configured source instance: the [sources.NAME] table of the config.
CREATE TABLE source_instance (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    kind        TEXT NOT NULL CHECK (kind IN ('modelrouter', 'dms_credit', 'twcc_wallet')),
    created_at  INTEGER NOT NULL,
    UNIQUE (id, kind)
) STRICT;

-- One remote account per source instance, identified by the source's natural key.
CREATE TABLE account (
    id                  INTEGER PRIMARY KEY,
    source_id           INTEGER NOT NULL,
    kind                TEXT NOT NULL,
    -- ModelRouter: the client (department) id.
    mr_client_id        INTEGER,
    -- DMS customer credit: org_id + org_type.
    dms_org_id          INTEGER,
    dms_org_type        INTEGER,
    -- TWCC: prj_sys_code + wallet_code.
    twcc_prj_sys_code   TEXT,
    twcc_wallet_code    TEXT,
    -- The natural key as one text, for display and filters: "17", "101:2", "MST123456/W0001".
    account_key         TEXT NOT NULL GENERATED ALWAYS AS (
        CASE kind
            WHEN 'modelrouter' THEN CAST(mr_client_id AS TEXT)
            WHEN 'dms_credit'  THEN CAST(dms_org_id AS TEXT) || ':' || CAST(dms_org_type AS TEXT)
            ELSE twcc_prj_sys_code || '/' || twcc_wallet_code
        END) STORED,
    display_name        TEXT,
    -- TWCC: the project's mother wallet for a child wallet; ModelRouter: the parent department.
    parent_account_id   INTEGER REFERENCES account(id),
    first_seen_at       INTEGER NOT NULL,
    last_seen_at        INTEGER NOT NULL,
    FOREIGN KEY (source_id, kind) REFERENCES source_instance(id, kind),
    CHECK (parent_account_id IS NULL OR parent_account_id <> id),
    CHECK (
        (kind = 'modelrouter' AND mr_client_id IS NOT NULL
            AND dms_org_id IS NULL AND dms_org_type IS NULL
            AND twcc_prj_sys_code IS NULL AND twcc_wallet_code IS NULL)
     OR (kind = 'dms_credit' AND dms_org_id IS NOT NULL AND dms_org_type IS NOT NULL
            AND mr_client_id IS NULL AND twcc_prj_sys_code IS NULL AND twcc_wallet_code IS NULL)
     OR (kind = 'twcc_wallet' AND length(twcc_prj_sys_code) > 0 AND length(twcc_wallet_code) > 0
            AND mr_client_id IS NULL AND dms_org_id IS NULL AND dms_org_type IS NULL)
    ),
    UNIQUE (source_id, account_key)
) STRICT;
CREATE INDEX account_parent ON account(parent_account_id) WHERE parent_account_id IS NOT NULL;

-- A run of `ledgersync sync`.
CREATE TABLE sync_run (
    id          INTEGER PRIMARY KEY,
    started_at  INTEGER NOT NULL,
    ended_at    INTEGER,
    status      TEXT NOT NULL CHECK (status IN ('running', 'complete', 'partial', 'failed', 'interrupted')),
    -- 'online', 'capture' (online, also writing a capture) or 'replay' (from a capture directory).
    mode        TEXT NOT NULL DEFAULT 'online' CHECK (mode IN ('online', 'capture', 'replay', 'rebuild')),
    host        TEXT,
    pid         INTEGER,
    message     TEXT,
    CHECK (ended_at IS NULL OR ended_at >= started_at),
    CHECK ((status = 'running') = (ended_at IS NULL))
) STRICT;

-- Counts per source for one run.
CREATE TABLE sync_run_source (
    run_id          INTEGER NOT NULL REFERENCES sync_run(id),
    source_id       INTEGER NOT NULL REFERENCES source_instance(id),
    status          TEXT NOT NULL CHECK (status IN ('running', 'complete', 'partial', 'failed')),
    discovery       TEXT NOT NULL DEFAULT 'none' CHECK (discovery IN ('none', 'complete', 'partial', 'failed')),
    targets         INTEGER NOT NULL DEFAULT 0 CHECK (targets >= 0),
    fetched         INTEGER NOT NULL DEFAULT 0 CHECK (fetched >= 0),
    versions_added  INTEGER NOT NULL DEFAULT 0 CHECK (versions_added >= 0),
    unchanged       INTEGER NOT NULL DEFAULT 0 CHECK (unchanged >= 0),
    gone            INTEGER NOT NULL DEFAULT 0 CHECK (gone >= 0),
    conflicts       INTEGER NOT NULL DEFAULT 0 CHECK (conflicts >= 0),
    errors          INTEGER NOT NULL DEFAULT 0 CHECK (errors >= 0),
    quarantined     INTEGER NOT NULL DEFAULT 0 CHECK (quarantined >= 0),
    log_entries     INTEGER NOT NULL DEFAULT 0 CHECK (log_entries >= 0),
    PRIMARY KEY (run_id, source_id)
) STRICT, WITHOUT ROWID;

-- The exact bytes of a response that something in this store was derived from.
CREATE TABLE raw_response (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER REFERENCES sync_run(id),
    source_id       INTEGER NOT NULL REFERENCES source_instance(id),
    -- Request identity: method, URL path and query with no credential in it, and the API action if any.
    method          TEXT NOT NULL,
    url             TEXT NOT NULL,
    action          TEXT,
    http_status     INTEGER NOT NULL CHECK (http_status BETWEEN 100 AND 599),
    -- The response's Date header, when it had a valid one.
    date_header_at  INTEGER,
    received_at     INTEGER NOT NULL,
    request_id      TEXT,
    sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
    body            BLOB NOT NULL
) STRICT;
CREATE INDEX raw_response_run ON raw_response(run_id);

-- Bitemporal balance versions.
--   valid time    [valid_from, valid_to): when the value was true at the source (gmtModified, else observation);
--   recorded time [recorded_at, superseded_at): when this store held the row as its belief.
-- A row is never deleted: a correction supersedes it and records its replacement.
CREATE TABLE balance_version (
    id                  INTEGER PRIMARY KEY,
    account_id          INTEGER NOT NULL REFERENCES account(id),
    valid_from          INTEGER NOT NULL,
    valid_to            INTEGER,
    recorded_at         INTEGER NOT NULL,
    superseded_at       INTEGER,
    -- 'present': the source reported the account; 'gone': a complete discovery no longer listed it.
    state               TEXT NOT NULL DEFAULT 'present' CHECK (state IN ('present', 'gone')),
    unit                TEXT CHECK (unit IS NULL OR length(unit) > 0),
    available_balance_e4 INTEGER,
    credit_limit_e4     INTEGER,
    used_e4             INTEGER,
    frozen_e4           INTEGER,
    total_available_e4  INTEGER,
    overdue_e4          INTEGER,
    -- SHA-256 of the normalized content (figures and details): equal hashes mean nothing changed.
    content_hash        TEXT NOT NULL CHECK (length(content_hash) = 64),
    -- gmtModified as reported, for sources that have one.
    source_modified_at  INTEGER,
    observed_at         INTEGER NOT NULL,
    -- Set when a conflict left this row in place but in doubt (same gmtModified, different content).
    flagged             INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
    run_id              INTEGER REFERENCES sync_run(id),
    raw_response_id     INTEGER REFERENCES raw_response(id),
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    CHECK (superseded_at IS NULL OR superseded_at >= recorded_at),
    CHECK ((state = 'present') = (unit IS NOT NULL)),
    CHECK (state = 'present' OR (available_balance_e4 IS NULL AND credit_limit_e4 IS NULL AND used_e4 IS NULL
        AND frozen_e4 IS NULL AND total_available_e4 IS NULL AND overdue_e4 IS NULL))
) STRICT;
-- One current version per account: open in valid time and not superseded.
CREATE UNIQUE INDEX balance_version_current
    ON balance_version(account_id) WHERE valid_to IS NULL AND superseded_at IS NULL;
-- Live history of one account in valid-time order (as-of on valid time).
CREATE UNIQUE INDEX balance_version_live
    ON balance_version(account_id, valid_from) WHERE superseded_at IS NULL;
-- Every row, for as-of on recorded time.
CREATE INDEX balance_version_recorded ON balance_version(account_id, recorded_at);
CREATE INDEX balance_version_run ON balance_version(run_id);

-- Live versions of one account never overlap in valid time.
CREATE TRIGGER balance_version_no_overlap_insert
BEFORE INSERT ON balance_version
WHEN NEW.superseded_at IS NULL
BEGIN
    SELECT RAISE(ABORT, 'balance_version overlaps another live version of the same account in valid time')
    WHERE EXISTS (
        SELECT 1 FROM balance_version AS v
        WHERE v.account_id = NEW.account_id
          AND v.superseded_at IS NULL
          AND v.valid_from < coalesce(NEW.valid_to, 9223372036854775807)
          AND NEW.valid_from < coalesce(v.valid_to, 9223372036854775807)
    );
END;

CREATE TRIGGER balance_version_no_overlap_update
BEFORE UPDATE OF valid_from, valid_to, superseded_at, account_id ON balance_version
WHEN NEW.superseded_at IS NULL
BEGIN
    SELECT RAISE(ABORT, 'balance_version overlaps another live version of the same account in valid time')
    WHERE EXISTS (
        SELECT 1 FROM balance_version AS v
        WHERE v.account_id = NEW.account_id
          AND v.id <> NEW.id
          AND v.superseded_at IS NULL
          AND v.valid_from < coalesce(NEW.valid_to, 9223372036854775807)
          AND NEW.valid_from < coalesce(v.valid_to, 9223372036854775807)
    );
END;

-- Source-specific details, one row per version of the matching kind.
CREATE TABLE modelrouter_balance_detail (
    version_id      INTEGER PRIMARY KEY REFERENCES balance_version(id),
    remote_id       INTEGER,
    balance_type    TEXT NOT NULL CHECK (balance_type IN ('amount', 'tokens')),
    enable_balance  INTEGER CHECK (enable_balance IN (0, 1)),
    gmt_create      INTEGER,
    gmt_modified    INTEGER
) STRICT;

CREATE TABLE dms_credit_detail (
    version_id              INTEGER PRIMARY KEY REFERENCES balance_version(id),
    available_amount_e4     INTEGER,
    total_used_limit_e4     INTEGER,
    is_unlimited_credit     INTEGER NOT NULL CHECK (is_unlimited_credit IN (0, 1)),
    is_expired              INTEGER NOT NULL CHECK (is_expired IN (0, 1)),
    setting_credit          TEXT,
    credit_mode             TEXT,
    account_days            INTEGER CHECK (account_days IS NULL OR account_days >= 0),
    account_days_text       TEXT,
    credit_end_time         TEXT,
    org_type                INTEGER,
    is_checked_name         TEXT
) STRICT;

CREATE TABLE twcc_wallet_detail (
    version_id          INTEGER PRIMARY KEY REFERENCES balance_version(id),
    project_name        TEXT,
    wallet_name         TEXT,
    wallet_id           TEXT,
    wallet_type         TEXT,
    is_mother           INTEGER CHECK (is_mother IN (0, 1)),
    owner_account       TEXT,
    owner_name          TEXT,
    original_quota_e4   INTEGER,
    prj_credit_quota_e4 INTEGER,
    prj_poc_quota_e4    INTEGER,
    prj_su_quota_e4     INTEGER,
    prj_obtained_su_e4  INTEGER
) STRICT;

-- A failed fetch: what was asked, what came back, and whether trying again could help.
CREATE TABLE fetch_error (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER REFERENCES sync_run(id),
    source_id       INTEGER NOT NULL REFERENCES source_instance(id),
    account_id      INTEGER REFERENCES account(id),
    target          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    http_status     INTEGER,
    remote_code     TEXT,
    message         TEXT NOT NULL,
    request_id      TEXT,
    retryable       INTEGER NOT NULL CHECK (retryable IN (0, 1)),
    attempts        INTEGER NOT NULL DEFAULT 1 CHECK (attempts >= 1),
    occurred_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX fetch_error_run ON fetch_error(run_id);

-- A payload that did not decode: kept with the reason and the raw bytes, never half-stored.
CREATE TABLE quarantine (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER REFERENCES sync_run(id),
    source_id       INTEGER NOT NULL REFERENCES source_instance(id),
    account_id      INTEGER REFERENCES account(id),
    target          TEXT NOT NULL,
    reason          TEXT NOT NULL CHECK (length(reason) > 0),
    raw_response_id INTEGER NOT NULL REFERENCES raw_response(id),
    occurred_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX quarantine_run ON quarantine(run_id);

-- A disagreement on gmtModified between an incoming observation and the store.
CREATE TABLE conflict (
    id                      INTEGER PRIMARY KEY,
    run_id                  INTEGER REFERENCES sync_run(id),
    account_id              INTEGER NOT NULL REFERENCES account(id),
    kind                    TEXT NOT NULL CHECK (kind IN
        ('late_arrival', 'stale', 'same_timestamp_different_content', 'clock_skew')),
    stored_version_id       INTEGER REFERENCES balance_version(id),
    stored_valid_from       INTEGER,
    stored_content          TEXT,
    stored_content_hash     TEXT,
    incoming_valid_from     INTEGER NOT NULL,
    incoming_content        TEXT NOT NULL,
    incoming_content_hash   TEXT NOT NULL CHECK (length(incoming_content_hash) = 64),
    incoming_raw_response_id INTEGER REFERENCES raw_response(id),
    -- What the sync did: 'spliced' (late arrival inserted into history), 'kept_stored', 'ignored'.
    resolution              TEXT NOT NULL CHECK (resolution IN ('spliced', 'kept_stored', 'ignored', 'accepted')),
    detected_at             INTEGER NOT NULL
) STRICT;
-- The same incoming observation is one conflict, however often it is served again.
CREATE UNIQUE INDEX conflict_once
    ON conflict(account_id, kind, incoming_valid_from, incoming_content_hash);

-- ModelRouter balance-change log entries: the movements of a client's balance.
CREATE TABLE modelrouter_balance_log (
    id                  INTEGER PRIMARY KEY,
    account_id          INTEGER NOT NULL REFERENCES account(id),
    remote_id           INTEGER NOT NULL,
    change_type         TEXT NOT NULL,
    unit                TEXT NOT NULL CHECK (length(unit) > 0),
    change_amount_e4    INTEGER NOT NULL,
    balance_before_e4   INTEGER,
    balance_after_e4    INTEGER,
    remark              TEXT,
    gmt_create          INTEGER NOT NULL,
    recorded_at         INTEGER NOT NULL,
    run_id              INTEGER REFERENCES sync_run(id),
    raw_response_id     INTEGER REFERENCES raw_response(id),
    UNIQUE (account_id, remote_id)
) STRICT;
CREATE INDEX modelrouter_balance_log_time ON modelrouter_balance_log(account_id, gmt_create, remote_id);

-- Where the incremental pull of a client's balance logs stands: the newest entry taken, by time then id.
CREATE TABLE modelrouter_log_cursor (
    account_id      INTEGER PRIMARY KEY REFERENCES account(id),
    last_gmt_create INTEGER NOT NULL,
    last_remote_id  INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
