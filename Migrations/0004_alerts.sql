-- Alerts: each rule's firings with when they began and ended, and the webhook deliveries they owe. Kept in the
-- ledger so that a restart of `serve` neither loses an alert nor sends one twice.

-- One firing of a rule for one subject (an account `source/key`, or a source's name), from firing to resolved.
CREATE TABLE alert_state (
    id              INTEGER PRIMARY KEY,
    rule            TEXT NOT NULL CHECK (length(rule) > 0),
    kind            TEXT NOT NULL CHECK (kind IN ('balance_below', 'credit_ending', 'stale', 'sync_failing',
                                                  'new_conflict')),
    subject         TEXT NOT NULL,
    source          TEXT,
    account_key     TEXT,
    state           TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),
    firing_since    INTEGER NOT NULL,
    resolved_at     INTEGER CHECK (resolved_at IS NULL OR resolved_at >= firing_since),
    -- What the rule saw when it last held, as a sentence and as exact figures (JSON text).
    message         TEXT NOT NULL,
    figures         TEXT NOT NULL DEFAULT '{}',
    CHECK ((state = 'firing') = (resolved_at IS NULL))
) STRICT;
-- At most one open firing per rule and subject.
CREATE UNIQUE INDEX alert_state_open ON alert_state(rule, subject) WHERE state = 'firing';
CREATE INDEX alert_state_recent ON alert_state(firing_since);

-- A message owed to a webhook: one when an alert fires, one when it resolves. Sent until delivered or given up.
CREATE TABLE alert_delivery (
    id              INTEGER PRIMARY KEY,
    alert_id        INTEGER NOT NULL REFERENCES alert_state(id),
    event           TEXT NOT NULL CHECK (event IN ('firing', 'resolved')),
    -- The webhook's URL with no credential in it (the signing secret stays in the environment).
    webhook         TEXT NOT NULL CHECK (length(webhook) > 0),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    delivered_at    INTEGER,
    UNIQUE (alert_id, event, webhook)
) STRICT;
CREATE INDEX alert_delivery_pending ON alert_delivery(next_attempt_at) WHERE status = 'pending';
