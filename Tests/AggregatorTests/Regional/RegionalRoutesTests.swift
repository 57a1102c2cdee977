import CarbonCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Aggregator

/// Regional accounting through the API gives CarbonCore's figures to the last digit (REG-01 of
/// the shared regional cases), refuses bad models naming the field, and keeps versions immutable.
@Suite struct RegionalRoutesTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("CarbonCoreTests/Fixtures/regional_cases.json")

    /// REG-01 (a county with a power plant) as a CarbonCore regional model, from the fixture's inputs.
    static func reg01(policy: String) throws -> (model: [String: Any], expected: [String: Any]) {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures)) as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        let found = try #require(cases.first { $0["id"] as? String == "REG-01" })
        let inputs = try #require(found["inputs"] as? [String: Any])
        let enterprises = try #require(inputs["enterprises"] as? [String: [String: String]])
        let generation = try #require(inputs["local_generation_MWh (all by A_power)"] as? String)
        let other = try #require(inputs["other_electricity_consumption_MWh"] as? String)
        let grid = try #require((found["parameters"] as? [[String: Any]])?.first?["value"] as? String)
        let reports: [[String: Any]] = enterprises.keys.sorted().map { name in
            var entry: [String: Any] = [
                "name": name, "scope1_emissions": ["value": enterprises[name]!["scope1_tCO2"]!, "unit": "tCO2"],
                "purchased_electricity": ["value": enterprises[name]!["purchased_electricity_MWh"]!, "unit": "MWh"],
            ]
            if name == "A_power" { entry["local_generation"] = ["value": generation, "unit": "MWh"] }
            return entry
        }
        let model: [String: Any] = [
            "name": "REG-01 county",
            "electricity": ["grid_factor": ["value": grid, "unit": "tCO2/MWh"], "net_export_policy": policy],
            "nodes": [["id": "county", "level": "county", "years": ["2022": [
                "enterprise_reports": reports, "other_electricity_consumption": ["value": other, "unit": "MWh"],
            ]]]],
        ]
        return (model, try #require(found["expected"] as? [String: Any]))
    }

    static func direct(_ model: [String: Any]) throws -> NSDictionary {
        let decoded = try RegionalModel.decode(json: try JSONSerialization.data(withJSONObject: model))
        let result = try RegionalAccounting.calculate(decoded, factors: try AccountingFactors.shipped())
        return try #require(try JSONSerialization.jsonObject(with: result.encodedJSON()) as? NSDictionary)
    }

    @Test(arguments: TestBackend.enabled)
    func aWorkedCaseGivesCarbonCoresFiguresAndVersionsAreImmutable(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            let county = try await app.organisation("County", under: app.rootID)
            let (model, expected) = try Self.reg01(policy: "credit")
            let created = try await client.json(.post, "/api/v1/regional-accounts", token: token,
                                                body: ["organisation_id": county, "name": "REG-01", "model": model])
            #expect(created.status == .created, "\(created.raw)")
            let id = try #require(field(created.body, "id") as? String)
            let first = try await client.json(.post, "/api/v1/regional-accounts/\(id)/calculate", token: token)
            #expect(first.status == .ok, "\(first.raw)")
            #expect(field(first.body, "number") as? Int == 1 && field(first.body, "created") as? Bool == true)
            let result = try #require(field(first.body, "result") as? NSDictionary)
            #expect(result == (try Self.direct(model)), "the API's result is CarbonCore's")
            let year = try #require(field(first.body, "result", "nodes", "0", "years", "0") as? [String: Any])
            #expect(year["territorial_tco2"] as? String == expected["b_territorial_direct_tCO2"] as? String)
            #expect(year["consumption_tco2"] as? String == expected["c_direct_plus_net_import_tCO2"] as? String)
            let steps = (year["trail"] as? [String: Any])?["steps"] as? [Any]
            #expect((steps?.count ?? 0) > 0, "with its formula trail")

            let again = try await client.json(.post, "/api/v1/regional-accounts/\(id)/calculate", token: token)
            #expect(field(again.body, "number") as? Int == 1 && field(again.body, "created") as? Bool == false)
            #expect(field(again.body, "input_hash") as? String == field(first.body, "input_hash") as? String)
            let versions = try await client.json(.get, "/api/v1/regional-accounts/\(id)/versions", token: token)
            #expect((versions.body as? [Any])?.count == 1)
            let one = try await client.json(.get, "/api/v1/regional-accounts/\(id)/versions/1", token: token)
            #expect(field(one.body, "result") as? NSDictionary == result)
            #expect(try await client.json(.get, "/api/v1/regional-accounts/\(id)/versions/2", token: token).status == .notFound)
            let list = try await client.json(.get, "/api/v1/regional-accounts", token: token)
            #expect((list.body as? [[String: Any]])?.first?["latest_version"] as? Int == 1)
            #expect(try await app.count("audit_log", where: "action = 'regional.calculate'") == 1)
            #expect(try await app.count("audit_log", where: "action = 'regional.create'") == 1)

            // Clamped net export: the same account shape gives case (d).
            let (clampedModel, _) = try Self.reg01(policy: "clamp_to_zero")
            let clamped = try await client.json(.post, "/api/v1/regional-accounts", token: token,
                                                body: ["organisation_id": county, "name": "REG-01 clamped", "model": clampedModel])
            let clampedID = try #require(field(clamped.body, "id") as? String, "\(clamped.raw)")
            let run = try await client.json(.post, "/api/v1/regional-accounts/\(clampedID)/calculate", token: token)
            #expect(field(run.body, "result", "nodes", "0", "years", "0", "consumption_tco2") as? String
                    == expected["d_net_export_clamped_tCO2"] as? String)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func badModelsAreRefusedNamingTheFieldAndOthersSeeNothing(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            let county = try await app.organisation("County", under: app.rootID)
            var (model, _) = try Self.reg01(policy: "credit")
            var badPolicy = model
            badPolicy["electricity"] = ["grid_factor": ["value": "0.6776", "unit": "tCO2/MWh"], "net_export_policy": "ignore"]
            var badNumber = model
            badNumber["electricity"] = ["grid_factor": ["value": "1,5", "unit": "tCO2/MWh"], "net_export_policy": "credit"]
            let noNodes: [String: Any] = ["name": "empty", "nodes": []]
            for bad in [badPolicy, badNumber, noNodes] {
                let reply = try await client.json(.post, "/api/v1/regional-accounts", token: token,
                                                  body: ["organisation_id": county, "name": "bad", "model": bad])
                #expect(reply.status == .unprocessableContent, "\(reply.raw)")
                let named = field(reply.body, "error", "field") as? String ?? ""
                #expect(named.hasPrefix("model"), "\(reply.raw)")
            }
            let policyReply = try await client.json(.post, "/api/v1/regional-accounts", token: token,
                                                    body: ["organisation_id": county, "name": "bad", "model": badPolicy])
            #expect((field(policyReply.body, "error", "field") as? String ?? "").contains("electricity"), "\(policyReply.raw)")
            let unknown = try await client.json(.post, "/api/v1/regional-accounts", token: token,
                                                body: ["organisation_id": county, "name": "x", "model": model, "owner": "me"])
            #expect(unknown.status == .unprocessableContent && field(unknown.body, "error", "field") as? String == "owner")
            #expect(try await app.count("regional_accounts") == 0, "nothing written on error")

            model["name"] = "kept"
            let created = try await client.json(.post, "/api/v1/regional-accounts", token: token,
                                                body: ["organisation_id": county, "name": "kept", "model": model])
            let id = try #require(field(created.body, "id") as? String, "\(created.raw)")
            let other = try await app.organisation("Other county", under: app.rootID)
            try await app.person("outsider", .administrator, at: other)
            let outsider = try await client.login("outsider", TestApp.adminPassword)
            #expect(try await client.json(.get, "/api/v1/regional-accounts/\(id)", token: outsider).status == .notFound)
            #expect(try await client.json(.post, "/api/v1/regional-accounts/\(id)/calculate", token: outsider).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/regional-accounts/\(id)/versions", token: outsider).status == .notFound)
            #expect((try await client.json(.get, "/api/v1/regional-accounts", token: outsider).body as? [Any])?.isEmpty == true)
            let intrude = try await client.json(.post, "/api/v1/regional-accounts", token: outsider,
                                                body: ["organisation_id": county, "name": "x", "model": model])
            #expect(intrude.status == .unprocessableContent && field(intrude.body, "error", "field") as? String == "organisation_id")
        }
        await app.close()
    }
}
