import CarbonCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

/// Who may send a batch and in what shape: the credential's own agent, JSON or gzip, within the
/// size cap, with a valid hash. Every refusal is a 4xx naming the problem and writes nothing.
@Suite struct IngestRequestTests {
    typealias Semantics = IngestSemanticsTests

    @Test(arguments: TestBackend.enabled)
    func aBatchNamingAnotherAgentIsRefusedAndAudited(_ backend: TestBackend) async throws {
        let fixture = try await IngestFixture.make(backend)
        let site = try await fixture.organisation("Plant 7")
        let agent = try await fixture.agent("gw-1", site: site)
        _ = try await fixture.agent("gw-2", site: site)
        try await fixture.app.application().test(.router) { client in
            let reply = try await client.post(try Semantics.batch(Semantics.readings(1...3), agent: "gw-2"),
                                              token: agent.token)
            #expect(reply.status == .forbidden, "\(reply.raw)")
        }
        #expect(try await fixture.count("SELECT count(*) AS n FROM readings") == 0)
        #expect(try await fixture.count(
            "SELECT count(*) AS n FROM audit_log WHERE action = 'ingest.batch' AND outcome = 'denied'") == 1)
        await fixture.close()
    }

    @Test(arguments: TestBackend.enabled)
    func aPersonsTokenIsRefused(_ backend: TestBackend) async throws {
        let fixture = try await IngestFixture.make(backend)
        try await fixture.app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            let reply = try await client.post(try Semantics.batch(Semantics.readings(1...3)), token: token)
            #expect(reply.status == .forbidden, "\(reply.raw)")
            let none = try await client.post(try Semantics.batch(Semantics.readings(1...3)), token: "cpa_nope")
            #expect(none.status == .unauthorized)
        }
        await fixture.close()
    }

    @Test func gzipIsAcceptedAndCorruptGzipIsA400() async throws {
        let fixture = try await IngestFixture.make(.sqlite)
        let site = try await fixture.organisation("Plant 7")
        let agent = try await fixture.agent("gw-1", site: site)
        try await fixture.app.application().test(.router) { client in
            let batch = try Semantics.batch(Semantics.readings(1...50))
            let zipped = try await client.post(batch, token: agent.token, gzip: true)
            #expect(zipped.status == .ok, "\(zipped.raw)")
            #expect(try Semantics.reply(zipped.body).status == .accepted)

            var corrupt = Gzip.deflate(Array(try JSONEncoder().encode(batch)))
            corrupt[corrupt.count / 2] ^= 0xff
            let broken = try await client.post(batch: corrupt, token: agent.token, encoding: "gzip")
            #expect(broken.status == .badRequest, "\(broken.raw)")
            #expect(field(broken.body, "error", "code") as? String == "invalid_encoding")
            let plainAsGzip = try await client.post(batch: Array(try JSONEncoder().encode(batch)), token: agent.token,
                                                    encoding: "gzip")
            #expect(field(plainAsGzip.body, "error", "code") as? String == "invalid_encoding")
            let brotli = try await client.post(batch: [1, 2, 3], token: agent.token, encoding: "br")
            #expect(brotli.status == .unsupportedMediaType)
        }
        await fixture.close()
    }

    @Test func oversizeBodiesAndGzipBombsAre413() async throws {
        let fixture = try await IngestFixture.make(.sqlite)
        let site = try await fixture.organisation("Plant 7")
        let agent = try await fixture.agent("gw-1", site: site)
        try await fixture.app.application().test(.router) { client in
            let bomb = Gzip.deflate([UInt8](repeating: 0x20, count: IngestBody.maximumBytes + 1), level: 9)
            #expect(bomb.count < 200_000)
            let inflated = try await client.post(batch: bomb, token: agent.token, encoding: "gzip")
            #expect(inflated.status == .contentTooLarge, "\(inflated.raw)")
            let large = try await client.post(batch: [UInt8](repeating: 0x20, count: IngestBody.maximumBytes + 1),
                                              token: agent.token)
            #expect(large.status == .contentTooLarge)
        }
        await fixture.close()
    }

    @Test func malformedBatchesAre4xxNamingTheField() async throws {
        let fixture = try await IngestFixture.make(.sqlite)
        let site = try await fixture.organisation("Plant 7")
        let agent = try await fixture.agent("gw-1", site: site)
        try await fixture.app.application().test(.router) { client in
            var batch = try Semantics.batch(Semantics.readings(1...3))
            batch.contentSHA256 = String(repeating: "0", count: 64)
            let wrongHash = try await client.post(batch, token: agent.token)
            #expect(wrongHash.status == .unprocessableContent)
            #expect(field(wrongHash.body, "error", "field") as? String == "content_sha256")

            var holed = try Semantics.batch(Semantics.readings(1...3))
            holed.readings.remove(at: 1)
            holed.contentSHA256 = holed.canonicalHash()
            let untiled = try await client.post(holed, token: agent.token)
            #expect(untiled.status == .unprocessableContent)
            #expect(field(untiled.body, "error", "field") as? String == "readings")

            var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(batch)) as! [String: Any]
            object["first_seq"] = "one"
            let typed = try await client.post(batch: Array(try JSONSerialization.data(withJSONObject: object)),
                                              token: agent.token)
            #expect(typed.status == .unprocessableContent && field(typed.body, "error", "field") as? String == "first_seq")
            var readings = object["readings"] as! [[String: Any]]
            readings[0]["value"] = 12.5
            object["first_seq"] = 1
            object["readings"] = readings
            let number = try await client.post(batch: Array(try JSONSerialization.data(withJSONObject: object)),
                                               token: agent.token)
            #expect(number.status == .unprocessableContent)
            #expect(field(number.body, "error", "field") as? String == "readings[0].value")

            let far = try Semantics.batch([.init(seq: 1 << 60, tag: "t", unit: "", timeMilliseconds: Semantics.t0,
                                                 value: 1, quality: .good)])
            let farReply = try await client.post(far, token: agent.token)
            #expect(farReply.status == .unprocessableContent && field(farReply.body, "error", "field") as? String == "last_seq")
            readings[0]["value"] = "1e200"
            object["readings"] = readings
            let huge = try await client.post(batch: Array(try JSONSerialization.data(withJSONObject: object)),
                                             token: agent.token)
            #expect(huge.status.code < 500, "\(huge.raw)")

            let notJSON = try await client.post(batch: Array("{\"readings\": [".utf8), token: agent.token)
            #expect(notJSON.status == .badRequest && field(notJSON.body, "error", "code") as? String == "invalid_json")
            let empty = try await client.post(batch: [], token: agent.token)
            #expect(empty.status == .badRequest)
        }
        #expect(try await fixture.count("SELECT count(*) AS n FROM readings") == 0)
        #expect(try await fixture.count("SELECT count(*) AS n FROM ingest_epochs") == 0)
        await fixture.close()
    }

    @Test func aBusyDatabaseIsA503WithRetryAfter() async throws {
        let fixture = try await IngestFixture.make(.sqlite)
        let site = try await fixture.organisation("Plant 7")
        let agent = try await fixture.agent("gw-1", site: site)
        guard let sqlite = fixture.database as? SQLiteDatabase else { return }
        // Another process holds the write lock longer than the busy timeout allows.
        let blocker = try SQLiteConnection(path: sqlite.path)
        try blocker.executeScript("PRAGMA busy_timeout = 0; BEGIN IMMEDIATE")
        try await fixture.app.application().test(.router) { client in
            let reply = try await client.post(try Semantics.batch(Semantics.readings(1...3)), token: agent.token)
            #expect(reply.status == .serviceUnavailable, "\(reply.raw)")
            #expect(reply.retryAfter != nil)
        }
        try blocker.executeScript("ROLLBACK")
        await fixture.close()
    }
}
