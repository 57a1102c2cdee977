import CarbonCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

/// History out: raw readings and downsampled aggregates equal to a direct `Decimal` computation,
/// streamed exports, and another organisation's people seeing none of it.
@Suite struct ReadingsRoutesTests {
    /// 2025-11-25T08:00:00Z.
    static let start: Int64 = 1_764_057_600_000

    /// 240 readings every 30 s from 08:00Z (two hours), values with three decimals.
    static let values: [(timeMs: Int64, value: Decimal)] = (0..<240).map { index in
        (start + Int64(index) * 30_000, Decimal(string: "\(1000 + index * 7 % 113).\(index % 10)\(index % 7)5")!)
    }

    static func load(_ fixture: IngestFixture, token: String, client: some TestClientProtocol) async throws {
        let readings = values.enumerated().map { index, point in
            ReadingBatch.Reading(seq: Int64(index + 1), tag: "boiler.gas", unit: "Nm3/h", timeMilliseconds: point.timeMs,
                                 value: point.value, quality: index == 3 ? .stale : .good)
        }
        for chunk in stride(from: 0, to: readings.count, by: 100) {
            let batch = try ReadingBatch(agentID: "gw-1", storeEpoch: IngestSemanticsTests.epoch,
                                         readings: Array(readings[chunk..<min(chunk + 100, readings.count)]))
            let reply = try await client.post(batch, token: token)
            #expect(reply.status == .ok, "\(reply.raw)")
        }
    }

