-- LedgerSync schema, version 0003: every amount exact to 9 fractional digits, and each unit's display scale.
--
-- Until 0002 an amount was one INTEGER in units of 10^-4 (columns ending in _e4), so a valid source value such
-- as 0.000123 tokens could not be held at all. From 0003 an amount is two INTEGER columns, as google.type.Money
-- splits money into units and nanos:
--   * <name>_whole: the integer part (truncated toward zero), a signed 64-bit integer;
--   * <name>_nanos: the fractional part in units of 10^-9, with the sign of the amount, |nanos| < 10^9.
-- The amount is <name>_whole + <name>_nanos / 1e9, exact from 0.000000001 up to about ±9.2 × 10^18, and SQL sums
-- stay exact: SUM(<name>_whole) * 1000000000 + SUM(<name>_nanos) is the total in units of 10^-9, each SUM an exact
-- 64-bit integer (SQLite raises "integer overflow" rather than round). Amounts of different units are still
-- never added: every amount has its unit beside it (the version's or the log entry's).
--
-- Every table with amounts is rebuilt (SQLite's documented create-copy-drop-rename procedure: a CHECK that ties
-- two columns together cannot be added to an existing table), with the same rows, ids, indexes and triggers.
-- An e4 value v becomes whole = v / 10000 and nanos = (v % 10000) * 100000; SQLite's integer / and % truncate
-- toward zero, so both parts keep the amount's sign.

-- How many fractional digits each unit's amounts are shown with: 4 unless an amount of the unit needed more. The
-- write path widens a unit's scale in the transaction that stores such an amount; a scale is never narrowed.
-- Units not listed have scale 4.
CREATE TABLE unit_scale (
    unit    TEXT PRIMARY KEY CHECK (length(unit) > 0),
    scale   INTEGER NOT NULL CHECK (scale BETWEEN 4 AND 9)
) STRICT, WITHOUT ROWID;

CREATE TABLE balance_version_0003 (
    id                      INTEGER PRIMARY KEY,
    account_id              INTEGER NOT NULL REFERENCES account(id),
    valid_from              INTEGER NOT NULL,
    valid_to                INTEGER,
    recorded_at             INTEGER NOT NULL,
    superseded_at           INTEGER,
    -- 'present': the source reported the account; 'gone': a complete discovery no longer listed it.
    state                   TEXT NOT NULL DEFAULT 'present' CHECK (state IN ('present', 'gone')),
    unit                    TEXT CHECK (unit IS NULL OR length(unit) > 0),
    available_balance_whole INTEGER,
    available_balance_nanos INTEGER,
    credit_limit_whole      INTEGER,
    credit_limit_nanos      INTEGER,
    used_whole              INTEGER,
    used_nanos              INTEGER,
    frozen_whole            INTEGER,
    frozen_nanos            INTEGER,
    total_available_whole   INTEGER,
    total_available_nanos   INTEGER,
    overdue_whole           INTEGER,
    overdue_nanos           INTEGER,
    -- SHA-256 of the normalized content (figures and details): equal hashes mean nothing changed.
    content_hash            TEXT NOT NULL CHECK (length(content_hash) = 64),
    -- gmtModified as reported, for sources that have one.
    source_modified_at      INTEGER,
    observed_at             INTEGER NOT NULL,
    -- Set when a conflict left this row in place but in doubt (same gmtModified, different content).
    flagged                 INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
    run_id                  INTEGER REFERENCES sync_run(id),
    raw_response_id         INTEGER REFERENCES raw_response(id),
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    CHECK (superseded_at IS NULL OR superseded_at >= recorded_at),
    CHECK ((state = 'present') = (unit IS NOT NULL)),
    CHECK (state = 'present' OR (available_balance_whole IS NULL AND credit_limit_whole IS NULL
        AND used_whole IS NULL AND frozen_whole IS NULL AND total_available_whole IS NULL AND overdue_whole IS NULL)),
    -- Each amount: both parts or neither; the fraction below 10^9 and of the amount's sign.
    CHECK ((available_balance_whole IS NULL) = (available_balance_nanos IS NULL)
        AND abs(available_balance_nanos) < 1000000000
        AND (available_balance_whole = 0 OR available_balance_nanos = 0
            OR (available_balance_whole < 0) = (available_balance_nanos < 0))),
    CHECK ((credit_limit_whole IS NULL) = (credit_limit_nanos IS NULL) AND abs(credit_limit_nanos) < 1000000000
        AND (credit_limit_whole = 0 OR credit_limit_nanos = 0 OR (credit_limit_whole < 0) = (credit_limit_nanos < 0))),
    CHECK ((used_whole IS NULL) = (used_nanos IS NULL) AND abs(used_nanos) < 1000000000
        AND (used_whole = 0 OR used_nanos = 0 OR (used_whole < 0) = (used_nanos < 0))),
    CHECK ((frozen_whole IS NULL) = (frozen_nanos IS NULL) AND abs(frozen_nanos) < 1000000000
        AND (frozen_whole = 0 OR frozen_nanos = 0 OR (frozen_whole < 0) = (frozen_nanos < 0))),
    CHECK ((total_available_whole IS NULL) = (total_available_nanos IS NULL)
        AND abs(total_available_nanos) < 1000000000
        AND (total_available_whole = 0 OR total_available_nanos = 0
            OR (total_available_whole < 0) = (total_available_nanos < 0))),
    CHECK ((overdue_whole IS NULL) = (overdue_nanos IS NULL) AND abs(overdue_nanos) < 1000000000
        AND (overdue_whole = 0 OR overdue_nanos = 0 OR (overdue_whole < 0) = (overdue_nanos < 0)))
) STRICT;
INSERT INTO balance_version_0003 (id, account_id, valid_from, valid_to, recorded_at, superseded_at, state, unit,
    available_balance_whole, available_balance_nanos, credit_limit_whole, credit_limit_nanos, used_whole, used_nanos,
    frozen_whole, frozen_nanos, total_available_whole, total_available_nanos, overdue_whole, overdue_nanos,
    content_hash, source_modified_at, observed_at, flagged, run_id, raw_response_id)
