import Foundation
import HTTPTypes
import Testing

@testable import Aggregator

/// Server-side alarm rules for each tenant: two rules on the tenant's first series at its first
/// site (`objects["alarm_rule"]`; the second is the one the DELETE control removes).
extension IsolationWorld {
    static var alarmRulesSeed: Seed { { tenant, root, client in
        var ids: [String] = []
        for name in ["Daily flow", "Hourly flow"] {
            let created = try await client.json(.post, "/api/v1/alarm-rules", token: root,
                                                body: alarmRuleBody(for: tenant, name: name))
            #expect(created.status == .created, "\(created.raw)")
            if let id = field(created.body, "id") as? String { ids.append(id) }
        }
        tenant.objects["alarm_rule"] = ids
    } }

    static func alarmRuleBody(for tenant: IsolationTenant, name: String = "Intruder rule") -> [String: Any] {
        ["organisation_id": tenant.siteIDs[0], "name": name, "series_id": Int(tenant.id("series")) ?? 0,
         "aggregate": "sum", "period": "day", "early_warning": "100", "threshold": "200"]
    }
}
