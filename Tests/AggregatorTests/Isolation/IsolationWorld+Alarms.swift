import CarbonCore
import Foundation
import HTTPTypes
import Testing

@testable import Aggregator

/// Central alarms for each tenant: the tenant's agent syncs four transitions (HH raised, H
/// suppressed by design, two L alarms raised), creating four alarms at its first site
/// (`objects["alarm"]`); one is shelved centrally, and the history ids are `objects["alarm_event"]`.
extension IsolationWorld {
    static var alarmSeed: Seed { { tenant, root, client in
        let batch = alarmBatch(for: tenant)
        let body = try JSONSerialization.jsonObject(with: JSONEncoder().encode(batch))
        let sent = try await client.json(.post, "/api/v1/ingest/alarm-events", token: tenant.tokens["\(tenant.lower)-gw-1"],
                                         body: body)
        #expect(sent.status == .ok, "\(sent.raw)")
        let list = try await client.json(.get, "/api/v1/alarms?site_id=\(tenant.siteIDs[0])", token: root)
        // In a fixed order: HH and H of the kiln temperature, L of the draft, L of the oxygen (shelved here).
        let alarms = list.body as? [[String: Any]] ?? []
        tenant.objects["alarm"] = [("temp", "HH"), ("temp", "H"), ("draft", "L"), ("o2", "L")].compactMap { tag, kind in
            alarms.first { ($0["tag"] as? String)?.hasSuffix(tag) == true && $0["kind"] as? String == kind }?["id"] as? String
        }
        #expect(tenant.ids("alarm").count == 4, "\(list.raw)")
        let shelved = try await client.json(.post, "/api/v1/alarms/\(tenant.id("alarm", 3))/shelve", token: root,
                                            body: ["until": "2025-11-26T10:00:00Z", "comment": "analyser calibration"])
        #expect(shelved.status == .ok, "\(shelved.raw)")
        let events = try await client.json(.get, "/api/v1/alarm-events?site_id=\(tenant.siteIDs[0])", token: root)
        tenant.objects["alarm_event"] = (events.body as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    } }

    /// HH raised on the tenant's kiln temperature, H hidden behind it (ISA-18.2 escalation).
    static func alarmBatch(for tenant: IsolationTenant, epoch: UUID = UUID(uuidString: "0b0b0b0b-0000-4000-8000-000000000001")!)
        -> AlarmEventBatch
    {
        let tag = "\(tenant.lower).kiln.temp", time: Int64 = 1_764_061_200_000
        func low(_ id: Int64, _ name: String) -> AlarmEventBatch.Event {
            .init(id: id, tag: "\(tenant.lower).kiln.\(name)", kind: .l, priority: .medium, from: .normal,
                  to: .unacknowledgedActive, cause: .condition, value: 1, limit: 2, quality: .good, timeMilliseconds: time)
        }
        return AlarmEventBatch(agentID: "\(tenant.lower)-gw-1", storeEpoch: epoch, events: [
            .init(id: 1, tag: tag, kind: .hh, priority: .critical, from: .normal, to: .unacknowledgedActive,
                  cause: .condition, value: 1312, limit: 1300, quality: .good, timeMilliseconds: time),
            .init(id: 2, tag: tag, kind: .h, priority: .high, from: .normal, to: .suppressedByDesign, cause: .escalation,
                  value: 1312, limit: 1250, quality: .good, timeMilliseconds: time),
            low(3, "draft"), low(4, "o2"),
        ])
    }
}
