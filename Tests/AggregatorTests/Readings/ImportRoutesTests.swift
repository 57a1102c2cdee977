import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import Aggregator

/// Third-party imports: the exact validation report of a CSV with good and bad rows, re-import
/// giving duplicates only, imported readings marked in history, refusals naming the field, and
/// another organisation's people seeing none of it.
@Suite struct ImportRoutesTests {
    /// A site with an agent whose `meter.energy` series (kWh) holds one reading at 08:05Z.
    static func world(_ backend: TestBackend) async throws -> (IngestFixture, site: String, token: String) {
        let fixture = try await IngestFixture.make(backend)
        let site = try await fixture.organisation("Plant 9")
        let agent = try await fixture.agent("gw-1", site: site)
        try await fixture.app.application().test(.router) { client in
            let batch = try ReadingBatch(agentID: "gw-1", storeEpoch: UUID(), readings: [
                .init(seq: 1, tag: "meter.energy", unit: "kWh", timeMilliseconds: 1_764_057_900_000, value: 50,
                      quality: .good),
            ])
            let reply = try await client.post(batch, token: agent.token)
            #expect(reply.status == .ok, "\(reply.raw)")
        }
        return (fixture, site, agent.id)
    }

    static func csv(_ site: String) -> String {
        let rows = [
            "2025-11-25T08:00:00Z,10,kWh", "2025-11-25T08:01:00Z,0.02,MWh", "2025-11-25T08:02:00Z,5,furlong",
            "2025-11-25T08:02:00Z,5,Nm3", "2025-11-25T08:03:00Z,1500,kWh", "2025-11-25T10:20:00Z,1,kWh",
            "2025-11-25T08:05:00Z,50,kWh", "2025-11-25T08:01:00Z,20,kWh", "2025-11-25T08:10:00Z,30,kWh",
        ]
        return "site,device,tag,time,value,unit\r\n" + rows.map { "\(site),gw-1,meter.energy,\($0)" }
            .joined(separator: "\r\n") + "\r\n"
    }

    @Test(arguments: TestBackend.enabled)
    func csvImportGivesTheExactReportAndReimportGivesDuplicates(_ backend: TestBackend) async throws {
        let (fixture, site, _) = try await Self.world(backend)
        try await fixture.app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            let rules = try await client.json(.put, "/api/v1/organisations/\(site)/import-rules", token: token, body: [
                "future_window_seconds": 600, "ranges": ["meter.energy": ["min": "0", "max": "1000"]],
                "intervals": ["*": 60],
            ] as [String: Any])
            #expect(rules.status == .ok, "\(rules.raw)")

            let first = try await client.csv(Self.csv(site), token: token)
            #expect(first.status == .created, "\(first.raw)")
            let report = first.body
            #expect(field(report, "rows") as? [String: Int] == ["total": 9, "accepted": 3, "rejected": 4, "duplicates": 2])
            let rejected = field(report, "rejected") as? [[String: Any]] ?? []
            #expect(rejected.map { $0["row"] as? Int } == [3, 4, 5, 6])
            #expect(rejected.map { $0["reason"] as? String }
                    == ["unknown_unit", "incompatible_unit", "out_of_range", "time_in_future"])
            #expect(rejected.map { $0["field"] as? String } == ["unit", "unit", "value", "time"])
            let duplicates = field(report, "duplicates") as? [[String: Any]] ?? []
            #expect(duplicates.map { $0["row"] as? Int } == [7, 8])
            #expect(duplicates[0]["of_row"] is NSNull)
            #expect(duplicates[1]["of_row"] as? Int == 2)
            let gaps = field(report, "gaps") as? [[String: Any]] ?? []
            #expect(gaps.map { $0["after"] as? String } == ["2025-11-25T08:01:00.000Z", "2025-11-25T08:05:00.000Z"])
            #expect(gaps.map { $0["missing"] as? Int } == [3, 4])
            #expect(field(report, "series", "0", "accepted") as? Int == 3)
            #expect(field(report, "series", "0", "converted_from") as? [String] == ["MWh"])
            #expect(field(report, "rules_source") as? String == "site")
            let importID = try #require(field(report, "id") as? String)

