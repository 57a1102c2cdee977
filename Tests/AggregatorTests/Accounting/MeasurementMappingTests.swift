import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

/// A stack's CO2 concentration and flue-gas flow series become a CEMS source: hours with both
/// series are valid hourly records (their means), the rest are missing, and CarbonCore's
/// measurement result, with its data-substitution report, is stored with the version.
@Suite struct MeasurementMappingTests {
    @Test(arguments: TestBackend.enabled)
    func stackSeriesFeedTheMeasurementMethod(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            var plant = try await AccountingFixture.make(app, client: client)
            try await plant.deliver([
                ("stack.co2", "ppm", "2026-01-10T02:10:00Z", "98000"), ("stack.co2", "ppm", "2026-01-10T02:40:00Z", "99000"),
                ("stack.flow", "Nm3/h", "2026-01-10T02:10:00Z", "150000"), ("stack.flow", "Nm3/h", "2026-01-10T02:40:00Z", "154000"),
                ("stack.co2", "ppm", "2026-01-10T03:10:00Z", "97000"),  // no flow this hour: missing
            ], client: client)
            let series = try await client.json(.get, "/api/v1/series?site_id=\(plant.siteID)", token: plant.token)
            func id(_ tag: String) -> Int {
                ((series.body as? [[String: Any]])?.first { $0["tag"] as? String == tag }?["id"] as? Int) ?? 0
            }
            let mapping = try await client.json(.post, "/api/v1/inventory-mappings", token: plant.token, body: [
                "organisation_id": plant.groupID, "source": ["id": "stack-1", "gas": "CO2", "use": "total"],
                "concentration_series_id": id("stack.co2"), "flow_series_id": id("stack.flow"),
            ])
            #expect(mapping.status == .created, "\(mapping.raw)")
            #expect(field(mapping.body, "kind") as? String == "measurement")
            let created = try await client.json(.post, "/api/v1/inventories", token: plant.token, body: [
                "organisation_id": plant.groupID, "name": "January", "period": ["from": "2026-01-10", "to": "2026-01-10"],
            ])
            let inventory = try #require(field(created.body, "id") as? String, "\(created.raw)")
            let reply = try await client.json(.post, "/api/v1/inventories/\(inventory)/calculate", token: plant.token)
            #expect(reply.status == .ok, "\(reply.raw)")
            let source = try #require((field(reply.body, "version", "result", "report", "sources") as? [[String: Any]])?.first)
            #expect(source["kind"] as? String == "cems")
            #expect(source["measurement"] != nil, "\(source)")
            let hours = try #require(field(reply.body, "version", "inputs", "sources", "0", "hours") as? [[String: Any]])
            #expect(hours.count == 1)
            #expect(field(hours.first as Any, "concentration", "value") as? String == "98500")
            #expect(field(hours.first as Any, "flow", "value") as? String == "152000")
            let wrong = try await client.json(.post, "/api/v1/inventory-mappings", token: plant.token, body: [
                "organisation_id": plant.groupID, "source": ["id": "stack-2", "gas": "CO2"],
                "concentration_series_id": id("stack.flow"), "flow_series_id": id("stack.flow"),
            ])
            #expect(field(wrong.body, "error", "field") as? String == "concentration_series_id", "\(wrong.raw)")
        }
        await app.close()
    }
}
