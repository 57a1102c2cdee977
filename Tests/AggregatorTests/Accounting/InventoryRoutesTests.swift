import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

@Suite struct InventoryRoutesTests {
    @Test(arguments: TestBackend.enabled)
    func telemetryInventoryEqualsCarbonCoreToTheLastDigit(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            var plant = try await AccountingFixture.make(app, client: client)
            try await plant.deliverFirst(client: client)
            try await plant.mapGasAndPower(client: client)
            let id = try await plant.createInventory(year: 2026, client: client)
            let reply = try await client.json(.post, "/api/v1/inventories/\(id)/calculate", token: plant.token)
            #expect(reply.status == .ok, "\(reply.raw)")
            #expect(field(reply.body, "created") as? Bool == true)
            #expect(field(reply.body, "version", "number") as? Int == 1)
            #expect(field(reply.body, "version", "stale") as? Bool == false)
            // Counter: 1100 → 1500 → 1800, reset to 50, → 400: 1100 Nm3. Power: 250.5 + 749.5 kWh = 1 MWh.
            let report = try #require(field(reply.body, "version", "result", "report") as? NSDictionary)
            let direct = try #require(try AccountingFixture.direct(year: 2026, gas: "1100", powerMWh: "1") as? NSDictionary)
            #expect(report == direct, "API \(report)\nCarbonCore \(direct)")
            #expect(field(reply.body, "version", "total_tco2e") as? String == direct["total_tco2e"] as? String)
            // Trails and factors are stored with the version.
            let sources = try #require(report["sources"] as? [[String: Any]])
            #expect(sources.allSatisfy { !(($0["trail"] as? [Any]) ?? []).isEmpty })
            #expect(!((field(reply.body, "version", "factors") as? [Any]) ?? []).isEmpty)
            // Coverage: readings counted per mapped series, with the reset noted.
            let coverage = try #require(field(reply.body, "version", "result", "coverage") as? [[String: Any]])
            let gas = try #require(coverage.first { $0["source_id"] as? String == "boiler" })
            #expect(gas["readings"] as? Int == 5)
            #expect(gas["counter_resets"] as? Int == 1)
            #expect(gas["quantity"] as? String == "1100 Nm3")
            #expect((gas["gap_count"] as? Int ?? 0) > 0)
            // Breakdowns and the monthly trend.
            #expect(field(reply.body, "version", "result", "breakdown", "by_site", plant.siteID) != nil)
            #expect(field(reply.body, "version", "result", "breakdown", "by_scope", "scope_2") != nil)
            let months = try #require(field(reply.body, "version", "result", "monthly") as? [[String: Any]])
            #expect(months.first?["month"] as? String == "2026-01")
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func reportingYearFollowsTheOrganisationsTimeZone(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            var plant = try await AccountingFixture.make(app, client: client)
            try await plant.deliverFirst(client: client)
            try await plant.mapGasAndPower(client: client)
            // 2025-12-31T15:30Z is 23:30 on 31 December in Asia/Shanghai: only 2025 has it.
            let old = try await plant.createInventory(year: 2025, client: client)
            let reply = try await client.json(.post, "/api/v1/inventories/\(old)/calculate", token: plant.token)
            #expect(reply.status == .ok, "\(reply.raw)")
            let coverage = try #require(field(reply.body, "version", "result", "coverage") as? [[String: Any]])
            #expect(coverage.first { $0["source_id"] as? String == "grid" }?["quantity"] as? String == "0.1 MWh")
            #expect(coverage.first { $0["source_id"] as? String == "boiler" }?["readings"] as? Int == 1)
            let direct = try #require(try AccountingFixture.direct(year: 2025, gas: "0", powerMWh: "0.1") as? NSDictionary)
            #expect(field(reply.body, "version", "result", "report") as? NSDictionary == direct)
            // 2026 compares itself with 2025's latest version.
            let new = try await plant.createInventory(year: 2026, client: client)
            let current = try await client.json(.post, "/api/v1/inventories/\(new)/calculate", token: plant.token)
            #expect(field(current.body, "version", "year_on_year", "previous_inventory_id") as? String == old)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func unchangedInputsKeepTheVersionAndNewDataMakeANewOne(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            var plant = try await AccountingFixture.make(app, client: client)
            try await plant.deliverFirst(client: client)
            try await plant.mapGasAndPower(client: client)
            let id = try await plant.createInventory(year: 2026, client: client)
            let first = try await client.json(.post, "/api/v1/inventories/\(id)/calculate", token: plant.token)
            let again = try await client.json(.post, "/api/v1/inventories/\(id)/calculate", token: plant.token)
            #expect(field(again.body, "created") as? Bool == false)
            #expect(field(again.body, "version", "number") as? Int == 1)
            #expect(field(again.body, "version", "input_hash") as? String == field(first.body, "version", "input_hash") as? String)
            #expect(try await app.count("inventory_versions") == 1)

            try await plant.deliver([("power.kwh", "kWh", "2026-01-10T00:00:00Z", "500")], client: client)
            let stale = try await client.json(.get, "/api/v1/inventories/\(id)/versions/1", token: plant.token)
            #expect(field(stale.body, "stale") as? Bool == true, "\(stale.raw)")
            let second = try await client.json(.post, "/api/v1/inventories/\(id)/calculate", token: plant.token)
            #expect(field(second.body, "created") as? Bool == true)
            #expect(field(second.body, "version", "number") as? Int == 2)
            let direct = try #require(try AccountingFixture.direct(year: 2026, gas: "1100", powerMWh: "1.5") as? NSDictionary)
            #expect(field(second.body, "version", "result", "report") as? NSDictionary == direct)
            let versions = try await client.json(.get, "/api/v1/inventories/\(id)/versions", token: plant.token)
            #expect((versions.body as? [Any])?.count == 2)
            let kept = try await client.json(.get, "/api/v1/inventories/\(id)/versions/1", token: plant.token)
            #expect(field(kept.body, "total_tco2e") as? String == field(first.body, "version", "total_tco2e") as? String)

            // A manual edit is a new version too; an organisation factor used by it as well.
            let patched = try await client.json(.patch, "/api/v1/inventories/\(id)", token: plant.token, body: [
                "sources": [["id": "gis", "kind": "fugitive", "gas": "SF6", "quantity": ["value": "60", "unit": "kg"]]],
            ])
            #expect(patched.status == .ok, "\(patched.raw)")
            let third = try await client.json(.post, "/api/v1/inventories/\(id)/calculate", token: plant.token)
            #expect(field(third.body, "version", "number") as? Int == 3)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func approvalNeedsTheRightAndAnotherPerson(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            var plant = try await AccountingFixture.make(app, client: client)
            try await plant.deliverFirst(client: client)
            try await plant.mapGasAndPower(client: client)
            try await app.person("plant-analyst", .analyst, at: plant.groupID)
            let analyst = try await client.login("plant-analyst", TestApp.adminPassword)
            let id = try await plant.createInventory(year: 2026, client: client, token: analyst)
            let calculated = try await client.json(.post, "/api/v1/inventories/\(id)/calculate", token: analyst)
            #expect(calculated.status == .ok, "\(calculated.raw)")
            // The analyst may calculate but not approve.
            let refused = try await client.json(.post, "/api/v1/inventories/\(id)/versions/1/approve", token: analyst)
            #expect(refused.status == .forbidden, "\(refused.raw)")
            let approved = try await client.json(.post, "/api/v1/inventories/\(id)/versions/1/approve", token: plant.token)
            #expect(approved.status == .ok, "\(approved.raw)")
            #expect(field(approved.body, "status") as? String == "approved")
            let twice = try await client.json(.post, "/api/v1/inventories/\(id)/versions/1/approve", token: plant.token)
            #expect(twice.status == .conflict)
            // Someone may not approve their own calculation.
            try await plant.deliver([("power.kwh", "kWh", "2026-01-11T00:00:00Z", "10")], client: client)
            let own = try await client.json(.post, "/api/v1/inventories/\(id)/calculate", token: plant.token)
            #expect(field(own.body, "version", "number") as? Int == 2)
            let self_ = try await client.json(.post, "/api/v1/inventories/\(id)/versions/2/approve", token: plant.token)
            #expect(self_.status == .forbidden, "\(self_.raw)")
            #expect(field(self_.body, "error", "code") as? String == "same_person")
            let missing = try await client.json(.post, "/api/v1/inventories/\(id)/versions/9/approve", token: plant.token)
            #expect(missing.status == .notFound)
            let audit = try await app.auditRecords("inventories.approve")
            #expect(audit.count == 1)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func badInputIsRefusedByFieldAndNothingIsWritten(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            var plant = try await AccountingFixture.make(app, client: client)
            try await plant.deliverFirst(client: client)
            let cases: [(String, [String: Any], String)] = [
                ("/api/v1/inventories", ["organisation_id": plant.groupID, "name": "x", "reporting_year": 2026,
                                         "sources": [["id": "a", "kind": "fugitive", "gas": "SF6",
                                                      "quantity": ["value": 5, "unit": "kg"]]]], "sources[0].quantity.value"),
                ("/api/v1/inventories", ["organisation_id": plant.groupID, "name": "x"], "reporting_year"),
                ("/api/v1/inventories", ["organisation_id": plant.groupID, "name": "x", "period": ["from": "2026-02-30", "to": "2026-03-01"]],
                 "period.from"),
                ("/api/v1/inventories", ["organisation_id": plant.groupID, "name": "x", "reporting_year": 2026, "owner": "me"], "owner"),
                ("/api/v1/inventory-mappings", ["organisation_id": plant.groupID, "source": AccountingFixture.grid,
                                                "series_id": plant.powerSeries, "unit": "t"], "unit"),
                ("/api/v1/inventory-mappings", ["organisation_id": plant.groupID, "source": AccountingFixture.grid,
                                                "series_id": 999_999, "unit": "MWh"], "series_id"),
                ("/api/v1/inventory-mappings", ["organisation_id": plant.groupID, "source": ["kind": "combustion"],
                                                "series_id": plant.gasSeries, "unit": "Nm3"], "source.id"),
                ("/api/v1/inventory-mappings", ["organisation_id": plant.groupID,
                                                "source": AccountingFixture.naturalGas.merging(["quantity": ["value": "1", "unit": "t"]]) { a, _ in a },
                                                "series_id": plant.gasSeries, "unit": "Nm3"], "source.quantity"),
                ("/api/v1/inventory-mappings", ["organisation_id": plant.groupID, "source": AccountingFixture.naturalGas,
                                                "series_id": plant.gasSeries, "unit": "Nm3", "aggregation": "avg"], "aggregation"),
                ("/api/v1/factors", ["organisation_id": plant.groupID, "factor": ["factor_id": "x", "parameter": "ncv",
                                                                                  "value": "abc", "unit": "GJ/t"]], "factor.value"),
            ]
            for (uri, body, expected) in cases {
                let reply = try await client.json(.post, uri, token: plant.token, body: body)
                #expect((400..<500).contains(reply.status.code), "\(uri) \(body): \(reply.raw)")
                #expect(field(reply.body, "error", "field") as? String == expected, "\(uri): \(reply.raw)")
            }
            #expect(try await app.count("inventories") == 0)
            #expect(try await app.count("inventory_mappings") == 0)
            #expect(try await app.count("organisation_factors") == 0)
            #expect(try await app.count("audit_log", where: "action LIKE 'inventor%'") == 0)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func manualImportAndOrganisationFactorsFeedTheCalculation(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let plant = try await AccountingFixture.make(app, client: client)
            let id = try await plant.createInventory(year: 2026, client: client)
            let report = try await client.json(.post, "/api/v1/inventories/\(id)/activity-import", token: plant.token, body: [
                "rows": [["source_id": "gis", "value": "20", "unit": "kg"], ["source_id": "gis", "value": "15", "unit": "kg"],
                         ["source_id": "nope", "value": "1", "unit": "kg"], ["source_id": "gis", "value": "x", "unit": "kg"]],
            ])
            #expect(report.status == .ok, "\(report.raw)")
            #expect(field(report.body, "accepted") as? Int == 2)
            #expect((field(report.body, "rejected") as? [Any])?.count == 2)
            let factors = try await client.json(.get, "/api/v1/factors?fuel=natural_gas&parameter=ncv", token: plant.token)
            #expect(factors.status == .ok && !((factors.body as? [Any]) ?? []).isEmpty, "\(factors.raw)")
            let unknown = try await client.json(.get, "/api/v1/factors?colour=red", token: plant.token)
            #expect(unknown.status == .unprocessableContent)
            let calculated = try await client.json(.post, "/api/v1/inventories/\(id)/calculate", token: plant.token)
            let gases = try #require(field(calculated.body, "version", "result", "report", "by_gas") as? [String: Any])
            #expect(gases["SF6"] as? String == "0.035000", "\(calculated.raw)")
        }
        await app.close()
    }
}
