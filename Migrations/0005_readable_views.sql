-- LedgerSync schema, version 0005: views a person can read in the sqlite3 shell or Datasette.
--
-- The tables keep times as integer milliseconds since 1970 (UTC) and amounts as exact `_whole` + `_nanos` integer
-- pairs, which is right for the program and unreadable for people. These views show the same rows with ISO-8601
-- UTC times (as `ledgersync query --format json` writes them: milliseconds only when there are some) and amounts as
-- decimal text at their unit's display scale (`unit_scale`, 4 when a unit is not listed), each next to its unit.
-- They hold no data and change nothing: a view is only a stored SELECT.
--
-- Amount text: the sign when either part is negative (the two parts of an amount share its sign, a CHECK of 0003),
-- the whole part without its sign (`ltrim`, because `abs` overflows on the smallest integer), and the first
-- `scale` of the nine nano digits; the write path widens a unit's scale before it stores a longer amount, so the
-- digits cut off are zeros.

CREATE VIEW current_balances AS
SELECT
    s.name AS source,
    a.kind AS kind,
    a.account_key AS account,
    a.display_name AS name,
    v.state AS state,
    v.unit AS unit,
    CASE WHEN v.available_balance_whole IS NULL THEN NULL ELSE
        CASE WHEN v.available_balance_whole < 0 OR v.available_balance_nanos < 0 THEN '-' ELSE '' END
        || ltrim(CAST(v.available_balance_whole AS TEXT), '-') || '.'
        || substr(printf('%09d', abs(v.available_balance_nanos)), 1, coalesce(us.scale, 4)) END AS available_balance,
    CASE WHEN v.credit_limit_whole IS NULL THEN NULL ELSE
        CASE WHEN v.credit_limit_whole < 0 OR v.credit_limit_nanos < 0 THEN '-' ELSE '' END
        || ltrim(CAST(v.credit_limit_whole AS TEXT), '-') || '.'
        || substr(printf('%09d', abs(v.credit_limit_nanos)), 1, coalesce(us.scale, 4)) END AS credit_limit,
    CASE WHEN v.used_whole IS NULL THEN NULL ELSE
        CASE WHEN v.used_whole < 0 OR v.used_nanos < 0 THEN '-' ELSE '' END
        || ltrim(CAST(v.used_whole AS TEXT), '-') || '.'
        || substr(printf('%09d', abs(v.used_nanos)), 1, coalesce(us.scale, 4)) END AS used,
    CASE WHEN v.frozen_whole IS NULL THEN NULL ELSE
        CASE WHEN v.frozen_whole < 0 OR v.frozen_nanos < 0 THEN '-' ELSE '' END
        || ltrim(CAST(v.frozen_whole AS TEXT), '-') || '.'
        || substr(printf('%09d', abs(v.frozen_nanos)), 1, coalesce(us.scale, 4)) END AS frozen,
    CASE WHEN v.total_available_whole IS NULL THEN NULL ELSE
        CASE WHEN v.total_available_whole < 0 OR v.total_available_nanos < 0 THEN '-' ELSE '' END
        || ltrim(CAST(v.total_available_whole AS TEXT), '-') || '.'
        || substr(printf('%09d', abs(v.total_available_nanos)), 1, coalesce(us.scale, 4)) END AS total_available,
    CASE WHEN v.overdue_whole IS NULL THEN NULL ELSE
        CASE WHEN v.overdue_whole < 0 OR v.overdue_nanos < 0 THEN '-' ELSE '' END
        || ltrim(CAST(v.overdue_whole AS TEXT), '-') || '.'
        || substr(printf('%09d', abs(v.overdue_nanos)), 1, coalesce(us.scale, 4)) END AS overdue,
    strftime('%Y-%m-%dT%H:%M:%S', v.valid_from / 1000, 'unixepoch')
        || CASE v.valid_from % 1000 WHEN 0 THEN 'Z' ELSE printf('.%03dZ', v.valid_from % 1000) END AS valid_from,
    strftime('%Y-%m-%dT%H:%M:%S', v.recorded_at / 1000, 'unixepoch')
        || CASE v.recorded_at % 1000 WHEN 0 THEN 'Z' ELSE printf('.%03dZ', v.recorded_at % 1000) END AS recorded_at,
    strftime('%Y-%m-%dT%H:%M:%S', v.source_modified_at / 1000, 'unixepoch')
        || CASE v.source_modified_at % 1000 WHEN 0 THEN 'Z' ELSE printf('.%03dZ', v.source_modified_at % 1000) END
        AS source_modified_at,
    strftime('%Y-%m-%dT%H:%M:%S', v.observed_at / 1000, 'unixepoch')
        || CASE v.observed_at % 1000 WHEN 0 THEN 'Z' ELSE printf('.%03dZ', v.observed_at % 1000) END AS observed_at,
    v.flagged AS flagged,
    v.id AS version_id,
    v.run_id AS run_id
