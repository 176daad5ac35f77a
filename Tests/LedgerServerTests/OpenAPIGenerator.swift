import LedgerCore
import LedgerReports
import LedgerServer

/// Makes `docs/openapi.json`, the OpenAPI 3.1 document of `serve`'s `/api/v1`: every list's parameters from
/// ``QueryParameters/table`` (the table the server parses by), and the answers' shapes written here once.
/// `OpenAPITests` fails while the committed file differs from what this makes.
enum OpenAPIGenerator {
    /// An object with its members in order.
    static func object(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(JSONObject(members.map { (key: $0.key, value: $0.value) }))
    }

    static func string(_ text: String) -> JSONValue { .string(text) }
    static func strings(_ texts: [String]) -> JSONValue { .array(texts.map(JSONValue.string)) }
    static func number(_ value: Int) -> JSONValue { .number(String(value)) }

    static let amount = object([
        "description":
            "An exact amount: digits as a string (never a float), its unit, and its scale (digits after the point).",
        "oneOf": .array([
            object(["type": "null"]),
            object([
                "type": "object", "required": strings(["amount", "unit", "scale"]),
                "properties": object([
                    "amount": object(["type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"]),
                    "unit": object(["type": "string"]),
                    "scale": object(["type": "integer", "minimum": number(0), "maximum": number(9)]),
                ]),
            ]),
        ]),
    ])
    static let time = object([
        "type": strings(["string", "null"]), "description": "An instant, ISO 8601 in the zone asked (UTC by default).",
    ])
    static let text = object(["type": strings(["string", "null"])])
    static let integer = object(["type": strings(["integer", "null"])])
    static let error = object(["$ref": "#/components/responses/Error"])
    static let errors: [(key: String, value: JSONValue)] = ["400", "401", "404", "429"].map { ($0, error) }

    /// What each list's rows are, and the columns of those documented in full.
    static func rows(_ kind: QueryKind) -> (description: String, properties: JSONValue?) {
        switch kind {
        case .balances:
            (
                "Each account's balance as of an instant on each time axis.",
                object([
                    "source": object(["type": "string"]), "kind": object(["type": "string"]),
                    "account": object(["type": "string"]), "name": text,
                    "state": object(["type": "string", "enum": strings(["present", "gone"])]), "unit": text,
                    "available_balance": amount, "credit_limit": amount, "used": amount, "frozen": amount,
                    "total_available": amount, "overdue": amount, "valid_from": time, "valid_to": time,
                    "recorded_at": time, "superseded_at": time, "source_modified_at": time, "observed_at": time,
                    "flagged": object(["type": "boolean"]), "version_id": object(["type": "integer"]),
                    "run_id": integer,
                ])
            )
        case .history: ("Every version of the selected accounts, oldest first.", nil)
        case .changes: ("Versions that started in a window, beside the ones they followed.", nil)
        case .conflicts: ("The gmtModified conflicts the sync met, with both contents.", nil)
        case .runs: ("Sync runs, newest first, with their counts per source.", nil)
        case .errors: ("Failed fetches and quarantined payloads.", nil)
        case .movements: ("ModelRouter balance-log entries.", nil)
        case .totals: ("Available balance summed per source and unit (never across units).", nil)
        }
    }

    /// A parameter's schema by its type.
    static func schema(_ type: QueryParameter.ValueType) -> JSONValue {
        switch type {
        case .text: object(["type": "string", "minLength": number(1)])
        case .integer(let minimum, let maximum, let defaultValue):
            .object(
                JSONObject(
                    [("type", "integer"), ("minimum", number(minimum))]
                        + (maximum.map { [("maximum", number($0))] } ?? [])
                        + (defaultValue.map { [("default", number($0))] } ?? [])))
        case .date: object(["type": "string", "format": "date", "minLength": number(1)])
        case .dateTime: object(["type": "string", "format": "date-time", "minLength": number(1)])
        case .boolean: object(["type": "boolean"])
        case .choice(let words): object(["type": "string", "enum": strings(words)])
        case .zone(let examples): object(["type": "string", "default": "UTC", "enum": strings(examples)])
        }
    }

