-- LedgerSync schema, version 0007: a hash chain over the ledger's facts.
--
-- The three APIs show only today's figures, so the facts this ledger learned are the only record of the past.
-- Each fact gets one link, in the order written, in the transaction that writes the fact:
--     chain_hash = SHA-256(previous link's chain_hash ‖ fact_sha256), the first link's previous being 32 zero bytes,
-- where fact_sha256 is the SHA-256 of the fact's canonical bytes (see FactChain.swift). A fact is
--   'raw_response'  a response's exact bytes and request identity (fact_id is its raw_response row; the bytes
--                   are re-read from that row, so a changed byte, a changed URL or a deleted row breaks the chain);
--   'gone'          a complete discovery that no longer listed an account (source_id, account_key, at, run_id):
--                   the fact a rebuild replays, kept here because the version rows are derived and re-derived;
--   'alert'         an alert's state change (fact_id is its alert_state row, detail the event: firing/resolved);
--   'fetch_error'   a fetch that failed (fact_id is its fetch_error row): what only the writer saw, which the
--                   reports' FETCH_FAILED exceptions are made of.
-- The rows already in the ledger are linked by this migration's backfill (FactChain+Backfill.swift), in the order
-- their recorded times give. A conflict's resolution needs no link: it follows from the responses, and `verify`
-- re-derives it.
--
-- The links live in a table of their own rather than a column of each fact's table: one order across all kinds
-- of fact, and the head is the last row. Nothing here is ever updated or deleted: the triggers refuse it, so a
-- mistake in the program cannot rewrite history, and an edit from outside shows in `ledgersync verify`.
CREATE TABLE fact_chain (
    position        INTEGER PRIMARY KEY CHECK (position >= 1),
    fact            TEXT NOT NULL CHECK (fact IN ('raw_response', 'gone', 'alert', 'fetch_error')),
    fact_id         INTEGER,
    source_id       INTEGER REFERENCES source_instance(id),
    account_key     TEXT,
    run_id          INTEGER,
    at              INTEGER NOT NULL,
    detail          TEXT,
    fact_sha256     TEXT NOT NULL CHECK (length(fact_sha256) = 64),
    chain_hash      TEXT NOT NULL CHECK (length(chain_hash) = 64),
    CHECK ((fact = 'gone') = (fact_id IS NULL)),
    CHECK (fact <> 'gone' OR (source_id IS NOT NULL AND account_key IS NOT NULL))
) STRICT;
-- A raw response is linked once; `verify` finds each row's link, and a head written down earlier.
CREATE UNIQUE INDEX fact_chain_raw ON fact_chain(fact_id) WHERE fact = 'raw_response';
CREATE INDEX fact_chain_fact ON fact_chain(fact, fact_id);
CREATE INDEX fact_chain_hash ON fact_chain(chain_hash);

CREATE TRIGGER fact_chain_no_update
BEFORE UPDATE ON fact_chain
BEGIN
    SELECT RAISE(ABORT, 'fact_chain is append-only: a link is never changed');
END;

CREATE TRIGGER fact_chain_no_delete
BEFORE DELETE ON fact_chain
BEGIN
    SELECT RAISE(ABORT, 'fact_chain is append-only: a link is never deleted');
END;
