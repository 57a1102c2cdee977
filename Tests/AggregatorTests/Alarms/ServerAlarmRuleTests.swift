import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

/// Server-side alarm rules: a synthetic Shanghai day of flow readings raising the early warning,
/// then the threshold, an operator acknowledging the rule's alarm, the next local day returning it
/// to normal; rule CRUD refusing bad input by field with nothing written; another site's people
/// seeing nothing. Both backends.
@Suite struct ServerAlarmRuleTests {
    /// 2025-11-24 00:00 in Asia/Shanghai (2025-11-23T16:00Z), the day before the test clock's.
    static let dayStart: Int64 = 1_763_913_600_000
    static let epoch = UUID(uuidString: "7a7a7a7a-0000-4000-8000-00000000000a")!

    static func hour(_ k: Int64) throws -> ReadingBatch {
        // 100 Nm3 each hour, half past: the day's sum is 100 k after k hours.
        try ReadingBatch(agentID: "gw-1", storeEpoch: epoch, readings: [
            .init(seq: k + 1, tag: "boiler.gas", unit: "Nm3", timeMilliseconds: dayStart + k * 3_600_000 + 1_800_000,
                  value: 100, quality: .good),
        ])
    }

    @Test(arguments: TestBackend.enabled)
    func aShanghaiDayRaisesTheEarlyWarningThenTheThresholdAndTheNextDayClearsIt(_ backend: TestBackend) async throws {
        let fixture = try await IngestFixture.make(backend)
        let site = try await fixture.organisation("Plant 1")
        let agent = try await fixture.agent("gw-1", site: site)
        let evaluator = AlarmRuleEvaluator(database: fixture.database)
        try await fixture.app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            #expect(try await client.post(try Self.hour(0), token: agent.token).status == .ok)
            let series = try await client.json(.get, "/api/v1/series", token: admin)
            let seriesID = try #require((series.body as? [[String: Any]])?.first?["id"] as? Int, "\(series.raw)")
            // A site's daily tCO2e: 0.0021650 t per Nm3; warn at 3 t, alarm at 4.5 t.
            let created = try await client.json(.post, "/api/v1/alarm-rules", token: admin, body: [
                "organisation_id": site, "name": "Daily gas tCO2e", "series_id": seriesID, "aggregate": "sum",
                "period": "day", "factor": "0.0021650", "unit": "tCO2e", "early_warning": "3", "threshold": "4.5",
                "deadband": "0.1",
            ])
            #expect(created.status == .created, "\(created.raw)")
            let ruleID = try #require(field(created.body, "id") as? String)
            #expect(field(created.body, "unit") as? String == "tCO2e" && field(created.body, "enabled") as? Bool == true)
            #expect(try await fixture.app.auditRecords("alarm_rules.create").count == 1)

            var raised: [Int64: Int] = [:]
            for k in Int64(0)..<24 {
                if k > 0 { #expect(try await client.post(try Self.hour(k), token: agent.token).status == .ok) }
                let at = (Self.dayStart + k * 3_600_000 + 1_860_000) * 1000
                let count = try await evaluator.evaluate(ruleID, at: at)
                if count > 0 { raised[k + 1] = count }
                // The same minute again (another replica): nothing more.
                #expect(try await evaluator.evaluate(ruleID, at: at) == 0)
                if k + 1 == 21 {
                    // The threshold: HH raised, H hidden behind it. An operator acknowledges HH.
                    let list = try await client.json(.get, "/api/v1/alarms?site_id=\(site)", token: admin)
                    let alarms = list.body as? [[String: Any]] ?? []
                    let hh = try #require(alarms.first { $0["kind"] as? String == "HH" }, "\(list.raw)")
                    #expect(hh["origin"] as? String == "rule" && hh["rule_id"] as? String == ruleID)
                    #expect(hh["state"] as? String == "unacknowledged_active" && hh["limit"] as? String == "4.5")
                    #expect(alarms.first { $0["kind"] as? String == "H" }?["state"] as? String == "suppressed_by_design")
                    let ack = try await client.json(.post, "/api/v1/alarms/\(hh["id"] as! String)/ack", token: admin,
                                                    body: ["comment": "boiler on high fire, expected"])
                    #expect(ack.status == .ok && field(ack.body, "state") as? String == "acknowledged_active", "\(ack.raw)")
                }
            }
            // 100 k × 0.002165 passes 3 after 14 hours and 4.5 after 21 (H then HH with H superseded).
            #expect(raised == [14: 1, 21: 2], "\(raised)")
            let rule = try await client.json(.get, "/api/v1/alarm-rules/\(ruleID)", token: admin)
            #expect(field(rule.body, "last_value") as? String == "5.196", "\(rule.raw)")

            // The next local day (the test clock, 18:05 in Shanghai on the 25th): nothing yet, so normal.
            #expect(try await evaluator.evaluateAll(at: fixture.now + 300_000_000) == 2)
            let list = try await client.json(.get, "/api/v1/alarms?site_id=\(site)", token: admin)
            let states = (list.body as? [[String: Any]] ?? []).compactMap { $0["state"] as? String }
            #expect(states == ["normal", "normal"], "\(list.raw)")
            let events = try await client.json(.get, "/api/v1/alarm-events?site_id=\(site)", token: admin)
            let origins = (events.body as? [[String: Any]] ?? []).compactMap { $0["origin"] as? String }
            #expect(origins.filter { $0 == "rule" }.count == 5 && origins.filter { $0 == "operator" }.count == 1,
                    "\(events.raw)")
        }
        await fixture.close()
    }

    @Test(arguments: TestBackend.enabled)
    func badRulesAreRefusedByFieldAndOtherSitesSeeNothing(_ backend: TestBackend) async throws {
        let fixture = try await IngestFixture.make(backend)
        let site = try await fixture.organisation("Plant 1")
        let other = try await fixture.organisation("Plant 2")
        let agent = try await fixture.agent("gw-1", site: site)
        try await fixture.user("bob", at: other)
        try await fixture.app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            #expect(try await client.post(try Self.hour(0), token: agent.token).status == .ok)
            let series = try await client.json(.get, "/api/v1/series", token: admin)
            let seriesID = try #require((series.body as? [[String: Any]])?.first?["id"] as? Int)
            let good: [String: Any] = ["organisation_id": site, "name": "Hourly gas", "series_id": seriesID,
                                       "aggregate": "avg", "period": "hour", "threshold": "120"]
            func with(_ key: String, _ value: Any?) -> [String: Any] { var body = good; body[key] = value; return body }
            let bad: [(body: [String: Any], field: String)] = [
                (with("threshold", nil), "threshold"), (with("threshold", "12,5"), "threshold"),
                (with("early_warning", "130"), "early_warning"), (with("aggregate", "median"), "aggregate"),
                (with("period", "week"), "period"), (with("deadband", "-1"), "deadband"),
                (with("factor", "0.002"), "unit"), (with("factor", "0"), "factor"), (with("series_id", 999), "series_id"),
                (with("organisation_id", other), "series_id"), (with("organisation_id", UUID().uuidString), "organisation_id"),
                (with("owner", "x"), "owner"), (with("name", " "), "name"),
            ]
            for (body, name) in bad {
                let reply = try await client.json(.post, "/api/v1/alarm-rules", token: admin, body: body)
                #expect(reply.status == .unprocessableContent && field(reply.body, "error", "field") as? String == name,
                        "\(name): \(reply.raw)")
            }
            #expect(try await fixture.app.count("alarm_rules") == 0)
            let created = try await client.json(.post, "/api/v1/alarm-rules", token: admin, body: good)
            let id = try #require(field(created.body, "id") as? String, "\(created.raw)")
            let badPatch = try await client.json(.patch, "/api/v1/alarm-rules/\(id)", token: admin,
                                                 body: ["early_warning": "121"])
            #expect(badPatch.status == .unprocessableContent && field(badPatch.body, "error", "field") as? String == "early_warning")
            let patched = try await client.json(.patch, "/api/v1/alarm-rules/\(id)", token: admin,
                                                body: ["early_warning": "100", "enabled": false])
            #expect(patched.status == .ok && field(patched.body, "early_warning") as? String == "100"
                    && field(patched.body, "enabled") as? Bool == false, "\(patched.raw)")
            let filtered = try await client.json(.get, "/api/v1/alarm-rules?enabled=false&organisation_id=\(site)", token: admin)
            #expect((filtered.body as? [Any])?.count == 1, "\(filtered.raw)")
            let unknown = try await client.json(.get, "/api/v1/alarm-rules?colour=red", token: admin)
            #expect(unknown.status == .unprocessableContent)

            // Bob administers Plant 2 only: Plant 1's rule does not exist for him.
            let bob = try await client.login("bob", TestApp.adminPassword)
            let list = try await client.json(.get, "/api/v1/alarm-rules", token: bob)
            #expect(list.status == .ok && (list.body as? [Any])?.isEmpty == true, "\(list.raw)")
            #expect(try await client.json(.get, "/api/v1/alarm-rules/\(id)", token: bob).status == .notFound)
            #expect(try await client.json(.patch, "/api/v1/alarm-rules/\(id)", token: bob, body: ["name": "x"]).status == .notFound)
            #expect(try await client.json(.delete, "/api/v1/alarm-rules/\(id)", token: bob).status == .notFound)
            let stolen = try await client.json(.post, "/api/v1/alarm-rules", token: bob, body: good)
            #expect(stolen.status == .unprocessableContent && field(stolen.body, "error", "field") as? String == "organisation_id")

            #expect(try await client.json(.delete, "/api/v1/alarm-rules/\(id)", token: admin).status == .noContent)
            #expect(try await fixture.app.count("alarm_rules") == 0)
            #expect(try await fixture.app.auditRecords("alarm_rules.update").count == 1)
            #expect(try await fixture.app.auditRecords("alarm_rules.delete").count == 1)
        }
        await fixture.close()
    }
}
