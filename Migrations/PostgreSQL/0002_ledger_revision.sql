-- LedgerSync PostgreSQL schema 0002: the ledger's revision, a change stamp every instance can read.
--
-- Each server caches answers by the ledger's change stamp. With one SQLite file, a connection's count of commits
-- gives it; with several processes on one PostgreSQL database, a commit by any of them must move every cache.
-- Every writing transaction of the store adds one to this single row before it commits, so the revision a reader
-- sees changes exactly when a commit it can see was made, by any instance.

CREATE TABLE ledger_revision (
    -- One row only: the key can be nothing but true.
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    revision    bigint NOT NULL CHECK (revision >= 0),
    changed_at  bigint NOT NULL
);
INSERT INTO ledger_revision (singleton, revision, changed_at) VALUES (true, 0, 0);
