import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

@Suite struct RouteTableTests {
    /// The only routes that answer without credentials. Adding one means changing this list.
    static let publicAllowList: Set<String> = [
        "GET /healthz", "GET /readyz", "GET /openapi.json", "POST /api/v1/auth/login", "POST /api/v1/auth/register",
    ]

    @Test func theUnauthenticatedRoutesAreExactlyTheAllowList() async throws {
        let app = try await TestApp.make()
        let catalogue = try app.catalogue()
        let declared = Set(catalogue.publicRoutes.map { "\($0.method.rawValue) \($0.path)" })
        #expect(declared == Self.publicAllowList)
        // And the others really refuse a request without a token, with the JSON error shape.
        try await app.application().test(.router) { client in
            for spec in catalogue.specs where spec.access != .publicRoute {
                let uri = spec.path.split(separator: "/").map {
                    $0.hasPrefix(":") ? "00000000-0000-4000-8000-00000000abcd" : String($0)
                }.joined(separator: "/")
                let reply = try await client.json(spec.method, "/" + uri, body: spec.requestSchema == nil ? nil : [:])
                #expect(reply.status == .unauthorized, "\(spec.method) \(spec.path) answered \(reply.status)")
                #expect(field(reply.body, "error", "code") as? String == "unauthenticated")
            }
        }
        await app.close()
    }

    @Test func theOpenAPIDocumentCoversEveryRouteAndNothingElse() async throws {
        let app = try await TestApp.make()
        let catalogue = try app.catalogue()
        try await app.application().test(.router) { client in
            let reply = try await client.json(.get, "/openapi.json")
            #expect(reply.status == .ok)
            #expect(field(reply.body, "openapi") as? String == "3.1.0")
            let paths = field(reply.body, "paths") as? [String: [String: Any]] ?? [:]
            let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
            let routed = Set(catalogue.specs.map { "\($0.method.rawValue) \($0.openAPIPath)" })
            #expect(documented == routed)
            for spec in catalogue.specs where spec.access != .publicRoute {
                let operation = paths[spec.openAPIPath]?[spec.method.rawValue.lowercased()]
                #expect(field(operation as Any, "security", "0", "bearer") != nil, "\(spec.path) lacks its security")
            }
        }
        await app.close()
    }

    /// What a handler accepts in the query string is documented: a route that declares parameters
    /// refuses any other by name (the registry enforces it), /openapi.json lists the declared ones,
    /// and every source file that reads the query string registers routes that declare some.
    @Test func queryParametersAreDocumentedAndNothingElseIsAccepted() async throws {
        let app = try await TestApp.make()
        let catalogue = try app.catalogue()
        let declaring = catalogue.specs.filter { !$0.query.isEmpty }
        #expect(declaring.count >= 7)
        try await app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            let paths = field(try await client.json(.get, "/openapi.json").body, "paths") as? [String: [String: Any]] ?? [:]
            for spec in declaring {
                let operation = paths[spec.openAPIPath]?[spec.method.rawValue.lowercased()] as Any
                let documented = (field(operation, "parameters") as? [[String: Any]] ?? [])
                    .filter { $0["in"] as? String == "query" }.compactMap { $0["name"] as? String }
                #expect(documented == spec.query.map(\.name), "\(spec.path)")
                let uri = spec.path.split(separator: "/").map {
                    $0.hasPrefix(":") ? "1" : String($0)
                }.joined(separator: "/")
                let reply = try await client.json(spec.method, "/" + uri + "?undocumented_probe=1", token: token,
                                                  body: spec.requestSchema == nil ? nil : [:])
                #expect(reply.status == .unprocessableContent, "\(spec.path): \(reply.raw)")
                #expect(field(reply.body, "error", "field") as? String == "undocumented_probe", "\(spec.path)")
            }
        }
        await app.close()
        // Files that read the query string: each must declare parameters on its routes.
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources/Aggregator")
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix(".swift") {
            let text = (try? String(contentsOfFile: sources.appendingPathComponent(file).path, encoding: .utf8)) ?? ""
            if text.contains("uri.queryParameters"), text.contains("routes.add(") {
                #expect(text.contains("query: "), "\(file) reads query parameters without declaring them")
            }
        }
    }

    @Test func errorsHaveOneShapeAndCarryTheRequestID() async throws {
        let app = try await TestApp.make()
        try await app.application().test(.router) { client in
            let missing = try await client.json(.get, "/api/v1/nothing-here", headers: [.requestID: "trace-42"])
            #expect(missing.status == .notFound)
            #expect(field(missing.body, "error", "code") as? String == "not_found")
            #expect(field(missing.body, "error", "request_id") as? String == "trace-42")
            let malformed = try await client.execute(uri: "/api/v1/auth/login", method: .post,
                                                     headers: [.contentType: "application/json"],
                                                     body: ByteBuffer(string: "{\"username\": ")) { $0 }
            #expect(malformed.status == .badRequest)
            #expect(String(buffer: malformed.body).contains("\"invalid_json\""))
            // Past a route's limit (login takes 8 KiB) the answer is 413 in the same shape, not a 500.
            let oversized = try await client.json(.post, "/api/v1/auth/login",
                                                  body: ["username": String(repeating: "x", count: 20_000), "password": "p"])
            #expect(oversized.status == .contentTooLarge, "\(oversized.raw)")
            #expect(field(oversized.body, "error", "code") as? String == "body_too_large")
            let health = try await client.json(.get, "/readyz")
            #expect(health.status == .ok && field(health.body, "database") as? String == "sqlite")
        }
        await app.close()
    }
}
