#!/usr/bin/env python3
"""Reads a ledger's readable views the way a person would: over Datasette's JSON API and in the sqlite3 shell.

Usage: check_views.py LEDGERSYNC_BINARY LEDGER.sqlite

Each view (migration 0005) must answer over HTTP from `datasette serve --immutable` and in `sqlite3`, with the same
rows as `ledgersync query <kind> --format json` prints: times as ISO-8601 UTC text, amounts as decimal text at the
unit's scale next to the unit. Exit 0 when every check holds, 1 otherwise, with one line per failed check.
"""
import json
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request

# view -> (query kind, extra query options, columns of the query's output the view leaves out)
VIEWS = {
    "current_balances": ("balances", [], {"valid_to", "superseded_at"}),
    "balance_history": ("history", ["--include-superseded"], set()),
    "conflicts_readable": ("conflicts", [], set()),
    "movements_readable": ("movements", [], set()),
}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_text(value):
    """A query JSON value as the view shows it: amounts by their text, booleans as 0/1, numbers as digits."""
    if isinstance(value, dict):
        return value["amount"]
    if isinstance(value, bool):
        return str(int(value))
    if value is None:
        return None
    return str(value)


def canonical(rows, columns):
    return sorted(json.dumps({c: as_text(row[c]) for c in sorted(columns)}, ensure_ascii=False) for row in rows)


def main():
    binary, ledger = sys.argv[1], pathlib.Path(sys.argv[2]).resolve()
    failures = []
    port = free_port()
    venv_bin = pathlib.Path(sys.executable).parent
    server = subprocess.Popen(
        [str(venv_bin / "datasette"), "serve", "--immutable", str(ledger), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}/{ledger.stem}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        for view, (kind, options, omitted) in VIEWS.items():
            # Datasette's own JSON, every row (default page size is 100; the demo ledger is smaller than the cap).
            url = f"{base}/{view}.json?_shape=array&_size=max"
            shown = json.load(urllib.request.urlopen(url, timeout=10))
            # Datasette parses the integer columns as numbers and everything else as the view's text.
            shown = [{key: (None if value is None else str(value)) for key, value in row.items()} for row in shown]
            printed = json.loads(subprocess.run(
                [binary, "query", kind, "--db", str(ledger), "--format", "json", "--limit", "100000", *options],
                check=True, capture_output=True, text=True).stdout)
            if not printed:
                failures.append(f"{view}: query {kind} printed no rows to compare with")
                continue
            columns = set(printed[0]) - omitted
            missing = columns - set(shown[0] if shown else {})
            if missing:
                failures.append(f"{view}: Datasette shows no column {sorted(missing)}")
                continue
            if canonical(shown, columns) != canonical(printed, columns):
                failures.append(f"{view}: Datasette's {len(shown)} rows differ from query {kind}'s {len(printed)}")
            # The sqlite3 shell, as the README shows it, reads the same number of rows.
            count = subprocess.run(
                ["sqlite3", "-readonly", str(ledger), f"SELECT count(*) FROM {view}"],
                check=True, capture_output=True, text=True).stdout.strip()
            if count != str(len(printed)):
                failures.append(f"{view}: sqlite3 counts {count} rows, query {kind} prints {len(printed)}")
            print(f"{view}: {len(shown)} rows over Datasette and sqlite3, equal to query {kind}")
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=10)
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    if failures and errors:
        print(errors.decode(errors="replace")[-2000:], file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
