import Foundation
import LedgerCore
import LedgerReports
import Testing

@testable import LedgerServer

@Suite("The OpenAPI document")
struct OpenAPITests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/openapi.json")

    @Test("docs/openapi.json is what the parameter table and the answers' shapes make; serve embeds it byte for byte")
    func madeAndEmbedded() throws {
        let made = OpenAPIGenerator.documentText()
        if ProcessInfo.processInfo.environment["LEDGERSYNC_UPDATE_OPENAPI"] == "1" {
            try made.write(to: Self.file, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOf: Self.file, encoding: .utf8)
        let same = committed == made
        #expect(
            same,
            "docs/openapi.json is not what the table makes: run LEDGERSYNC_UPDATE_OPENAPI=1 swift test --filter OpenAPITests"
        )
        let embedded = OpenAPIDocument.bytes == Array(committed.utf8)
        #expect(
            embedded,
            "the embedded document is not docs/openapi.json: rebuild (the EmbedServerFiles plugin embeds it)")
    }

    @Test("Each list and the reconciliation name exactly the parameters the server accepts, by the table")
    func parametersAreTheTable() throws {
        let text = try String(contentsOf: Self.file, encoding: .utf8)
        guard case .object(let root) = try JSONValue.parse(text), case .object(let paths)? = root["paths"] else {
            Issue.record("no paths")
            return
        }
        #expect(root["openapi"] == .string("3.1.0"))
        func names(_ path: String) -> [String] {
            guard case .object(let item)? = paths[path], case .object(let get)? = item["get"],
                case .array(let parameters)? = get["parameters"]
            else { return [] }
            return parameters.compactMap { item -> String? in
                guard case .object(let parameter) = item, case .string(let name)? = parameter["name"] else {
                    return nil
                }
                return name
            }
        }
        for kind in QueryKind.allCases {
            #expect(names("/api/v1/\(kind.rawValue)") == QueryParameters.names(for: kind), "\(kind)")
            // What the document names, the server takes: every name parses (a bad value is about the value).
            for name in QueryParameters.names(for: kind) {
                do {
                    _ = try QueryParameters.options(for: kind, [(name, "x")])
                } catch {
                    #expect(!error.reason.hasPrefix("unknown parameter"), "\(kind) \(name): \(error)")
                }
            }
            #expect(throws: QueryParameterError.self) { try QueryParameters.options(for: kind, [("nosuch", "1")]) }
        }
        #expect(
            Set(names("/api/v1/reconciliation"))
                == Set(QueryParameters.parameters(for: .reconciliation).map(\.name)))
        #expect(QueryParameters.table.allSatisfy { !$0.help.isEmpty && !$0.answers.isEmpty })
    }
}
