import CarbonCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Aggregator

/// A plant (group → site) with an edge agent that delivers a gas-meter counter (Nm3) and a power
/// series (kWh per reading) through the ingest API, as production agents do. The clock stands at
/// 2026-01-20T00:00Z so readings either side of the Asia/Shanghai new year are in the past.
struct AccountingFixture {
    let app: TestApp
    var token = ""
    var groupID = ""
    var siteID = ""
    var agentToken = ""
    var gasSeries: Int64 = 0
    var powerSeries: Int64 = 0
    var nextSeq: Int64 = 1
    let epoch = UUID()

    static let now = Date(timeIntervalSince1970: 1_768_867_200)  // 2026-01-20T00:00:00Z

    nonisolated(unsafe) static let naturalGas: [String: Any] = [
        "id": "boiler", "kind": "combustion", "fuel": "natural_gas",
        "ncv": ["value": "389.31", "unit": "GJ/10^4Nm3"], "carbon_content": ["value": "0.0153", "unit": "tC/GJ"],
        "oxidation": "0.99",
    ]
    nonisolated(unsafe) static let grid: [String: Any] = ["id": "grid", "kind": "purchased_electricity", "grid": ["region": "CN", "year": 2022]]
    nonisolated(unsafe) static let manual: [String: Any] = ["id": "gis", "kind": "fugitive", "gas": "SF6", "quantity": ["value": "50", "unit": "kg"]]

    static func make(_ app: TestApp, client: some TestClientProtocol) async throws -> AccountingFixture {
        app.clock.advance(seconds: now.timeIntervalSince1970 - app.clock.now.timeIntervalSince1970)
        var fixture = AccountingFixture(app: app)
        fixture.token = try await client.login("admin", TestApp.adminPassword)
        fixture.groupID = try await app.organisation("Plant group", under: app.rootID, kind: "group")
        fixture.siteID = try await app.organisation("Plant site", under: fixture.groupID, kind: "site")
        let agent = try await client.json(.post, "/api/v1/agents", token: fixture.token,
                                          body: ["name": "plant-gw", "site_id": fixture.siteID])
        fixture.agentToken = try #require(field(agent.body, "credential", "token") as? String, "\(agent.raw)")
        return fixture
    }

    static func ms(_ iso: String) -> Int64 {
        Int64(try! Date.ISO8601FormatStyle().parse(iso).timeIntervalSince1970 * 1000)
    }

    /// Delivers readings (tag, unit, ISO time, value) in one batch and learns the series ids.
    mutating func deliver(_ readings: [(String, String, String, String)], client: some TestClientProtocol) async throws {
        var list: [ReadingBatch.Reading] = []
        for (tag, unit, time, value) in readings {
            list.append(ReadingBatch.Reading(seq: nextSeq, tag: tag, unit: unit, timeMilliseconds: Self.ms(time),
                                             value: Decimal(string: value)!, quality: .good))
            nextSeq += 1
        }
        let batch = try ReadingBatch(agentID: "plant-gw", storeEpoch: epoch, readings: list)
        let reply = try await client.json(.post, "/api/v1/ingest/batches", token: agentToken,
                                          body: try JSONSerialization.jsonObject(with: JSONEncoder().encode(batch)))
        #expect(reply.status == .ok, "\(reply.raw)")
        #expect((field(reply.body, "rejected") as? [Any])?.isEmpty ?? true, "\(reply.raw)")
        let series = try await client.json(.get, "/api/v1/series?site_id=\(siteID)", token: token)
        for entry in series.body as? [[String: Any]] ?? [] {
            let id = (entry["id"] as? NSNumber)?.int64Value ?? 0
            if entry["tag"] as? String == "gas.total" { gasSeries = id }
            if entry["tag"] as? String == "power.kwh" { powerSeries = id }
        }
    }

    /// The standard first delivery: a counter with a reset inside one hour, power either side of new year.
    mutating func deliverFirst(client: some TestClientProtocol) async throws {
        try await deliver([
            ("gas.total", "Nm3", "2025-12-31T15:30:00Z", "1000"),   // 23:30 local: 2025
            ("gas.total", "Nm3", "2025-12-31T16:30:00Z", "1100"),   // 00:30 local 1 January: 2026
            ("gas.total", "Nm3", "2026-01-01T01:00:00Z", "1500"),
            ("gas.total", "Nm3", "2026-01-01T01:20:00Z", "1800"),
            ("gas.total", "Nm3", "2026-01-01T01:40:00Z", "50"),     // meter replaced: counts from zero
            ("gas.total", "Nm3", "2026-01-02T00:00:00Z", "400"),
            ("power.kwh", "kWh", "2025-12-31T15:30:00Z", "100"),
            ("power.kwh", "kWh", "2025-12-31T16:30:00Z", "250.5"),
            ("power.kwh", "kWh", "2026-01-05T10:00:00Z", "749.5"),
        ], client: client)
    }

    func mapGasAndPower(client: some TestClientProtocol) async throws {
        let gas = try await client.json(.post, "/api/v1/inventory-mappings", token: token, body: [
            "organisation_id": groupID, "source": Self.naturalGas, "series_id": gasSeries, "aggregation": "counter",
            "unit": "Nm3",
        ])
        #expect(gas.status == .created, "\(gas.raw)")
        let power = try await client.json(.post, "/api/v1/inventory-mappings", token: token, body: [
            "organisation_id": groupID, "source": Self.grid, "series_id": powerSeries, "aggregation": "sum", "unit": "MWh",
        ])
        #expect(power.status == .created, "\(power.raw)")
    }

    func createInventory(year: Int, client: some TestClientProtocol, token: String? = nil) async throws -> String {
        let created = try await client.json(.post, "/api/v1/inventories", token: token ?? self.token, body: [
            "organisation_id": groupID, "name": "Plant \(year)", "reporting_year": year, "sources": [Self.manual],
        ])
        #expect(created.status == .created, "\(created.raw)")
        return try #require(field(created.body, "id") as? String, "\(created.raw)")
    }

    /// CarbonCore's own report for the same totals, computed directly (the `carbonctl account` path).
    static func direct(year: Int, gas: String, powerMWh: String) throws -> Any {
        var boiler = naturalGas
        boiler["quantity"] = ["value": gas, "unit": "Nm3"]
        var power = grid
        power["quantity"] = ["value": powerMWh, "unit": "MWh"]
        let document: [String: Any] = [
            "organisation": "Plant group", "period": ["from": "\(year)-01-01", "to": "\(year)-12-31"], "year": year,
            "sources": [boiler, power, manual],
        ]
        let input = try InputDecoding.decode(InventoryInput.self, from: try JSONSerialization.data(withJSONObject: document))
        let result = try InventoryCalculator(library: try AccountingFactors.shipped()).calculate(input)
        return try JSONSerialization.jsonObject(with: JSONEncoder().encode(InventoryReport(result)))
    }
}
