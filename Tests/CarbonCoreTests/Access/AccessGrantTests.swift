import CarbonCore
import Foundation
import Testing

/// Grants alone (RBAC): the subtree rule, amount limits and the default deny.
@Suite struct AccessGrantTests {
    typealias T = AccessTesting

    /// (grant at, request at, allowed): a grant covers its organisation and everything below.
    static let subtree: [(grantAt: OrganisationPath, requestAt: OrganisationPath, allowed: Bool)] = [
        (T.group, T.group, true), (T.group, T.north, true), (T.group, T.plantA, true), (T.group, T.plantC, true),
        (T.north, T.plantA, true), (T.north, T.plantB, true), (T.north, T.north, true),
        (T.north, T.group, false), (T.north, T.south, false), (T.north, T.plantC, false),
        (T.plantA, T.plantA, true), (T.plantA, T.north, false), (T.plantA, T.plantB, false), (T.plantA, T.group, false),
    ]

    @Test(arguments: subtree)
    func aGrantCoversItsOrganisationsSubtreeAndNothingElse(_ grantAt: OrganisationPath, _ requestAt: OrganisationPath,
                                                           _ allowed: Bool) throws {
        let engine = try PolicyEngine()
        let subject = T.user("u-ann", T.grant(.operator, at: grantAt))
        let decision = engine.decide(subject, T.request("alarms:ack", at: requestAt))
        #expect(decision.isAllowed == allowed, "\(decision)")
        #expect(decision.decidedBy == (allowed ? ["g1"] : []))
    }

    @Test func aPermissionOutsideTheRoleIsRefusedWithAReason() throws {
        let subject = T.user("u-ann", T.grant(.operator, at: T.group))
        let decision = try PolicyEngine().decide(subject, T.request("alarms:configure", at: T.plantA))
        #expect(!decision.isAllowed)
        #expect(decision.reason == "no grant covers alarms:configure at \(T.plantA.text)")
    }

    @Test func noGrantAtAllIsDefaultDeny() throws {
        let decision = try PolicyEngine().decide(T.user(), T.request("readings:read", at: T.group))
        #expect(!decision.isAllowed && decision.reason.hasPrefix("no grant covers readings:read"))
    }

    @Test func anyCoveringGrantAllowsAndAllOfThemAreNamed() throws {
        let subject = T.user("u-ann", T.grant(.auditor, at: T.plantA, id: "g-site"), T.grant(.operator, at: T.plantB, id: "g-b"),
                             T.grant(.analyst, at: T.north, id: "g-north"))
        let decision = try PolicyEngine().decide(subject, T.request("readings:read", at: T.plantA))
        #expect(decision.isAllowed)
        #expect(decision.decidedBy == ["g-site", "g-north"])
        #expect(decision.reason.contains("g-site (auditor)"))
    }

    /// "May approve projects under 10,000 tCO2e."
    static let limitCases: [(amount: String?, limit: AmountBound, allowed: Bool)] = [
        ("9999.999", .below(10000), true), ("10000", .below(10000), false), ("10000.001", .below(10000), false),
        (nil, .below(10000), false), ("0", .below(10000), true),
        ("10000", .atMost(10000), true), ("10000.0000001", .atMost(10000), false), (nil, .atMost(10000), false),
    ]

    @Test(arguments: limitCases)
    func anAmountLimitNeedsAnAmountWithinIt(_ amount: String?, _ limit: AmountBound, _ allowed: Bool) throws {
        let approver = Grant(id: "g-approve", role: "project-approver", permissions: ["projects:approve"],
                             organisation: T.north, limits: Grant.Limits(amount: limit))
        let decision = try PolicyEngine().decide(T.user("u-ann", approver),
                                                 T.request("projects:approve", at: T.plantA, amount: amount))
        #expect(decision.isAllowed == allowed, "\(decision)")
        if !allowed {
            #expect(decision.decidedBy == ["g-approve"])
            #expect(decision.reason.contains(amount == nil ? "no amount was given" : "is not \(limit)"))
        }
    }

    @Test func anUnlimitedGrantAllowsWhatALimitedOneRefuses() throws {
        let limited = T.grant(.administrator, at: T.north, id: "g-limited", limit: .below(100))
        let free = Grant(id: "g-free", role: nil, permissions: ["projects:approve"], organisation: T.plantA)
        let decision = try PolicyEngine().decide(T.user("u-ann", limited, free),
                                                 T.request("projects:approve", at: T.plantA, amount: "5000"))
        #expect(decision.isAllowed && decision.decidedBy == ["g-free"])
    }

    @Test func aContextOutsideTheDayIsRefusedWhateverTheGrants() throws {
        let subject = T.user("u-ann", T.grant(.administrator, at: T.group))
        for minute in [-1, 1440, 99_999] {
            let context = AccessContext(localMinuteOfDay: minute, weekday: .monday)
            let decision = try PolicyEngine().decide(subject, T.request("readings:read", at: T.group, context: context))
            #expect(!decision.isAllowed, "\(minute)")
        }
    }

    @Test func calendarWeekdaysMapToNames() {
        #expect(Weekday(calendarWeekday: 1) == .sunday && Weekday(calendarWeekday: 2) == .monday)
        #expect(Weekday(calendarWeekday: 7) == .saturday && Weekday(calendarWeekday: 0) == nil)
    }
}
