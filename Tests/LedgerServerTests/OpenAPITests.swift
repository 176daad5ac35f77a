import Foundation
import LedgerCore
import LedgerReports
import Testing

@Suite("The OpenAPI document")
struct OpenAPITests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/openapi.json")

    @Test("serve answers docs/openapi.json byte for byte; it names every list with exactly the parameters it accepts")
    func servedAndComplete() async throws {
        let text = try String(contentsOf: Self.file, encoding: .utf8)
        try await ServeHarness.with { (harness: ServeHarness) async throws in
            let served = try await harness.request("/api/v1/openapi.json")
            #expect(served.status == 200)
            #expect(served.body + "\n" == text, "run python3 Tools/openapi/make_openapi.py")
        }
        guard case .object(let root) = try JSONValue.parse(text), case .object(let paths)? = root["paths"] else {
            Issue.record("no paths")
            return
        }
        #expect(root["openapi"] == .string("3.1.0"))
        for kind in QueryKind.allCases {
            guard case .object(let path)? = paths["/api/v1/\(kind.rawValue)"], case .object(let get)? = path["get"],
                case .array(let parameters)? = get["parameters"]
            else {
                Issue.record("\(kind) is missing")
                continue
            }
            let names = Set(
                parameters.compactMap { item -> String? in
                    guard case .object(let parameter) = item, case .string(let name)? = parameter["name"] else {
                        return nil
                    }
                    return name
                })
            #expect(names == Set(QueryParameters.names(for: kind) + QueryParameters.common), "\(kind)")
        }
    }
}