SELECT id, account_id, valid_from, valid_to, recorded_at, superseded_at, state, unit,
    available_balance_e4 / 10000, (available_balance_e4 % 10000) * 100000,
    credit_limit_e4 / 10000, (credit_limit_e4 % 10000) * 100000,
    used_e4 / 10000, (used_e4 % 10000) * 100000,
    frozen_e4 / 10000, (frozen_e4 % 10000) * 100000,
    total_available_e4 / 10000, (total_available_e4 % 10000) * 100000,
    overdue_e4 / 10000, (overdue_e4 % 10000) * 100000,
    content_hash, source_modified_at, observed_at, flagged, run_id, raw_response_id
FROM balance_version ORDER BY id;
DROP TABLE balance_version;
ALTER TABLE balance_version_0003 RENAME TO balance_version;

-- The indexes and triggers of 0001, unchanged.
CREATE UNIQUE INDEX balance_version_current
    ON balance_version(account_id) WHERE valid_to IS NULL AND superseded_at IS NULL;
CREATE UNIQUE INDEX balance_version_live
    ON balance_version(account_id, valid_from) WHERE superseded_at IS NULL;
CREATE INDEX balance_version_recorded ON balance_version(account_id, recorded_at);
CREATE INDEX balance_version_run ON balance_version(run_id);

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

-- DMS credit details: the amounts are in the version's unit.
CREATE TABLE dms_credit_detail_0003 (
    version_id                  INTEGER PRIMARY KEY REFERENCES balance_version(id),
    available_amount_whole      INTEGER,
    available_amount_nanos      INTEGER,
    total_used_limit_whole      INTEGER,
    total_used_limit_nanos      INTEGER,
    is_unlimited_credit         INTEGER NOT NULL CHECK (is_unlimited_credit IN (0, 1)),
    is_expired                  INTEGER NOT NULL CHECK (is_expired IN (0, 1)),
    setting_credit              TEXT,
    credit_mode                 TEXT,
    account_days                INTEGER CHECK (account_days IS NULL OR account_days >= 0),
    account_days_text           TEXT,
    credit_end_time             TEXT,
    org_type                    INTEGER,
    is_checked_name             TEXT,
    CHECK ((available_amount_whole IS NULL) = (available_amount_nanos IS NULL)
        AND abs(available_amount_nanos) < 1000000000
        AND (available_amount_whole = 0 OR available_amount_nanos = 0
            OR (available_amount_whole < 0) = (available_amount_nanos < 0))),
    CHECK ((total_used_limit_whole IS NULL) = (total_used_limit_nanos IS NULL)
        AND abs(total_used_limit_nanos) < 1000000000
        AND (total_used_limit_whole = 0 OR total_used_limit_nanos = 0
            OR (total_used_limit_whole < 0) = (total_used_limit_nanos < 0)))
) STRICT;
INSERT INTO dms_credit_detail_0003 (version_id, available_amount_whole, available_amount_nanos,
    total_used_limit_whole, total_used_limit_nanos, is_unlimited_credit, is_expired, setting_credit, credit_mode,
    account_days, account_days_text, credit_end_time, org_type, is_checked_name)
