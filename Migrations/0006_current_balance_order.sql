-- LedgerSync schema, version 0006: the dashboard's orders of current balances, answered from an index.
--
-- The overview lists accounts a page at a time, by lowest (or highest) balance within each unit, or by latest
-- change. Without an index SQLite reads and sorts every current version for each page (about 0.1 s at 100k
-- accounts); these partial indexes hold only current versions, in those orders, so a page reads its own rows.
CREATE INDEX balance_version_current_by_balance
    ON balance_version(unit, available_balance_whole, available_balance_nanos, account_id)
    WHERE valid_to IS NULL AND superseded_at IS NULL;
CREATE INDEX balance_version_current_by_change
    ON balance_version(valid_from, account_id)
    WHERE valid_to IS NULL AND superseded_at IS NULL;
