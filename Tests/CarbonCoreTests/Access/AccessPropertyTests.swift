import CarbonCore
import Foundation
import PropertyBased
import Testing

/// Invariants over random subjects and requests in the fixture tree.
@Suite struct AccessPropertyTests {
    typealias T = AccessTesting
    static let catalogue = PermissionCatalogue.all.map(\.permission)

    /// A user with up to three built-in-role grants at random organisations (one limited).
    static func subject(_ grants: [Int]) -> AccessSubject {
        let made = grants.enumerated().map { index, code in
            Grant(id: "g\(index)", role: BuiltInRole.allCases[code % 4], organisation: T.all[(code / 4) % T.all.count],
                  limits: Grant.Limits(amount: code % 3 == 0 ? .below(500) : nil))
        }
        return T.user("u-\(grants.count)", attributes: ["department": "ops"]).with(grants: made)
    }

    /// A random request for `permission` at a random organisation, owner, amount and time.
    static func request(_ permission: Permission, _ code: Int, minute: Int) -> AccessRequest {
        let owner = [nil, "u-1", "u-2", "u-3"][code % 4]
        let amount = code % 5 == 0 ? nil : Decimal(code % 1000)
        return AccessRequest(permission: permission, organisation: T.all[code % T.all.count], ownerID: owner,
                             amount: amount, context: AccessContext(localMinuteOfDay: minute,
                                                                    weekday: Weekday.allCases[code % 7]))
    }

    @Test func aDenyWithoutConditionsRefusesEveryRequestForItsPermission() async {
        await propertyCheck(input: Gen.int(in: 0..<Self.catalogue.count), Gen.int(in: 0...1000).array(of: 0...3),
                            Gen.int(in: 0...100_000), Gen.int(in: 0..<1440)) { index, grants, code, minute in
            let permission = Self.catalogue[index]
            let deny = try AccessPolicy(id: "deny", description: "Switched off", effect: .deny,
                                        permissions: [PermissionPattern(permission)])
            let permitAll = try AccessPolicy(id: "permit", description: "Everything for owners", effect: .permit,
                                             permissions: ["*:*"], conditions: [.ownerIsSubject])
            let engine = try PolicyEngine(policies: [permitAll, deny])
            let subject = Self.subject(grants)
            let decision = engine.decide(subject, Self.request(permission, code, minute: minute))
            #expect(!decision.isAllowed && decision.decidedBy == ["deny"], "\(permission): \(decision)")
            #expect(!engine.permissions(of: subject, at: T.all[code % T.all.count]).contains(permission))
        }
    }

    @Test func withoutPoliciesAGrantDecidesExactlyByPermissionSubtreeAndLimit() async {
        await propertyCheck(input: Gen.int(in: 0..<Self.catalogue.count), Gen.int(in: 0...1000).array(of: 0...3),
                            Gen.int(in: 0...100_000)) { index, grants, code in
            let permission = Self.catalogue[index]
            let engine = try PolicyEngine()
            let subject = Self.subject(grants)
            let request = Self.request(permission, code, minute: 600)
            let expected = subject.grants.contains { grant in
                grant.covers(permission, at: request.organisation)
                    && (grant.limits.amount == nil || request.amount.map { $0 < 500 } == true)
            }
            #expect(engine.decide(subject, request).isAllowed == expected)
        }
    }
}

extension AccessSubject {
    func with(grants: [Grant]) -> AccessSubject {
        AccessSubject(id: id, kind: kind, grants: grants, attributes: attributes, boundSite: boundSite)
    }
}
