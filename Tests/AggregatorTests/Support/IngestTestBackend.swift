import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import Aggregator

/// A `TestApp` on either backend, plus direct inserts for what the API of this issue does not
/// create (agents with credentials, users in other organisations).
struct IngestFixture {
    let app: TestApp
    let backend: TestBackend

    static func make(_ backend: TestBackend) async throws -> IngestFixture {
        IngestFixture(app: try await TestApp.make(backend), backend: backend)
    }

    func close() async { await app.close() }

    var database: any Database { app.database }
    var now: Int64 { app.clock.serviceClock.micros }

    // MARK: - Direct inserts

    /// An organisation under `parent` (the root by default).
    func organisation(_ name: String, kind: String = "site", parent: String? = nil, timeZone: String = "Asia/Shanghai")
        async throws -> String
    {
        try await app.organisation(name, under: parent ?? app.rootID, kind: kind, timeZone: timeZone)
    }

    /// An active agent at `site` and a bearer token for it.
    func agent(_ name: String, site: String) async throws -> (id: String, token: String) {
        let id = SecretToken.newID(), token = SecretToken.generate(prefix: SecretToken.agentPrefix), now = self.now
        try await database.write { connection in
            try connection.execute(
                "INSERT INTO agents (id, name, site_id, status, created_at, updated_at) VALUES ($1, $2, $3, 'active', $4, $4)",
                .text(id), .text(name), .text(site), .integer(now))
            try connection.execute(
                """
                INSERT INTO agent_credentials (id, token_hash, agent_id, created_at, expires_at, revoked_at)
                VALUES ($1, $2, $3, $4, NULL, NULL)
                """, .text(SecretToken.newID()), .text(SecretToken.hash(token)), .text(id), .integer(now))
        }
        return (id, token)
    }

    /// An active user with `role` at `organisation` (log in with `TestApp.adminPassword`).
    func user(_ username: String, at organisation: String, role: BuiltInRole = .administrator) async throws {
        try await app.person(username, role, at: organisation)
    }

    func count(_ sql: String, _ parameters: SQLValue...) async throws -> Int64 {
        try await database.read { try $0.query(sql, parameters).first?.int64("n") ?? 0 }
    }
}

/// Sending batches in route tests.
extension TestClientProtocol {
    func post(batch body: [UInt8], token: String, gzip: Bool = false, encoding: String? = nil) async throws
        -> (status: HTTPResponse.Status, body: Any, raw: String, retryAfter: String?)
    {
        var headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
        let bytes = gzip ? Gzip.deflate(body) : body
        if let encoding = encoding ?? (gzip ? "gzip" : nil) { headers[.contentEncoding] = encoding }
        return try await execute(uri: "/api/v1/ingest/batches", method: .post, headers: headers,
                                 body: ByteBuffer(bytes: bytes)) { response in
            let raw = String(buffer: response.body)
            let parsed = (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) ?? NSNull()
            return (response.status, parsed, raw, response.headers[.retryAfter])
        }
    }

    func post(_ batch: ReadingBatch, token: String, gzip: Bool = false) async throws
        -> (status: HTTPResponse.Status, body: Any, raw: String, retryAfter: String?)
    {
        try await post(batch: Array(try JSONEncoder().encode(batch)), token: token, gzip: gzip)
    }
}
