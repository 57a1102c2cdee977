import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import Aggregator

/// Central alarms (M3): agent transitions exactly once, the ISA-18.2 operator actions with their
/// refusals, bad input refused by name with nothing written, and another organisation's people
/// seeing nothing. Both backends.
@Suite struct AlarmRoutesTests {
    static let epoch = UUID(uuidString: "5a5a5a5a-0000-4000-8000-000000000005")!
    static let time: Int64 = 1_764_061_200_000  // 2025-11-25T09:00:00Z, an hour before the test clock

    static func raised(_ id: Int64 = 1, kind: AlarmKind = .hh, to: AlarmState = .unacknowledgedActive,
                       value: Decimal = Decimal(string: "131.5")!, comment: String? = nil) -> AlarmEventBatch.Event {
        .init(id: id, tag: "stack1.co2", kind: kind, priority: kind == .hh ? .critical : .high, from: .normal, to: to,
              cause: to == .suppressedByDesign ? .escalation : .condition, value: value, limit: kind == .hh ? 120 : 100,
              quality: .good, timeMilliseconds: time, comment: comment)
    }

    static func body(_ events: [AlarmEventBatch.Event], agent: String = "gw-1") throws -> Any {
        try JSONSerialization.jsonObject(with: JSONEncoder().encode(
            AlarmEventBatch(agentID: agent, storeEpoch: epoch, events: events)))
    }

