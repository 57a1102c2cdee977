import Foundation
import HTTPTypes

@testable import Aggregator

/// Alarm rule routes: B's rules are invisible and untouchable by A's people, and A's people cannot
/// put a rule on B's site or series.
extension IsolationFixtures {
    static var alarmRules: [String: RouteFixture] {
        [
            "GET /api/v1/alarm-rules": RouteFixture(
                probes: { t in [Probe(uri: "/api/v1/alarm-rules")]
                    + t.siteIDs.map { Probe(uri: "/api/v1/alarm-rules?organisation_id=\($0)") }
                    + t.ids("series").map { Probe(uri: "/api/v1/alarm-rules?series_id=\($0)") } },
                listsOnly: true, positive: (.ok, { _ in Probe(uri: "/api/v1/alarm-rules") })),
            "POST /api/v1/alarm-rules": RouteFixture(
                probes: { t in [Probe(uri: "/api/v1/alarm-rules", body: IsolationWorld.alarmRuleBody(for: t))] },
                positive: (.created, { own in Probe(uri: "/api/v1/alarm-rules", body: IsolationWorld.alarmRuleBody(for: own)) })),
            "GET /api/v1/alarm-rules/:id": RouteFixture(
                probes: { t in (t.ids("alarm_rule") + random).map { Probe(uri: "/api/v1/alarm-rules/\($0)") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/alarm-rules/\(own.id("alarm_rule"))") })),
            "PATCH /api/v1/alarm-rules/:id": RouteFixture(
                probes: { t in (t.ids("alarm_rule") + random).map {
                    Probe(uri: "/api/v1/alarm-rules/\($0)", body: ["threshold": "1", "early_warning": "0.5"]) } },
                positive: (.ok, { own in Probe(uri: "/api/v1/alarm-rules/\(own.id("alarm_rule"))", body: ["threshold": "300"]) })),
            "DELETE /api/v1/alarm-rules/:id": RouteFixture(
                probes: { t in (t.ids("alarm_rule") + random).map { Probe(uri: "/api/v1/alarm-rules/\($0)") } },
                positive: (.noContent, { own in Probe(uri: "/api/v1/alarm-rules/\(own.id("alarm_rule", 1))") })),
        ]
    }
}