SELECT version_id, available_amount_e4 / 10000, (available_amount_e4 % 10000) * 100000,
    total_used_limit_e4 / 10000, (total_used_limit_e4 % 10000) * 100000, is_unlimited_credit, is_expired,
    setting_credit, credit_mode, account_days, account_days_text, credit_end_time, org_type, is_checked_name
FROM dms_credit_detail ORDER BY version_id;
DROP TABLE dms_credit_detail;
ALTER TABLE dms_credit_detail_0003 RENAME TO dms_credit_detail;

-- TWCC wallet details: the quotas are in the version's unit.
CREATE TABLE twcc_wallet_detail_0003 (
    version_id              INTEGER PRIMARY KEY REFERENCES balance_version(id),
    project_name            TEXT,
    wallet_name             TEXT,
    wallet_id               TEXT,
    wallet_type             TEXT,
    is_mother               INTEGER CHECK (is_mother IN (0, 1)),
    owner_account           TEXT,
    owner_name              TEXT,
    original_quota_whole    INTEGER,
    original_quota_nanos    INTEGER,
    prj_credit_quota_whole  INTEGER,
    prj_credit_quota_nanos  INTEGER,
    prj_poc_quota_whole     INTEGER,
    prj_poc_quota_nanos     INTEGER,
    prj_su_quota_whole      INTEGER,
    prj_su_quota_nanos      INTEGER,
    prj_obtained_su_whole   INTEGER,
    prj_obtained_su_nanos   INTEGER,
    CHECK ((original_quota_whole IS NULL) = (original_quota_nanos IS NULL) AND abs(original_quota_nanos) < 1000000000
        AND (original_quota_whole = 0 OR original_quota_nanos = 0
            OR (original_quota_whole < 0) = (original_quota_nanos < 0))),
    CHECK ((prj_credit_quota_whole IS NULL) = (prj_credit_quota_nanos IS NULL)
        AND abs(prj_credit_quota_nanos) < 1000000000
        AND (prj_credit_quota_whole = 0 OR prj_credit_quota_nanos = 0
            OR (prj_credit_quota_whole < 0) = (prj_credit_quota_nanos < 0))),
    CHECK ((prj_poc_quota_whole IS NULL) = (prj_poc_quota_nanos IS NULL) AND abs(prj_poc_quota_nanos) < 1000000000
        AND (prj_poc_quota_whole = 0 OR prj_poc_quota_nanos = 0
            OR (prj_poc_quota_whole < 0) = (prj_poc_quota_nanos < 0))),
    CHECK ((prj_su_quota_whole IS NULL) = (prj_su_quota_nanos IS NULL) AND abs(prj_su_quota_nanos) < 1000000000
        AND (prj_su_quota_whole = 0 OR prj_su_quota_nanos = 0 OR (prj_su_quota_whole < 0) = (prj_su_quota_nanos < 0))),
    CHECK ((prj_obtained_su_whole IS NULL) = (prj_obtained_su_nanos IS NULL)
        AND abs(prj_obtained_su_nanos) < 1000000000
        AND (prj_obtained_su_whole = 0 OR prj_obtained_su_nanos = 0
            OR (prj_obtained_su_whole < 0) = (prj_obtained_su_nanos < 0)))
) STRICT;
INSERT INTO twcc_wallet_detail_0003 (version_id, project_name, wallet_name, wallet_id, wallet_type, is_mother,
    owner_account, owner_name, original_quota_whole, original_quota_nanos, prj_credit_quota_whole,
    prj_credit_quota_nanos, prj_poc_quota_whole, prj_poc_quota_nanos, prj_su_quota_whole, prj_su_quota_nanos,
    prj_obtained_su_whole, prj_obtained_su_nanos)