    @Test(arguments: TestBackend.enabled)
    func agentTransitionsArriveExactlyOnceAndConflictsAreRefused(_ backend: TestBackend) async throws {
        let fixture = try await IngestFixture.make(backend)
        let site = try await fixture.organisation("Plant 1")
        let agent = try await fixture.agent("gw-1", site: site)
        try await fixture.app.application().test(.router) { client in
            let batch = try Self.body([Self.raised(1), Self.raised(2, kind: .h, to: .suppressedByDesign)])
            let first = try await client.json(.post, "/api/v1/ingest/alarm-events", token: agent.token, body: batch)
            #expect(first.status == .ok, "\(first.raw)")
            #expect(field(first.body, "accepted") as? Int == 2 && field(first.body, "watermark") as? Int == 2)
            // The same batch again (a lost reply): duplicates, nothing stored twice.
            let again = try await client.json(.post, "/api/v1/ingest/alarm-events", token: agent.token, body: batch)
            #expect(again.status == .ok && field(again.body, "duplicates") as? Int == 2 && field(again.body, "accepted") as? Int == 0)
            #expect(try await fixture.app.count("alarm_events") == 2)
            #expect(try await fixture.app.count("alarms") == 2)

            // Id 2 re-used with other content: 409, audited, the stored transition untouched.
            let altered = try Self.body([Self.raised(2, kind: .h, to: .unacknowledgedActive), Self.raised(3)])
            let conflict = try await client.json(.post, "/api/v1/ingest/alarm-events", token: agent.token, body: altered)
            #expect(conflict.status == .conflict && field(conflict.body, "error", "code") as? String == "alarm_event_conflict")
            #expect(try await fixture.app.count("alarm_events") == 2)
            #expect(try await fixture.app.count("alarm_events", where: "transition_id = 2 AND to_state = 'suppressed_by_design'") == 1)
            #expect(try await fixture.app.auditRecords("ingest.alarm_conflict").count == 1)

            // Another agent's name, people's tokens, bad input: refused, nothing written.
            let admin = try await client.login("admin", TestApp.adminPassword)
            let other = try await client.json(.post, "/api/v1/ingest/alarm-events", token: agent.token,
                                              body: try Self.body([Self.raised(9)], agent: "gw-2"))
            #expect(other.status == .forbidden)
            let person = try await client.json(.post, "/api/v1/ingest/alarm-events", token: admin, body: batch)
            #expect(person.status == .forbidden)
            var badID = try #require(try Self.body([Self.raised(9)]) as? [String: Any])
            badID["events"] = [["id": 0, "tag": "x", "kind": "HH", "priority": "high", "from": "normal",
                                "to": "unacknowledged_active", "cause": "condition", "time_ms": Self.time]]
            let zero = try await client.json(.post, "/api/v1/ingest/alarm-events", token: agent.token, body: badID)
            #expect(zero.status == .unprocessableContent && field(zero.body, "error", "field") as? String == "events[0].id")
            badID["events"] = [["id": 9, "tag": "x", "kind": "HH", "priority": "high", "from": "normal",
                                "to": "unacknowledged_active", "cause": "condition", "time_ms": Self.time, "value": "12,5"]]
            let value = try await client.json(.post, "/api/v1/ingest/alarm-events", token: agent.token, body: badID)
            #expect(value.status == .unprocessableContent && field(value.body, "error", "field") as? String == "events[0].value",
                    "\(value.raw)")
            badID["events"] = [["id": 9, "tag": "x", "kind": "XX", "priority": "high", "from": "normal",
                                "to": "unacknowledged_active", "cause": "condition", "time_ms": Self.time]]
            let kind = try await client.json(.post, "/api/v1/ingest/alarm-events", token: agent.token, body: badID)
            #expect(kind.status == .unprocessableContent && field(kind.body, "error", "field") as? String == "events[0].kind")
            #expect(try await fixture.app.count("alarm_events") == 2)

            // Later transitions of the same alarm move its current state; the next id continues.
            let cleared = AlarmEventBatch.Event(
                id: 3, tag: "stack1.co2", kind: .hh, priority: .critical, from: .unacknowledgedActive,
                to: .returnedToNormalUnacknowledged, cause: .condition, value: 110, limit: 120, quality: .good,
                timeMilliseconds: Self.time + 60_000)
            let next = try await client.json(.post, "/api/v1/ingest/alarm-events", token: agent.token,
                                             body: try Self.body([cleared]))
            #expect(next.status == .ok && field(next.body, "watermark") as? Int == 3)
            let list = try await client.json(.get, "/api/v1/alarms?kind=HH", token: admin)
            #expect(field(list.body, "0", "state") as? String == "returned_to_normal_unacknowledged", "\(list.raw)")
            #expect(field(list.body, "0", "last_value") as? String == "110")
            #expect(field(list.body, "0", "organisation_id") as? String == site)
        }
        await fixture.close()
    }

    @Test(arguments: TestBackend.enabled)
    func operatorsAcknowledgeShelveAndCommentByTheISARules(_ backend: TestBackend) async throws {
        let fixture = try await IngestFixture.make(backend)
        let site = try await fixture.organisation("Plant 1")
        let elsewhere = try await fixture.organisation("Plant 2")
        let agent = try await fixture.agent("gw-1", site: site)
        try await fixture.user("outsider", at: elsewhere)
        try await fixture.app.application().test(.router) { client in
            let sent = try await client.json(.post, "/api/v1/ingest/alarm-events", token: agent.token,
                                             body: try Self.body([Self.raised(1), Self.raised(2, kind: .h, to: .suppressedByDesign)]))
            #expect(sent.status == .ok)
            let admin = try await client.login("admin", TestApp.adminPassword)
            let active = try await client.json(.get, "/api/v1/alarms?state=unacknowledged_active&site_id=\(site)", token: admin)
            let hh = try #require(field(active.body, "0", "id") as? String, "\(active.raw)")
            #expect((active.body as? [Any])?.count == 1)
            let hidden = try #require(try await client.json(.get, "/api/v1/alarms?kind=H", token: admin).body as? [[String: Any]])
            let h = try #require(hidden.first?["id"] as? String)

            // Nothing to acknowledge on a suppressed alarm: 409 with a code of its own.
            let refused = try await client.json(.post, "/api/v1/alarms/\(h)/ack", token: admin, body: [:])
            #expect(refused.status == .conflict && field(refused.body, "error", "code") as? String == "alarm_not_unacknowledged")
            let ack = try await client.json(.post, "/api/v1/alarms/\(hh)/ack", token: admin, body: ["comment": "fan 2 tripped"])
            #expect(ack.status == .ok && field(ack.body, "state") as? String == "acknowledged_active", "\(ack.raw)")
            #expect(field(ack.body, "acknowledged_by") as? String == "admin")
            let twice = try await client.json(.post, "/api/v1/alarms/\(hh)/ack", token: admin, body: [:])
            #expect(twice.status == .conflict)

            // Bad shelves: each names its field, and nothing is written.
            let before = try await fixture.app.count("alarm_events")
            for (body, name) in [([String: Any](), "until"), (["until": "tomorrow"], "until"),
                                 (["until": "2025-11-25T09:00:00Z"], "until"), (["until": "2026-01-25T09:00:00Z"], "until"),
                                 (["until": "2025-11-25T12:00:00Z", "comment": String(repeating: "x", count: 2_001)], "comment"),
                                 (["until": "2025-11-25T12:00:00Z", "by": "root"], "by")] {
                let reply = try await client.json(.post, "/api/v1/alarms/\(hh)/shelve", token: admin, body: body)
                #expect(reply.status == .unprocessableContent && field(reply.body, "error", "field") as? String == name,
                        "\(body): \(reply.raw)")
            }
            #expect(try await fixture.app.count("alarm_events") == before)

            let shelved = try await client.json(.post, "/api/v1/alarms/\(hh)/shelve", token: admin,
                                                body: ["until": "2025-11-25T12:00:00Z", "comment": "analyser calibration"])
            #expect(shelved.status == .ok && field(shelved.body, "state") as? String == "shelved", "\(shelved.raw)")
            #expect(field(shelved.body, "shelved_until") as? String == "2025-11-25T12:00:00.000Z"
                    || (field(shelved.body, "shelved_until") as? String)?.hasPrefix("2025-11-25T12:00:00") == true)
            let again = try await client.json(.post, "/api/v1/alarms/\(hh)/shelve", token: admin,
                                              body: ["until": "2025-11-25T13:00:00Z"])
            #expect(again.status == .conflict && field(again.body, "error", "code") as? String == "alarm_already_shelved")
            // Unshelved with its condition still present: back as unacknowledged (ISA-18.2).
            let unshelved = try await client.json(.post, "/api/v1/alarms/\(hh)/unshelve", token: admin, body: [:])
            #expect(unshelved.status == .ok && field(unshelved.body, "state") as? String == "unacknowledged_active")
            let notShelved = try await client.json(.post, "/api/v1/alarms/\(hh)/unshelve", token: admin, body: [:])
            #expect(notShelved.status == .conflict && field(notShelved.body, "error", "code") as? String == "alarm_not_shelved")

            let empty = try await client.json(.post, "/api/v1/alarms/\(hh)/comments", token: admin, body: ["comment": "  "])
            #expect(empty.status == .unprocessableContent && field(empty.body, "error", "field") as? String == "comment")
            let comment = try await client.json(.post, "/api/v1/alarms/\(hh)/comments", token: admin,
                                                body: ["comment": "burner retuned"])
            #expect(comment.status == .created && field(comment.body, "action") as? String == "comment")

            let detail = try await client.json(.get, "/api/v1/alarms/\(hh)", token: admin)
            let events = try #require(field(detail.body, "events") as? [[String: Any]], "\(detail.raw)")
            #expect(events.map { $0["cause"] as? String ?? $0["action"] as? String ?? "" }
                    == ["condition", "acknowledge", "shelve", "unshelve", "comment"])
            #expect(events[1]["comment"] as? String == "fan 2 tripped" && events[1]["operator"] as? String == "admin")
            let byOperator = try await client.json(.get, "/api/v1/alarm-events?operator=admin&site_id=\(site)", token: admin)
            #expect((byOperator.body as? [Any])?.count == 4)
            let byTime = try await client.json(.get, "/api/v1/alarm-events?from=2025-11-25T08:00:00Z&to=2025-11-25T09:30:00Z", token: admin)
            #expect((byTime.body as? [Any])?.count == 2, "\(byTime.raw)")
            let badQuery = try await client.json(.get, "/api/v1/alarms?colour=red", token: admin)
            #expect(badQuery.status == .unprocessableContent && field(badQuery.body, "error", "field") as? String == "colour")
            #expect(try await fixture.app.auditRecords("alarms.acknowledge").count == 1)
            #expect(try await fixture.app.auditRecords("alarms.shelve").count == 1)
            #expect(try await fixture.app.auditRecords("alarms.comment").count == 1)

            // A person of another organisation sees nothing and can touch nothing.
            let outsider = try await client.login("outsider", TestApp.adminPassword)
            let theirs = try await client.json(.get, "/api/v1/alarms", token: outsider)
            #expect(theirs.status == .ok && (theirs.body as? [Any])?.isEmpty == true)
            #expect(try await client.json(.get, "/api/v1/alarms/\(hh)", token: outsider).status == .notFound)
            #expect(try await client.json(.post, "/api/v1/alarms/\(hh)/ack", token: outsider, body: [:]).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/alarm-events", token: outsider).raw == "[]")
        }
        await fixture.close()
    }
}