    static func parameter(_ parameter: QueryParameter) -> JSONValue {
        let schema = schema(parameter.type)
        if parameter.repeatable {
            return object([
                "name": string(parameter.name), "in": "query",
                "description": string(parameter.description + " Repeatable."),
                "schema": object(["type": "array", "items": schema]), "style": "form", "explode": .bool(true),
            ])
        }
        return object([
            "name": string(parameter.name), "in": "query", "description": string(parameter.description),
            "schema": schema,
        ])
    }

    static func listPath(_ kind: QueryKind) -> JSONValue {
        let (description, properties) = rows(kind)
        var item: [(key: String, value: JSONValue)] = [("type", "object")]
        if case .object(let columns)? = properties {
            item.append(("properties", .object(columns)))
            item.append(("required", strings(columns.members.map(\.key))))
        }
        let page = object([
            "type": "object", "required": strings(["rows", "next_after"]),
            "properties": object([
                "rows": object(["type": "array", "items": .object(JSONObject(item))]),
                "next_after": object([
                    "type": strings(["string", "null"]),
                    "description": "The `after` of the next page; null on the last.",
                ]),
            ]),
        ])
        let ok = object([
            "description": string(
                "A page of rows, shaped as `ledgersync query \(kind.rawValue) --format json` prints them."),
            "content": object(["application/json": object(["schema": page])]),
        ])
        return object([
            "get": object([
                "operationId": string(kind.rawValue), "summary": string(description),
                "parameters": .array(QueryParameters.parameters(for: .list(kind)).map(parameter)),
                "responses": .object(JSONObject([("200", ok)] + errors)),
            ])
        ])
    }

    static func json(_ schema: JSONValue, _ description: String) -> JSONValue {
        object([
            "description": string(description), "content": object(["application/json": object(["schema": schema])]),
        ])
    }