    @Test(arguments: TestBackend.enabled)
    func rawAndHourlyHistoryMatchADirectDecimalComputation(_ backend: TestBackend) async throws {
        let fixture = try await IngestFixture.make(backend)
        let site = try await fixture.organisation("Plant 7")
        let agent = try await fixture.agent("gw-1", site: site)
        try await fixture.app.application().test(.router) { client in
            try await Self.load(fixture, token: agent.token, client: client)
            let token = try await client.login("admin", TestApp.adminPassword)
            let series = try await client.json(.get, "/api/v1/series?site_id=\(site)", token: token)
            #expect(series.status == .ok, "\(series.raw)")
            let seriesID = (field(series.body, "0", "id") as? Int) ?? 0
            #expect(field(series.body, "0", "tag") as? String == "boiler.gas")
            #expect((series.body as? [Any])?.count == 1)

            let raw = try await client.json(
                .get, "/api/v1/readings?series_id=\(seriesID)&from=2025-11-25T08:00:00Z&to=2025-11-25T09:00:00Z&limit=500",
                token: token)
            #expect(raw.status == .ok, "\(raw.raw)")
            let points = field(raw.body, "points") as? [[String: Any]] ?? []
            #expect(points.count == 120)
            #expect(points.map { $0["value"] as? String } == Self.values.prefix(120).map { DecimalText.plain($0.value) })
            #expect(points[3]["quality"] as? String == "stale")
            #expect(points[0]["time"] as? String == "2025-11-25T08:00:00.000Z")

            let hourly = try await client.json(
                .get, "/api/v1/readings?site_id=\(site)&tag=boiler.gas&from=2025-11-25T08:00:00Z"
                    + "&to=2025-11-25T10:00:00Z&interval=1h&agg=avg", token: token)
            #expect(hourly.status == .ok, "\(hourly.raw)")
            let hours = field(hourly.body, "points") as? [[String: Any]] ?? []
            let expected = [Self.values.prefix(120), Self.values.suffix(120)].map { hour -> String in
                DecimalText.plain(hour.reduce(Decimal(0)) { $0 + $1.value } / Decimal(hour.count))
            }
            #expect(hours.map { $0["value"] as? String } == expected)
            #expect(hours.map { $0["count"] as? Int } == [120, 120])
            let maxima = try await client.json(
                .get, "/api/v1/readings?series_id=\(seriesID)&from=2025-11-25T08:00:00Z&to=2025-11-25T10:00:00Z"
                    + "&interval=1h&agg=max", token: token)
            let expectedMax = DecimalText.plain(Self.values.prefix(120).map(\.value).max()!)
            #expect(field(maxima.body, "points", "0", "value") as? String == expectedMax)

            // Days start at the site's midnight (Asia/Shanghai, 16:00Z the day before).
            let daily = try await client.json(
                .get, "/api/v1/readings?series_id=\(seriesID)&from=2025-11-24T00:00:00Z&to=2025-11-26T00:00:00Z"
                    + "&interval=1d&agg=sum", token: token)
            #expect(field(daily.body, "points", "0", "time") as? String == "2025-11-24T16:00:00.000Z")
            #expect(field(daily.body, "points", "0", "value") as? String
                    == DecimalText.plain(Self.values.reduce(Decimal(0)) { $0 + $1.value }))
        }
        await fixture.close()
    }

    @Test(arguments: TestBackend.enabled)
    func exportsStreamCSVAndJSON(_ backend: TestBackend) async throws {
        let fixture = try await IngestFixture.make(backend)
        let site = try await fixture.organisation("Plant 7")
        let agent = try await fixture.agent("gw-1", site: site)
        try await fixture.app.application().test(.router) { client in
            try await Self.load(fixture, token: agent.token, client: client)
            let token = try await client.login("admin", TestApp.adminPassword)
            let range = "from=2025-11-25T00:00:00Z&to=2025-11-26T00:00:00Z"
            let csv = try await client.json(.get, "/api/v1/readings/export?site_id=\(site)&tag=boiler.gas&format=csv&\(range)",
                                            token: token)
            #expect(csv.status == .ok)
            let lines = csv.raw.split(separator: "\n")
            #expect(lines.count == 241)
            #expect(lines.first == "time,series_id,tag,unit,value,quality")
            #expect(lines[1].hasPrefix("2025-11-25T08:00:00.000Z,") && lines[1].hasSuffix(",good"))
            let json = try await client.json(.get, "/api/v1/readings/export?site_id=\(site)&tag=boiler.gas&\(range)",
                                             token: token)
            #expect(json.status == .ok, "\(json.raw.prefix(200))")
            #expect((field(json.body, "points") as? [Any])?.count == 240)
            #expect(field(json.body, "series", "unit") as? String == "Nm3/h")
            #expect(try await fixture.count("SELECT count(*) AS n FROM audit_log WHERE action = 'readings.export'") == 2)
        }
        await fixture.close()
    }

    @Test(arguments: TestBackend.enabled)
    func anotherOrganisationsUserSeesNone(_ backend: TestBackend) async throws {
        let fixture = try await IngestFixture.make(backend)
        let site = try await fixture.organisation("Plant 7")
        let agent = try await fixture.agent("gw-1", site: site)
        let other = try await fixture.organisation("Other group", kind: "group")
        try await fixture.user("outsider", at: other)
        try await fixture.app.application().test(.router) { client in
            try await Self.load(fixture, token: agent.token, client: client)
            let admin = try await client.login("admin", TestApp.adminPassword)
            let seriesID = field(try await client.json(.get, "/api/v1/series", token: admin).body, "0", "id") as? Int ?? 0
            #expect(seriesID > 0)

            let token = try await client.login("outsider", TestApp.adminPassword)
            let list = try await client.json(.get, "/api/v1/series", token: token)
            #expect(list.status == .ok && (list.body as? [Any])?.isEmpty == true, "\(list.raw)")
            let bySite = try await client.json(.get, "/api/v1/series?site_id=\(site)", token: token)
            #expect((bySite.body as? [Any])?.isEmpty == true)
            let history = try await client.json(.get, "/api/v1/readings?series_id=\(seriesID)", token: token)
            let missing = try await client.json(.get, "/api/v1/readings?series_id=999999", token: token)
            #expect(history.status == .notFound && missing.status == .notFound)
            #expect(field(history.body, "error", "message") as? String == field(missing.body, "error", "message") as? String)
            let byTag = try await client.json(.get, "/api/v1/readings?site_id=\(site)&tag=boiler.gas", token: token)
            #expect(byTag.status == .notFound)
            let export = try await client.json(.get, "/api/v1/readings/export?series_id=\(seriesID)", token: token)
            #expect(export.status == .notFound)
        }
        await fixture.close()
    }

    @Test func badQueryParametersAre422NamingThem() async throws {
        let fixture = try await IngestFixture.make(.sqlite)
        try await fixture.app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            let cases: [(String, String)] = [
                ("/api/v1/readings?series_id=1&interval=5m", "interval"),
                ("/api/v1/readings?series_id=1&agg=median&interval=1h", "agg"),
                ("/api/v1/readings?series_id=1&agg=avg", "agg"),
                ("/api/v1/readings?series_id=1&from=yesterday", "from"),
                ("/api/v1/readings?series_id=1&from=2025-11-26T00:00:00Z&to=2025-11-25T00:00:00Z", "from"),
                ("/api/v1/readings?series_id=1&limit=0", "limit"),
                ("/api/v1/readings?series_id=x", "series_id"),
                ("/api/v1/readings", "series_id"),
                ("/api/v1/readings?series_id=1&colour=red", "colour"),
                ("/api/v1/readings?series_id=1&format=csv", "format"),
                ("/api/v1/readings/export?series_id=1&format=xml", "format"),
                ("/api/v1/series?site_id=nope", "site_id"),
            ]
            for (uri, name) in cases {
                let reply = try await client.json(.get, uri, token: token)
                #expect(reply.status == .unprocessableContent, "\(uri): \(reply.raw)")
                #expect(field(reply.body, "error", "field") as? String == name, "\(uri)")
            }
        }
        await fixture.close()
    }
}