FROM balance_version AS v
JOIN account AS a ON a.id = v.account_id
JOIN source_instance AS s ON s.id = a.source_id
LEFT JOIN unit_scale AS us ON us.unit = v.unit
WHERE v.valid_to IS NULL AND v.superseded_at IS NULL;

-- Every version of every account, superseded ones included (`superseded_at` says when a later sync replaced it).
CREATE VIEW balance_history AS
SELECT
    s.name AS source,
    a.kind AS kind,
    a.account_key AS account,
    a.display_name AS name,
    v.state AS state,
    v.unit AS unit,
    CASE WHEN v.available_balance_whole IS NULL THEN NULL ELSE
        CASE WHEN v.available_balance_whole < 0 OR v.available_balance_nanos < 0 THEN '-' ELSE '' END
        || ltrim(CAST(v.available_balance_whole AS TEXT), '-') || '.'
        || substr(printf('%09d', abs(v.available_balance_nanos)), 1, coalesce(us.scale, 4)) END AS available_balance,
    CASE WHEN v.credit_limit_whole IS NULL THEN NULL ELSE
        CASE WHEN v.credit_limit_whole < 0 OR v.credit_limit_nanos < 0 THEN '-' ELSE '' END
        || ltrim(CAST(v.credit_limit_whole AS TEXT), '-') || '.'
        || substr(printf('%09d', abs(v.credit_limit_nanos)), 1, coalesce(us.scale, 4)) END AS credit_limit,
    CASE WHEN v.used_whole IS NULL THEN NULL ELSE
        CASE WHEN v.used_whole < 0 OR v.used_nanos < 0 THEN '-' ELSE '' END
        || ltrim(CAST(v.used_whole AS TEXT), '-') || '.'
        || substr(printf('%09d', abs(v.used_nanos)), 1, coalesce(us.scale, 4)) END AS used,
    CASE WHEN v.frozen_whole IS NULL THEN NULL ELSE
        CASE WHEN v.frozen_whole < 0 OR v.frozen_nanos < 0 THEN '-' ELSE '' END
        || ltrim(CAST(v.frozen_whole AS TEXT), '-') || '.'
        || substr(printf('%09d', abs(v.frozen_nanos)), 1, coalesce(us.scale, 4)) END AS frozen,
    CASE WHEN v.total_available_whole IS NULL THEN NULL ELSE
        CASE WHEN v.total_available_whole < 0 OR v.total_available_nanos < 0 THEN '-' ELSE '' END
        || ltrim(CAST(v.total_available_whole AS TEXT), '-') || '.'
        || substr(printf('%09d', abs(v.total_available_nanos)), 1, coalesce(us.scale, 4)) END AS total_available,
    CASE WHEN v.overdue_whole IS NULL THEN NULL ELSE
        CASE WHEN v.overdue_whole < 0 OR v.overdue_nanos < 0 THEN '-' ELSE '' END
        || ltrim(CAST(v.overdue_whole AS TEXT), '-') || '.'
        || substr(printf('%09d', abs(v.overdue_nanos)), 1, coalesce(us.scale, 4)) END AS overdue,
    strftime('%Y-%m-%dT%H:%M:%S', v.valid_from / 1000, 'unixepoch')
        || CASE v.valid_from % 1000 WHEN 0 THEN 'Z' ELSE printf('.%03dZ', v.valid_from % 1000) END AS valid_from,
    strftime('%Y-%m-%dT%H:%M:%S', v.valid_to / 1000, 'unixepoch')
        || CASE v.valid_to % 1000 WHEN 0 THEN 'Z' ELSE printf('.%03dZ', v.valid_to % 1000) END AS valid_to,
    strftime('%Y-%m-%dT%H:%M:%S', v.recorded_at / 1000, 'unixepoch')
        || CASE v.recorded_at % 1000 WHEN 0 THEN 'Z' ELSE printf('.%03dZ', v.recorded_at % 1000) END AS recorded_at,
    strftime('%Y-%m-%dT%H:%M:%S', v.superseded_at / 1000, 'unixepoch')
        || CASE v.superseded_at % 1000 WHEN 0 THEN 'Z' ELSE printf('.%03dZ', v.superseded_at % 1000) END
        AS superseded_at,
    strftime('%Y-%m-%dT%H:%M:%S', v.source_modified_at / 1000, 'unixepoch')
        || CASE v.source_modified_at % 1000 WHEN 0 THEN 'Z' ELSE printf('.%03dZ', v.source_modified_at % 1000) END
        AS source_modified_at,
    strftime('%Y-%m-%dT%H:%M:%S', v.observed_at / 1000, 'unixepoch')
        || CASE v.observed_at % 1000 WHEN 0 THEN 'Z' ELSE printf('.%03dZ', v.observed_at % 1000) END AS observed_at,
    v.flagged AS flagged,
    v.id AS version_id,
    v.run_id AS run_id
