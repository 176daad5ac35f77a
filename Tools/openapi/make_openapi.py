#!/usr/bin/env python3
"""Writes docs/openapi.json (the OpenAPI 3.1 document of `ledgersync serve`'s /api/v1) and embeds the same text in
Sources/LedgerServer/OpenAPIDocument.swift. Run it after changing the API; a test fails while the two differ.

    python3 Tools/openapi/make_openapi.py
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]

amount = {
    "description": "An exact amount: digits as a string (never a float), its unit, and its scale (digits after the point).",
    "oneOf": [
        {"type": "null"},
        {
            "type": "object",
            "required": ["amount", "unit", "scale"],
            "properties": {
                "amount": {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"},
                "unit": {"type": "string"},
                "scale": {"type": "integer", "minimum": 0, "maximum": 9},
            },
        },
    ],
}
time = {"type": ["string", "null"], "description": "An instant, ISO 8601 in the zone asked (UTC by default)."}
text = {"type": ["string", "null"]}
integer = {"type": ["integer", "null"]}

rows = {
    "balances": {
        "description": "Each account's balance as of an instant on each time axis.",
        "properties": {
            "source": {"type": "string"}, "kind": {"type": "string"}, "account": {"type": "string"},
            "name": text, "state": {"type": "string", "enum": ["present", "gone"]}, "unit": text,
            "available_balance": amount, "credit_limit": amount, "used": amount, "frozen": amount,
            "total_available": amount, "overdue": amount, "valid_from": time, "valid_to": time,
            "recorded_at": time, "superseded_at": time, "source_modified_at": time, "observed_at": time,
            "flagged": {"type": "boolean"}, "version_id": {"type": "integer"}, "run_id": integer,
        },
    },
    "history": {"description": "Every version of the selected accounts, oldest first."},
    "changes": {"description": "Versions that started in a window, beside the ones they followed."},
    "conflicts": {"description": "The gmtModified conflicts the sync met, with both contents."},
    "runs": {"description": "Sync runs, newest first, with their counts per source."},
    "errors": {"description": "Failed fetches and quarantined payloads."},
    "movements": {"description": "ModelRouter balance-log entries."},
    "totals": {"description": "Available balance summed per source and unit (never across units)."},
}

common_names = ["tz"]
paging = ["limit", "after"]
names = {
    "balances": ["source", "kind", "account", "name", "unit", "as_of", "recorded_as_of"],
    "totals": ["source", "kind", "account", "name", "unit", "as_of", "recorded_as_of"],
    "history": ["source", "kind", "account", "name", "unit", "from", "to", "include_superseded"],
    "changes": ["source", "kind", "account", "name", "unit", "from", "to", "axis"],
    "conflicts": ["source", "kind", "account", "name", "unit", "from", "to", "conflict_kind"],
    "runs": ["source", "kind", "from", "to"],
    "errors": ["source", "kind", "account", "name", "unit", "from", "to", "run"],
    "movements": ["source", "kind", "account", "name", "unit", "from", "to"],
}
repeatable = {"source", "kind", "account", "unit", "conflict_kind"}
parameter_docs = {
    "limit": ({"type": "integer", "minimum": 1, "maximum": 10000, "default": 100}, "The most rows on a page."),
    "after": ({"type": "string"}, "The `next_after` of the previous page (keyset paging)."),
    "tz": ({"type": "string", "default": "UTC", "enum": ["UTC", "+08:00", "-05:00", "Asia/Taipei", "Asia/Shanghai"]}, "The zone of times given and shown: UTC, +08:00 or Asia/Taipei."),
    "source": ({"type": "string"}, "A source instance name."),
    "kind": ({"type": "string", "enum": ["modelrouter", "dms_credit", "twcc_wallet"]}, "A source kind."),
    "account": ({"type": "string"}, "An account key such as 17, 101:2 or MST123456/W0001."),
    "name": ({"type": "string"}, "Accounts whose key or name matches this pattern (* and ?), case-insensitive."),
    "unit": ({"type": "string"}, "A unit such as CNY, tokens or SU."),
    "as_of": ({"type": "string", "format": "date-time"}, "The valid-time instant: when it was true at the source."),
    "recorded_as_of": ({"type": "string", "format": "date-time"}, "The recorded-time instant: what the ledger knew then."),
    "from": ({"type": "string", "format": "date"}, "The start of the window (inclusive): a date or an instant."),
    "to": ({"type": "string", "format": "date"}, "The end of the window (exclusive)."),
    "include_superseded": ({"type": "boolean"}, "Also rows that later knowledge replaced."),
    "axis": ({"type": "string", "enum": ["valid", "recorded"]}, "The time axis of the window."),
    "conflict_kind": (
        {"type": "string", "enum": ["late_arrival", "stale", "same_timestamp_different_content", "clock_skew"]},
        "Only conflicts of this kind."),
    "run": ({"type": "integer", "minimum": 1}, "Only those of this run."),
    "stale_after": ({"type": "integer", "minimum": 1, "default": 36}, "Hours without fresh data before STALE."),
    "tolerance": ({"type": "string"}, "RULE=AMOUNT: a difference allowed for a rule."),
}


def parameter(name):
    schema, description = parameter_docs[name]
    if schema.get("type") == "string" and "enum" not in schema:
        schema = {**schema, "minLength": 1}
    if name in repeatable:
        return {"name": name, "in": "query", "description": description + " Repeatable.",
                "schema": {"type": "array", "items": schema}, "style": "form", "explode": True}
    return {"name": name, "in": "query", "description": description, "schema": schema}


error = {"$ref": "#/components/responses/Error"}
errors = {"400": error, "401": error, "404": error, "429": error}


def list_path(kind):
    item = {"type": "object"}
    if "properties" in rows[kind]:
        item["properties"] = rows[kind]["properties"]
        item["required"] = list(rows[kind]["properties"])
    return {
        "get": {
            "operationId": kind,
            "summary": rows[kind]["description"],
            "parameters": [parameter(n) for n in names[kind] + (paging if kind != "totals" else []) + common_names],
            "responses": {
                "200": {
                    "description": "A page of rows, shaped as `ledgersync query " + kind + " --format json` prints them.",
                    "content": {"application/json": {"schema": {
                        "type": "object", "required": ["rows", "next_after"],
                        "properties": {
                            "rows": {"type": "array", "items": item},
                            "next_after": {"type": ["string", "null"],
                                           "description": "The `after` of the next page; null on the last."},
                        },
                    }}},
                },
                **errors,
            },
        }
    }


paths = {f"/api/v1/{kind}": list_path(kind) for kind in rows}
paths["/api/v1/reconciliation"] = {"get": {
    "operationId": "reconciliation",
    "summary": "The reconciliation summary and exceptions of a period, as `ledgersync check --json` gives them.",
    "parameters": [parameter(n) for n in ["from", "to", "tz", "source", "kind", "account", "name", "unit",
                                          "stale_after", "tolerance"]],
    "responses": {"200": {"description": "The summary and every exception.", "content": {"application/json": {
        "schema": {"type": "object", "required": ["schema", "clean", "summary", "exceptions"],
                   "properties": {"schema": {"type": "string"}, "clean": {"type": "boolean"},
                                  "summary": {"type": "object"}, "exceptions": {"type": "array"}}}}}},
                  **errors},
}}
paths["/api/v1/status"] = {"get": {
    "operationId": "status", "summary": "The scheduler's state.",
    "responses": {"200": {"description": "Whether a sync runs, when the next is due, failures in a row.",
                          "content": {"application/json": {"schema": {
                              "type": "object",
                              "required": ["sync_running", "next_sync_at", "consecutive_failures", "last_outcome",
                                           "sync_every_seconds"],
                              "properties": {"sync_running": {"type": "boolean"}, "next_sync_at": time,
                                             "consecutive_failures": {"type": "integer"}, "last_outcome": text,
                                             "sync_every_seconds": {"type": "integer"}}}}}},
                  "401": error, "429": error},
}}
paths["/api/v1/alerts"] = {"get": {
    "operationId": "alerts", "summary": "Alerts firing now, and those resolved since an instant (default: 7 days ago).",
    "parameters": [{"name": "resolved_since", "in": "query", "description": "Also alerts resolved since this instant.",
                    "schema": {"type": "string", "format": "date-time", "minLength": 1}}],
    "responses": {"200": {"description": "The alerts, newest first.", "content": {"application/json": {"schema": {
        "type": "object", "required": ["alerts"],
        "properties": {"alerts": {"type": "array", "items": {
            "type": "object",
            "required": ["id", "rule", "kind", "subject", "state", "firing_since", "resolved_at", "message", "figures"],
            "properties": {
                "id": {"type": "integer"}, "rule": {"type": "string"},
                "kind": {"type": "string", "enum": ["balance_below", "credit_ending", "stale", "sync_failing",
                                                    "new_conflict"]},
                "subject": {"type": "string"}, "source": text, "account": text,
                "state": {"type": "string", "enum": ["firing", "resolved"]}, "firing_since": time,
                "resolved_at": time, "message": {"type": "string"}, "figures": {}}}}}}}}},
        **errors},
}}
paths["/api/v1/sync"] = {"post": {
    "operationId": "syncNow", "summary": "Asks for a sync now (a token is required).",
    "responses": {"202": {"description": "The sync starts.", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"sync": {"type": "string"}}}}}},
        "401": error, "403": error, "409": error, "413": error, "429": error},
}}

document = {
    "openapi": "3.1.0",
    "info": {
        "title": "LedgerSync serve API",
        "version": "1",
        "description": "Read-only answers from the local ledger, and a sync on demand. Amounts are exact decimal "
                       "strings with their unit and scale; /metrics (Prometheus text) is outside this document.",
    },
    "servers": [{"url": "http://127.0.0.1:8080"}],
    "security": [{"bearer": []}, {}],
    "paths": paths,
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                        "description": "Required when serve has --token-env."}},
        "responses": {"Error": {
            "description": "An error: the status, a sentence, and the parameter at fault when there is one.",
            "content": {"application/json": {"schema": {
                "type": "object", "required": ["error"],
                "properties": {"error": {
                    "type": "object", "required": ["status", "message"],
                    "properties": {"status": {"type": "integer"}, "message": {"type": "string"},
                                   "parameter": {"type": "string"}}}}}}},
        }},
    },
}

text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
(ROOT / "docs" / "openapi.json").write_text(text)
swift = ('/// The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`. Generated with `docs/openapi.json`\n'
         '/// by `Tools/openapi/make_openapi.py`; a test keeps the two equal.\n'
         'enum OpenAPIDocument {\n'
         '    static let json = #"""\n' + text + '    """#\n}\n')
# The literal's lines are indented by the closing delimiter's indentation.
lines = swift.split("\n")
start = lines.index('    static let json = #"""') + 1
end = lines.index('    """#')
lines[start:end] = [("    " + line) if line else line for line in lines[start:end]]
(ROOT / "Sources" / "LedgerServer" / "OpenAPIDocument.swift").write_text("\n".join(lines))
print(f"wrote docs/openapi.json ({len(text)} bytes) and Sources/LedgerServer/OpenAPIDocument.swift")