SELECT version_id, project_name, wallet_name, wallet_id, wallet_type, is_mother, owner_account, owner_name,
    original_quota_e4 / 10000, (original_quota_e4 % 10000) * 100000,
    prj_credit_quota_e4 / 10000, (prj_credit_quota_e4 % 10000) * 100000,
    prj_poc_quota_e4 / 10000, (prj_poc_quota_e4 % 10000) * 100000,
    prj_su_quota_e4 / 10000, (prj_su_quota_e4 % 10000) * 100000,
    prj_obtained_su_e4 / 10000, (prj_obtained_su_e4 % 10000) * 100000
FROM twcc_wallet_detail ORDER BY version_id;
DROP TABLE twcc_wallet_detail;
ALTER TABLE twcc_wallet_detail_0003 RENAME TO twcc_wallet_detail;

-- ModelRouter balance-change log entries: the movements of a client's balance.
CREATE TABLE modelrouter_balance_log_0003 (
    id                  INTEGER PRIMARY KEY,
    account_id          INTEGER NOT NULL REFERENCES account(id),
    remote_id           INTEGER NOT NULL,
    change_type         TEXT NOT NULL,
    unit                TEXT NOT NULL CHECK (length(unit) > 0),
    change_amount_whole INTEGER NOT NULL,
    change_amount_nanos INTEGER NOT NULL,
    balance_before_whole INTEGER,
    balance_before_nanos INTEGER,
    balance_after_whole INTEGER,
    balance_after_nanos INTEGER,
    remark              TEXT,
    gmt_create          INTEGER NOT NULL,
    recorded_at         INTEGER NOT NULL,
    run_id              INTEGER REFERENCES sync_run(id),
    raw_response_id     INTEGER REFERENCES raw_response(id),
    UNIQUE (account_id, remote_id),
    CHECK (abs(change_amount_nanos) < 1000000000
        AND (change_amount_whole = 0 OR change_amount_nanos = 0
            OR (change_amount_whole < 0) = (change_amount_nanos < 0))),
    CHECK ((balance_before_whole IS NULL) = (balance_before_nanos IS NULL) AND abs(balance_before_nanos) < 1000000000
        AND (balance_before_whole = 0 OR balance_before_nanos = 0
            OR (balance_before_whole < 0) = (balance_before_nanos < 0))),
    CHECK ((balance_after_whole IS NULL) = (balance_after_nanos IS NULL) AND abs(balance_after_nanos) < 1000000000
        AND (balance_after_whole = 0 OR balance_after_nanos = 0
            OR (balance_after_whole < 0) = (balance_after_nanos < 0)))
) STRICT;
INSERT INTO modelrouter_balance_log_0003 (id, account_id, remote_id, change_type, unit, change_amount_whole,
    change_amount_nanos, balance_before_whole, balance_before_nanos, balance_after_whole, balance_after_nanos, remark,
    gmt_create, recorded_at, run_id, raw_response_id)
SELECT id, account_id, remote_id, change_type, unit, change_amount_e4 / 10000, (change_amount_e4 % 10000) * 100000,
    balance_before_e4 / 10000, (balance_before_e4 % 10000) * 100000,
    balance_after_e4 / 10000, (balance_after_e4 % 10000) * 100000,
    remark, gmt_create, recorded_at, run_id, raw_response_id
FROM modelrouter_balance_log ORDER BY id;
DROP TABLE modelrouter_balance_log;
ALTER TABLE modelrouter_balance_log_0003 RENAME TO modelrouter_balance_log;
CREATE INDEX modelrouter_balance_log_time ON modelrouter_balance_log(account_id, gmt_create, remote_id);

-- Child keys of foreign keys to accounts and versions get an index, as SQLite advises: without one, a change to a
-- parent row plans a scan of the child table (the query-plan test checks every statement the store runs).
CREATE INDEX quarantine_account ON quarantine(account_id);
CREATE INDEX fetch_error_account ON fetch_error(account_id);
CREATE INDEX conflict_stored_version ON conflict(stored_version_id);
