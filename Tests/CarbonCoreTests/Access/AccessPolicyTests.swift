import CarbonCore
import Foundation
import Testing

/// Policies on top of grants (ABAC): deny overrides, permits, conditions, agents, missing facts.
@Suite struct AccessPolicyTests {
    typealias T = AccessTesting

    static let noNightTrading = """
        {"id": "no-night-trading", "description": "Trades in office hours only", "effect": "deny",
         "permissions": ["trades:submit"], "conditions": [{"local_time": {"from": "18:00", "to": "08:00"}}]}
        """
    static let ownerReads = """
        {"id": "owner-reads", "description": "Owners may read their own objects", "effect": "permit",
         "permissions": ["*:read"], "conditions": [{"owner": "subject"}]}
        """

    @Test func aMatchingDenyBeatsAGrantAndAPermit() throws {
        let engine = try T.engine(
            Self.ownerReads,
            #"{"id": "freeze", "description": "Audit freeze", "effect": "deny", "permissions": ["inventories:*"]}"#)
        let subject = T.user("u-ann", T.grant(.administrator, at: T.group))
        let decision = engine.decide(subject, T.request("inventories:read", at: T.plantA, owner: "u-ann"))
        #expect(!decision.isAllowed)
        #expect(decision.decidedBy == ["freeze"])
        #expect(decision.reason == "inventories:read denied by policy freeze (Audit freeze)")
        #expect(engine.decide(subject, T.request("readings:read", at: T.plantA, owner: "u-ann")).isAllowed)
    }

    /// (local time, allowed) for "no trades 18:00–08:00", a window wrapping midnight.
    static let nightCases: [(String, Bool)] = [
        ("07:59", false), ("08:00", true), ("12:00", true), ("17:59", true), ("18:00", false), ("23:59", false),
        ("00:00", false), ("03:30", false),
    ]

    @Test(arguments: nightCases)
    func aTimeWindowWrappingMidnightDeniesInsideIt(_ time: String, _ allowed: Bool) throws {
        let engine = try T.engine(Self.noNightTrading)
        let subject = T.user("u-ann", Grant(id: "g", role: "trader", permissions: ["trades:submit"], organisation: T.group))
        let decision = engine.decide(subject, T.request("trades:submit", at: T.plantC, context: T.context(time)))
        #expect(decision.isAllowed == allowed, "\(time): \(decision)")
    }

    @Test(arguments: [("08:59", false), ("09:00", true), ("16:59", true), ("17:00", false)])
    func aDaytimeWindowPermitsFromItsStartUntilBeforeItsEnd(_ time: String, _ allowed: Bool) throws {
        let engine = try T.engine("""
            {"id": "day-shift", "description": "Contractors read readings in the day shift", "effect": "permit",
             "permissions": ["readings:read"], "subjects": ["u-contractor"],
             "conditions": [{"local_time": {"from": "09:00", "to": "17:00"}}, {"weekday": ["monday", "tuesday"]},
                            {"organisation": "within_grants"}]}
            """)
        let subject = T.user("u-contractor", T.grant(.auditor, at: T.plantA, id: "g-a").withoutReadings)
        #expect(engine.decide(subject, T.request("readings:read", at: T.plantA, context: T.context(time))).isAllowed == allowed)
        #expect(!engine.decide(subject, T.request("readings:read", at: T.plantA, context: T.context(time, .sunday))).isAllowed)
        #expect(!engine.decide(subject, T.request("readings:read", at: T.plantB, context: T.context(time))).isAllowed)
    }

    @Test func ownersMayReadTheirOwnObjectsButNotOthersOrUnownedOnes() throws {
        let engine = try T.engine(Self.ownerReads)
        let subject = T.user("u-ann")
        let own = engine.decide(subject, T.request("reports:read", at: T.plantC, owner: "u-ann"))
        #expect(own.isAllowed && own.decidedBy == ["owner-reads"])
        #expect(!engine.decide(subject, T.request("reports:read", at: T.plantC, owner: "u-bob")).isAllowed)
        #expect(!engine.decide(subject, T.request("reports:read", at: T.plantC)).isAllowed)
        #expect(!engine.decide(subject, T.request("reports:publish", at: T.plantC, owner: "u-ann")).isAllowed)
    }

    @Test func aMissingFactNeverSparesADenyNorEnablesAPermit() throws {
        let engine = try T.engine("""
            {"id": "four-eyes", "description": "Nobody approves their own inventory", "effect": "deny",
             "permissions": ["inventories:approve"], "conditions": [{"owner": "subject"}]}
            """, """
            {"id": "big-trades", "description": "Trades above 1000 t need the desk", "effect": "deny",
             "permissions": ["trades:submit"], "conditions": [{"amount": {"above": "1000"}}]}
            """)
        let subject = T.user("u-ann", T.grant(.administrator, at: T.group))
        #expect(!engine.decide(subject, T.request("inventories:approve", at: T.north, owner: "u-ann")).isAllowed)
        #expect(engine.decide(subject, T.request("inventories:approve", at: T.north, owner: "u-bob")).isAllowed)
        #expect(!engine.decide(subject, T.request("inventories:approve", at: T.north)).isAllowed)
        #expect(engine.decide(subject, T.request("trades:submit", at: T.north, amount: "1000")).isAllowed)
        #expect(!engine.decide(subject, T.request("trades:submit", at: T.north, amount: "1000.5")).isAllowed)
        #expect(!engine.decide(subject, T.request("trades:submit", at: T.north)).isAllowed)
    }

    @Test func attributeConditionsCompareSubjectResourceAndRequest() throws {
        let engine = try T.engine("""
            {"id": "secret", "description": "Secret data needs clearance over MFA", "effect": "deny",
             "permissions": ["*:read", "*:export"],
             "conditions": [{"resource_attribute": {"key": "classification", "equals": "secret"}},
                            {"subject_attribute": {"key": "clearance", "equals": "basic"}}]}
            """, """
            {"id": "mfa", "description": "Exports only over MFA", "effect": "deny", "permissions": ["*:export"],
             "conditions": [{"request_attribute": {"key": "mfa", "equals": "false"}}]}
            """)
        let basic = T.user("u-ann", T.grant(.auditor, at: T.group), attributes: ["clearance": "basic"])
        let high = T.user("u-bob", T.grant(.auditor, at: T.group), attributes: ["clearance": "high"])
        let secret = ["classification": "secret"]
        #expect(!engine.decide(basic, T.request("readings:read", at: T.plantA, attributes: secret)).isAllowed)
        #expect(engine.decide(basic, T.request("readings:read", at: T.plantA)).isAllowed)
        #expect(engine.decide(high, T.request("readings:read", at: T.plantA, attributes: secret)).isAllowed)
        let noMFA = T.context(attributes: ["mfa": "false"])
        #expect(!engine.decide(high, T.request("audit:export", at: T.group, context: noMFA)).isAllowed)
        #expect(engine.decide(high, T.request("audit:export", at: T.group, context: T.context(attributes: ["mfa": "true"]))).isAllowed)
        #expect(T.context().value(of: "source_address") == "192.0.2.10" && T.context().value(of: "weekday") == "tuesday")
    }

    @Test func roleAndKindFiltersNarrowWhoAPolicyIsAbout() throws {
        let engine = try T.engine("""
            {"id": "analysts-no-export", "description": "Analysts do not export", "effect": "deny",
             "permissions": ["*:export"], "roles": ["analyst"], "subject_kinds": ["user"]}
            """)
        #expect(!engine.decide(T.user("u-ann", T.grant(.analyst, at: T.group)), T.request("readings:export", at: T.north)).isAllowed)
        #expect(engine.decide(T.user("u-bob", T.grant(.auditor, at: T.group)), T.request("readings:export", at: T.north)).isAllowed)
    }

    @Test func agentsGetOnlyTheirGrantsAndOnlyOnTheirSite() throws {
        let engine = try T.engine(Self.ownerReads)
        let ingest = Grant(id: "g-agent", role: nil, permissions: ["ingest:write", "devices:read"], organisation: T.plantA)
        let agent = AccessSubject(id: "agent-7", kind: .agent, grants: [ingest], boundSite: T.plantA)
        #expect(engine.decide(agent, T.request("ingest:write", at: T.plantA)).isAllowed)
        #expect(!engine.decide(agent, T.request("ingest:write", at: T.plantB)).isAllowed)
        #expect(!engine.decide(agent, T.request("readings:read", at: T.plantA, owner: "agent-7")).isAllowed)
        // A grant wider than the bound site does not take the agent off its site.
        let wide = AccessSubject(id: "agent-8", kind: .agent, grants: [T.grant(.administrator, at: T.group)],
                                 boundSite: T.plantA)
        let elsewhere = engine.decide(wide, T.request("ingest:write", at: T.plantC))
        #expect(!elsewhere.isAllowed && elsewhere.reason.contains("bound to site"))
        #expect(engine.decide(wide, T.request("ingest:write", at: T.plantA)).isAllowed)
        let unbound = AccessSubject(id: "agent-9", kind: .agent, grants: [ingest])
        #expect(!engine.decide(unbound, T.request("ingest:write", at: T.plantA)).isAllowed)
    }

    @Test func mePermissionsListsWhatGrantsAndObjectFreePermitsGiveMinusCertainDenies() throws {
        let engine = try T.engine(Self.noNightTrading, Self.ownerReads, """
            {"id": "all-read-apps", "description": "Everyone may see the applications", "effect": "permit",
             "permissions": ["applications:read"]}
            """)
        let trader = T.user("u-ann", Grant(id: "g", role: "trader", permissions: ["trades:submit", "trades:read"],
                                           organisation: T.north))
        #expect(engine.permissions(of: trader, at: T.plantA, context: T.context("10:00"))
                == ["trades:submit", "trades:read", "applications:read"])
        #expect(engine.permissions(of: trader, at: T.plantA, context: T.context("22:00"))
                == ["trades:read", "applications:read"])
        #expect(engine.permissions(of: trader, at: T.plantA) == ["trades:submit", "trades:read", "applications:read"])
        #expect(engine.permissions(of: trader, at: T.south) == ["applications:read"])
        let agent = AccessSubject(id: "agent-7", kind: .agent, grants: [T.grant(.operator, at: T.plantA)], boundSite: T.plantA)
        #expect(engine.permissions(of: agent, at: T.plantA) == BuiltInRole.operator.permissions)
        #expect(engine.permissions(of: agent, at: T.plantB).isEmpty)
    }
}

extension Grant {
    /// The same grant without `readings:read`, so a permit policy has something to add.
    var withoutReadings: Grant {
        Grant(id: id, role: role, permissions: permissions.subtracting(["readings:read"]), organisation: organisation,
              limits: limits)
    }
}