    /// The whole document.
    static func document() -> JSONValue {
        var paths: [(key: String, value: JSONValue)] = [
            .balances, .history, .changes, .conflicts, .runs, .errors, .movements, .totals,
        ].map { ("/api/v1/\($0.rawValue)", listPath($0)) }
        let report = object([
            "type": "object", "required": strings(["schema", "clean", "summary", "exceptions"]),
            "properties": object([
                "schema": object(["type": "string"]), "clean": object(["type": "boolean"]),
                "summary": object(["type": "object"]), "exceptions": object(["type": "array"]),
            ]),
        ])
        paths.append(
            (
                "/api/v1/reconciliation",
                object([
                    "get": object([
                        "operationId": "reconciliation",
                        "summary":
                            "The reconciliation summary and exceptions of a period, as `ledgersync check --json` gives them.",
                        "parameters": .array(QueryParameters.parameters(for: .reconciliation).map(parameter)),
                        "responses": .object(
                            JSONObject([("200", json(report, "The summary and every exception."))] + errors)),
                    ])
                ])
            ))
        let status = object([
            "type": "object",
            "required": strings([
                "sync_running", "next_sync_at", "consecutive_failures", "last_outcome", "sync_every_seconds",
                "chain_head", "backup",
            ]),
            "properties": object([
                "sync_running": object(["type": "boolean"]), "next_sync_at": time,
                "consecutive_failures": object(["type": "integer"]), "last_outcome": text,
                "sync_every_seconds": object(["type": "integer"]),
                "chain_head": object([
                    "type": "object", "required": strings(["position", "hash"]),
                    "description": .string(
                        "The last fact of the ledger's hash chain: write it down, and `ledgersync verify --expect-head "
                            + "HASH` checks later that the ledger still holds that history."),
                    "properties": object([
                        "position": object(["type": "integer", "minimum": .number("0")]),
                        "hash": object(["type": "string", "pattern": .string("^[0-9a-f]{64}$")]),
                    ]),
                ]),
                "backup": object([
                    "type": .array([.string("object"), .string("null")]),
                    "description": .string(
                        "The [backup] schedule and the last backups serve took; null without a [backup] table."),
                    "required": strings([
                        "every_seconds", "keep", "last_attempt_at", "last_outcome", "last_error", "last_success_at",
                        "last_success_bytes", "last_success_chain_head", "failures",
                    ]),
                    "properties": object([
                        "every_seconds": object(["type": "integer"]), "keep": object(["type": "integer"]),
                        "last_attempt_at": time,
                        "last_outcome": object([
                            "type": .array([.string("string"), .string("null")]),
                            "enum": .array([.string("ok"), .string("failed"), .null]),
                        ]),
                        "last_error": text, "last_success_at": time,
                        "last_success_bytes": object(["type": .array([.string("integer"), .string("null")])]),
                        "last_success_chain_head": object(["type": .array([.string("object"), .string("null")])]),
                        "failures": object(["type": "integer"]),
                    ]),
                ]),
            ]),
        ])
        paths.append(
            (
                "/api/v1/status",
                object([
                    "get": object([
                        "operationId": "status", "summary": "The scheduler's state.",
                        "responses": object([
                            "200": json(status, "Whether a sync runs, when the next is due, failures in a row."),
                            "401": error, "429": error,
                        ]),
                    ])
                ])
            ))
        let alert = object([
            "type": "object",
            "required": strings([
                "id", "rule", "kind", "subject", "state", "firing_since", "resolved_at", "message", "figures",
            ]),
            "properties": object([
                "id": object(["type": "integer"]), "rule": object(["type": "string"]),
                "kind": object(["type": "string", "enum": strings(AlertKind.allCases.map(\.rawValue))]),
                "subject": object(["type": "string"]), "source": text, "account": text,
                "state": object(["type": "string", "enum": strings(["firing", "resolved"])]), "firing_since": time,
                "resolved_at": time, "message": object(["type": "string"]), "figures": object([:]),
            ]),
        ])
        let alerts = object([
            "type": "object", "required": strings(["alerts"]),
            "properties": object(["alerts": object(["type": "array", "items": alert])]),
        ])
        paths.append(
            (
                "/api/v1/alerts",
                object([
                    "get": object([
                        "operationId": "alerts",
                        "summary": "Alerts firing now, and those resolved since an instant (default: 7 days ago).",
                        "parameters": .array([
                            object([
                                "name": "resolved_since", "in": "query",
                                "description": "Also alerts resolved since this instant.",
                                "schema": schema(.dateTime),
                            ])
                        ]),
                        "responses": .object(JSONObject([("200", json(alerts, "The alerts, newest first."))] + errors)),
                    ])
                ])
            ))
        paths.append(
            (
                "/api/v1/sync",
                object([
                    "post": object([
                        "operationId": "syncNow", "summary": "Asks for a sync now (a token is required).",
                        "responses": .object(
                            JSONObject(
                                [
                                    (
                                        "202",
                                        json(
                                            object([
                                                "type": "object",
                                                "properties": object(["sync": object(["type": "string"])]),
                                            ]), "The sync starts.")
                                    )
                                ] + ["401", "403", "409", "413", "429"].map { ($0, error) })),
                    ])
                ])
            ))
        let errorBody = object([
            "type": "object", "required": strings(["error"]),
            "properties": object([
                "error": object([
                    "type": "object", "required": strings(["status", "message"]),
                    "properties": object([
                        "status": object(["type": "integer"]), "message": object(["type": "string"]),
                        "parameter": object(["type": "string"]),
                    ]),
                ])
            ]),
        ])
        return object([
            "openapi": "3.1.0",
            "info": object([
                "title": "LedgerSync serve API", "version": "1",
                "description":
                    "Read-only answers from the local ledger, and a sync on demand. Amounts are exact decimal strings with their unit and scale; /metrics (Prometheus text) is outside this document.",
            ]),
            "servers": .array([object(["url": "http://127.0.0.1:8080"])]),
            "security": .array([object(["bearer": .array([])]), object([:])]),
            "paths": .object(JSONObject(paths)),
            "components": object([
                "securitySchemes": object([
                    "bearer": object([
                        "type": "http", "scheme": "bearer", "description": "Required when serve has --token-env.",
                    ])
                ]),
                "responses": object([
                    "Error": json(
                        errorBody, "An error: the status, a sentence, and the parameter at fault when there is one.")
                ]),
            ]),
        ])
    }

    /// The document as `docs/openapi.json` holds it: indented, with a final line feed.
    static func documentText() -> String { document().prettyText() + "\n" }
}