            // Stored with the import: the same report again, and in the list.
            let stored = try await client.json(.get, "/api/v1/readings/imports/\(importID)", token: token)
            #expect(stored.status == .ok)
            #expect(NSDictionary(dictionary: stored.body as? [String: Any] ?? [:])
                    == NSDictionary(dictionary: report as? [String: Any] ?? [:]))
            let list = try await client.json(.get, "/api/v1/readings/imports?site_id=\(site)", token: token)
            #expect(field(list.body, "0", "id") as? String == importID)

            // History shows the imported readings with their import id, the agent's without.
            let seriesID = try #require(field(report, "series", "0", "series_id") as? Int)
            let history = try await client.json(
                .get, "/api/v1/readings?series_id=\(seriesID)&from=2025-11-25T08:00:00Z&to=2025-11-25T08:11:00Z",
                token: token)
            let points = field(history.body, "points") as? [[String: Any]] ?? []
            #expect(points.map { $0["value"] as? String } == ["10", "20", "50", "30"])
            #expect(points.map { $0["import_id"] as? String } == [importID, importID, nil, importID])
            let hourly = try await client.json(
                .get, "/api/v1/readings?series_id=\(seriesID)&from=2025-11-25T08:00:00Z&to=2025-11-25T09:00:00Z"
                    + "&interval=1h&agg=sum", token: token)
            #expect(field(hourly.body, "points", "0", "value") as? String == "110")

            // The same file again: nothing new, every good row a duplicate of a stored reading.
            let again = try await client.csv(Self.csv(site), token: token)
            #expect(again.status == .created, "\(again.raw)")
            #expect(field(again.body, "rows") as? [String: Int] == ["total": 9, "accepted": 0, "rejected": 4, "duplicates": 5])
            #expect((field(again.body, "duplicates") as? [[String: Any]] ?? []).allSatisfy { $0["of_row"] is NSNull })
            #expect(try await fixture.count("SELECT count(*) AS n FROM readings WHERE series_id = $1",
                                            .integer(Int64(seriesID))) == 4)
            #expect(try await fixture.app.auditRecords("readings.import").count == 2)

            // Another organisation's administrator: no site, no import, an empty list.
            let other = try await fixture.organisation("Elsewhere", kind: "group")
            try await fixture.user("stranger", at: other)
            let stranger = try await client.login("stranger", TestApp.adminPassword)
            let refused = try await client.csv(Self.csv(site), token: stranger)
            #expect(refused.status == .unprocessableContent)
            #expect(field(refused.body, "error", "field") as? String == "site_id")
            #expect(try await client.json(.get, "/api/v1/readings/imports/\(importID)", token: stranger).status == .notFound)
            #expect((try await client.json(.get, "/api/v1/readings/imports", token: stranger).body as? [Any])?.isEmpty == true)
            #expect(try await client.json(.get, "/api/v1/organisations/\(site)/import-rules", token: stranger).status == .notFound)
        }
        await fixture.close()
    }

    @Test(arguments: TestBackend.enabled)
    func badRequestsNameTheFieldAndWriteNothing(_ backend: TestBackend) async throws {
        let (fixture, site, _) = try await Self.world(backend)
        try await fixture.app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            let cases: [(Any, String)] = [
                (["site_id": site], "readings"),
                (["site_id": "nope", "readings": []], "site_id"),
                (["site_id": site, "readings": [["tag": "meter.energy", "time": "2025-11-25T08:00:00Z", "value": 5,
                                                  "unit": "kWh"]]], "readings[0].value"),
                (["site_id": site, "readings": [], "owner": "x"], "owner"),
                (["site_id": site, "readings": [], "rules": ["intervals": ["*": 0]]], "rules.intervals.*"),
                (["site_id": site, "readings": [], "rules": ["ranges": ["a": ["min": "2", "max": "1"]]]], "rules.ranges.a.max"),
            ]
            for (body, name) in cases {
                let reply = try await client.json(.post, "/api/v1/readings/imports", token: token, body: body)
                #expect(reply.status == .unprocessableContent, "\(name): \(reply.raw)")
                #expect(field(reply.body, "error", "field") as? String == name, "\(reply.raw)")
            }
            let header = try await client.csv("site,tag,when,value,unit\n\(site),a,b,c,d\n", token: token)
            #expect(field(header.body, "error", "field") as? String == "header", "\(header.raw)")
            let quote = try await client.csv("site,tag,time,value,unit\n\(site),\"a,b,c,d\n", token: token)
            #expect(field(quote.body, "error", "field") as? String == "body", "\(quote.raw)")
            let plain = try await client.execute(uri: "/api/v1/readings/imports", method: .post,
                                                 headers: [.authorization: "Bearer \(token)", .contentType: "text/plain"],
                                                 body: ByteBuffer(string: "x")) { $0.status }
            #expect(plain == .unsupportedMediaType)
            let unknown = try await client.json(.get, "/api/v1/readings/imports?sort=x", token: token)
            #expect(field(unknown.body, "error", "field") as? String == "sort")
            let big = String(repeating: "x", count: ImportController.bodyLimit + 10)
            #expect(try await client.csv(big, token: token).status == .contentTooLarge)
            #expect(try await fixture.app.count("reading_imports") == 0)
            #expect(try await fixture.app.count("readings") == 1)
        }
        await fixture.close()
    }

    /// Months and years of Asia/Shanghai: 2025-01-01T00:30+08:00 is January 2025 there, though it
    /// is still 31 December in UTC.
    @Test(arguments: TestBackend.enabled)
    func monthOnMonthAndYearOnYearAcrossAYearBoundaryInShanghai(_ backend: TestBackend) async throws {
        let (fixture, site, _) = try await Self.world(backend)
        try await fixture.app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            let readings = [("2024-01-15T12:00:00+08:00", "100"), ("2024-12-31T23:30:00+08:00", "7"),
                            ("2025-01-01T00:30:00+08:00", "11"), ("2025-01-20T10:00:00+08:00", "14")]
            let posted = try await client.json(.post, "/api/v1/readings/imports", token: token, body: [
                "site_id": site, "rules": ["future_window_seconds": 0],
                "readings": readings.map { ["tag": "meter.energy", "time": $0.0, "value": $0.1, "unit": "kWh"] },
            ] as [String: Any])
            #expect(field(posted.body, "rows", "accepted") as? Int == 4, "\(posted.raw)")
            #expect(field(posted.body, "rules_source") as? String == "request")
            let seriesID = try #require(field(posted.body, "series", "0", "series_id") as? Int)
            func compare(_ query: String) async throws -> Any {
                let reply = try await client.json(.get, "/api/v1/series/\(seriesID)/compare?\(query)", token: token)
                #expect(reply.status == .ok, "\(reply.raw)")
                return reply.body
            }
            let mom = try await compare("period=month&at=2025-01&against=previous")
            #expect(field(mom, "current", "value") as? String == "25")
            #expect(field(mom, "comparison", "value") as? String == "7")
            #expect(field(mom, "change", "absolute") as? String == "18")
            #expect(field(mom, "change", "relative") as? String == "2.571429")
            #expect(field(mom, "current", "from") as? String == "2024-12-31T16:00:00.000Z")
            #expect(field(mom, "current", "to") as? String == "2025-01-31T16:00:00.000Z")
            #expect(field(mom, "comparison", "from") as? String == "2024-11-30T16:00:00.000Z")
            #expect(field(mom, "time_zone") as? String == "Asia/Shanghai")
            let yoy = try await compare("period=month&at=2025-01&against=year_ago&agg=sum")
            #expect(field(yoy, "comparison", "value") as? String == "100")
            #expect(field(yoy, "change", "relative") as? String == "-0.75")
            // 2025 also holds the agent's 50 kWh of November.
            let year = try await compare("period=year&at=2025")
            #expect(field(year, "current", "value") as? String == "75")
            #expect(field(year, "comparison", "value") as? String == "107")
            #expect(field(year, "change", "relative") as? String == "-0.299065")
            let day = try await compare("period=day&at=2025-01-01&agg=max")
            #expect(field(day, "current", "value") as? String == "11")
            #expect(field(day, "change", "absolute") as? String == "4")
            let empty = try await compare("period=day&at=2023-05-01")
            #expect((field(empty, "current") as? [String: Any])?["value"] is NSNull)
            #expect((field(empty, "change") as? [String: Any])?["relative"] is NSNull)
            for (query, name) in [("at=2025-01", "period"), ("period=day&at=2025-01", "at"),
                                  ("period=month&at=2025-13", "at"), ("period=month&at=2025-01&against=last", "against"),
                                  ("period=month&at=2025-01&x=1", "x")] {
                let reply = try await client.json(.get, "/api/v1/series/\(seriesID)/compare?\(query)", token: token)
                #expect(reply.status == .unprocessableContent && field(reply.body, "error", "field") as? String == name,
                        "\(query): \(reply.raw)")
            }
        }
        await fixture.close()
    }

    @Test func csvReaderHandlesQuotesBlankLinesAndABOM() throws {
        let text = "\u{FEFF}tag,site,time,value,unit\n\"a,\"\"b\"\"\",s,t,\"1\",u\n\n c ,s,t,2,u"
        let rows = try ImportCSV.rows(Array(text.utf8), maximumRows: 10)
        #expect(rows.map(\.tag) == ["a,\"b\"", "c"])
        #expect(rows.map(\.number) == [1, 2])
        #expect(rows[0].device == nil)
        #expect(throws: APIError.self) { try ImportCSV.rows(Array("tag\n".utf8), maximumRows: 10) }
    }
}

extension TestClientProtocol {
    func csv(_ text: String, token: String, query: String = "") async throws
        -> (status: HTTPResponse.Status, body: Any, raw: String)
    {
        try await execute(uri: "/api/v1/readings/imports" + query, method: .post,
                          headers: [.authorization: "Bearer \(token)", .contentType: "text/csv; charset=utf-8"],
                          body: ByteBuffer(string: text)) { response in
            let raw = String(buffer: response.body)
            return (response.status, (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) ?? NSNull(), raw)
        }
    }
}
