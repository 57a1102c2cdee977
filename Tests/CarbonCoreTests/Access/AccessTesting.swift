import CarbonCore
import Foundation

/// A small organisation tree and request builders shared by the access tests:
///
///     group
///     ├── north (company) ── plant-a, plant-b (sites)
///     └── south (company) ── plant-c (site)
enum AccessTesting {
    static let groupID = "a0000000-0000-4000-8000-000000000000"
    static let northID = "b1000000-0000-4000-8000-000000000000"
    static let southID = "b2000000-0000-4000-8000-000000000000"
    static let plantAID = "c1100000-0000-4000-8000-000000000000"
    static let plantBID = "c1200000-0000-4000-8000-000000000000"
    static let plantCID = "c2100000-0000-4000-8000-000000000000"

    static let group = path(groupID)
    static let north = path(groupID, northID)
    static let south = path(groupID, southID)
    static let plantA = path(groupID, northID, plantAID)
    static let plantB = path(groupID, northID, plantBID)
    static let plantC = path(groupID, southID, plantCID)
    static let all = [group, north, south, plantA, plantB, plantC]

    static func path(_ ids: String...) -> OrganisationPath {
        do {
            return try OrganisationPath(ids)
        } catch {
            preconditionFailure("fixture path: \(error)")
        }
    }

    /// Tuesday 10:00 unless said otherwise.
    static func context(_ time: String = "10:00", _ weekday: Weekday = .tuesday, source: String? = "192.0.2.10",
                        attributes: [String: String] = [:]) -> AccessContext {
        let parts = time.split(separator: ":").compactMap { Int($0) }
        return AccessContext(localMinuteOfDay: parts[0] * 60 + parts[1], weekday: weekday, sourceAddress: source,
                             attributes: attributes)
    }

    static func request(_ permission: Permission, at organisation: OrganisationPath, owner: String? = nil,
                        amount: String? = nil, attributes: [String: String] = [:],
                        context: AccessContext = context()) -> AccessRequest {
        AccessRequest(permission: permission, organisation: organisation, ownerID: owner,
                      amount: amount.map { Decimal(string: $0)! }, resourceAttributes: attributes, context: context)
    }

    static func user(_ id: String = "u-ann", _ grants: Grant..., attributes: [String: String] = [:]) -> AccessSubject {
        AccessSubject(id: id, kind: .user, grants: grants, attributes: attributes)
    }

    static func grant(_ role: BuiltInRole, at organisation: OrganisationPath, id: String = "g1",
                      limit: AmountBound? = nil) -> Grant {
        Grant(id: id, role: role, organisation: organisation, limits: Grant.Limits(amount: limit))
    }

    static func policy(_ json: String) throws -> AccessPolicy {
        try AccessPolicy(fromJSON: Data(json.utf8))
    }

    static func engine(_ policies: String...) throws -> PolicyEngine {
        try PolicyEngine(policies: policies.map(policy))
    }
}