FROM balance_version AS v
JOIN account AS a ON a.id = v.account_id
JOIN source_instance AS s ON s.id = a.source_id
LEFT JOIN unit_scale AS us ON us.unit = v.unit;

-- Each conflict a sync met, with both contents as the JSON text the ledger stores.
CREATE VIEW conflicts_readable AS
SELECT
    c.id AS id,
    s.name AS source,
    a.kind AS kind,
    a.account_key AS account,
    a.display_name AS name,
    c.kind AS conflict,
    c.resolution AS resolution,
    strftime('%Y-%m-%dT%H:%M:%S', c.stored_valid_from / 1000, 'unixepoch')
        || CASE c.stored_valid_from % 1000 WHEN 0 THEN 'Z' ELSE printf('.%03dZ', c.stored_valid_from % 1000) END
        AS stored_valid_from,
    strftime('%Y-%m-%dT%H:%M:%S', c.incoming_valid_from / 1000, 'unixepoch')
        || CASE c.incoming_valid_from % 1000 WHEN 0 THEN 'Z' ELSE printf('.%03dZ', c.incoming_valid_from % 1000) END
        AS incoming_valid_from,
    strftime('%Y-%m-%dT%H:%M:%S', c.detected_at / 1000, 'unixepoch')
        || CASE c.detected_at % 1000 WHEN 0 THEN 'Z' ELSE printf('.%03dZ', c.detected_at % 1000) END AS detected_at,
    c.stored_version_id AS stored_version_id,
    c.stored_content AS stored_content,
    c.incoming_content AS incoming_content,
    c.run_id AS run_id
FROM conflict AS c
JOIN account AS a ON a.id = c.account_id
JOIN source_instance AS s ON s.id = a.source_id;

-- ModelRouter's balance-change log: each movement with the balance before and after it.
CREATE VIEW movements_readable AS
SELECT
    s.name AS source,
    a.kind AS kind,
    a.account_key AS account,
    a.display_name AS name,
    strftime('%Y-%m-%dT%H:%M:%S', m.gmt_create / 1000, 'unixepoch')
        || CASE m.gmt_create % 1000 WHEN 0 THEN 'Z' ELSE printf('.%03dZ', m.gmt_create % 1000) END AS at,
    m.change_type AS change_type,
    m.unit AS unit,
    CASE WHEN m.change_amount_whole < 0 OR m.change_amount_nanos < 0 THEN '-' ELSE '' END
        || ltrim(CAST(m.change_amount_whole AS TEXT), '-') || '.'
        || substr(printf('%09d', abs(m.change_amount_nanos)), 1, coalesce(us.scale, 4)) AS amount,
    CASE WHEN m.balance_before_whole IS NULL THEN NULL ELSE
        CASE WHEN m.balance_before_whole < 0 OR m.balance_before_nanos < 0 THEN '-' ELSE '' END
        || ltrim(CAST(m.balance_before_whole AS TEXT), '-') || '.'
        || substr(printf('%09d', abs(m.balance_before_nanos)), 1, coalesce(us.scale, 4)) END AS balance_before,
    CASE WHEN m.balance_after_whole IS NULL THEN NULL ELSE
        CASE WHEN m.balance_after_whole < 0 OR m.balance_after_nanos < 0 THEN '-' ELSE '' END
        || ltrim(CAST(m.balance_after_whole AS TEXT), '-') || '.'
        || substr(printf('%09d', abs(m.balance_after_nanos)), 1, coalesce(us.scale, 4)) END AS balance_after,
    m.remote_id AS remote_id,
    m.remark AS remark,
    strftime('%Y-%m-%dT%H:%M:%S', m.recorded_at / 1000, 'unixepoch')
        || CASE m.recorded_at % 1000 WHEN 0 THEN 'Z' ELSE printf('.%03dZ', m.recorded_at % 1000) END AS recorded_at,
    m.run_id AS run_id
FROM modelrouter_balance_log AS m
JOIN account AS a ON a.id = m.account_id
JOIN source_instance AS s ON s.id = a.source_id
LEFT JOIN unit_scale AS us ON us.unit = m.unit;
