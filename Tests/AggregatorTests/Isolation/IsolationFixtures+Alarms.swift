import CarbonCore
import Foundation
import HTTPTypes

@testable import Aggregator

/// Central alarm routes: B's alarms and their history must be invisible and untouchable by A's
/// people, and B's agent's transitions cannot be sent by anyone else.
extension IsolationFixtures {
    static var alarms: [String: RouteFixture] {
        let ack = ["comment": "intruder"]
        let shelve = ["until": "2025-11-26T10:00:00Z", "comment": "intruder"]
        return [
            "POST /api/v1/ingest/alarm-events": RouteFixture(probes: { t in
                guard let json = try? JSONSerialization.jsonObject(
                    with: JSONEncoder().encode(IsolationWorld.alarmBatch(for: t))) else { return [] }
                return [Probe(uri: "/api/v1/ingest/alarm-events", body: json)]
            }),
            "GET /api/v1/alarms": RouteFixture(
                probes: { t in [Probe(uri: "/api/v1/alarms")]
                    + t.siteIDs.map { Probe(uri: "/api/v1/alarms?site_id=\($0)") }
                    + [Probe(uri: "/api/v1/alarms?organisation_id=\(t.groupID)")] },
                listsOnly: true, positive: (.ok, { _ in Probe(uri: "/api/v1/alarms") })),
            "GET /api/v1/alarms/:id": RouteFixture(
                probes: { t in (t.ids("alarm") + random).map { Probe(uri: "/api/v1/alarms/\($0)") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/alarms/\(own.id("alarm"))") })),
            "POST /api/v1/alarms/:id/ack": RouteFixture(
                probes: { t in (t.ids("alarm") + random).map { Probe(uri: "/api/v1/alarms/\($0)/ack", body: ack) } },
                // 403, not 200: the policies' positive control (run before this one) rewrote A's
                // "late-ack" policy into a deny of alarms:ack for everyone, and the ack obeys it.
                // Acknowledgement itself is shown in AlarmRoutesTests.
                positive: (.forbidden, { own in
                    Probe(uri: "/api/v1/alarms/\(own.id("alarm"))/ack", body: ["comment": "seen"]) })),
            "POST /api/v1/alarms/:id/shelve": RouteFixture(
                probes: { t in (t.ids("alarm") + random).map { Probe(uri: "/api/v1/alarms/\($0)/shelve", body: shelve) } },
                positive: (.ok, { own in Probe(uri: "/api/v1/alarms/\(own.id("alarm", 2))/shelve",
                                               body: ["until": "2025-11-26T10:00:00Z"]) })),
            "POST /api/v1/alarms/:id/unshelve": RouteFixture(
                probes: { t in (t.ids("alarm") + random).map { Probe(uri: "/api/v1/alarms/\($0)/unshelve", body: ack) } },
                // The oxygen alarm, shelved by the seed.
                positive: (.ok, { own in Probe(uri: "/api/v1/alarms/\(own.id("alarm", 3))/unshelve", body: [:]) })),
            "POST /api/v1/alarms/:id/comments": RouteFixture(
                probes: { t in (t.ids("alarm") + random).map { Probe(uri: "/api/v1/alarms/\($0)/comments", body: ack) } },
                positive: (.created, { own in Probe(uri: "/api/v1/alarms/\(own.id("alarm"))/comments",
                                                    body: ["comment": "checked the burner"]) })),
            "GET /api/v1/alarm-events": RouteFixture(
                probes: { t in [Probe(uri: "/api/v1/alarm-events")]
                    + t.siteIDs.map { Probe(uri: "/api/v1/alarm-events?site_id=\($0)") }
                    + t.ids("alarm").map { Probe(uri: "/api/v1/alarm-events?alarm_id=\($0)") } },
                listsOnly: true, positive: (.ok, { _ in Probe(uri: "/api/v1/alarm-events") })),
        ]
    }
}
