import CarbonCore
import Foundation
import Testing

/// Policies as stored JSON: everything the format can say round-trips, and every mistake is
/// refused naming its field.
@Suite struct AccessPolicyDecodingTests {
    static let full = """
        {"id": "p1", "description": "Every condition once", "effect": "deny",
         "permissions": ["trades:*", "*:export", "projects:approve"],
         "roles": ["trader", "analyst"], "subjects": ["u-ann"], "subject_kinds": ["user", "agent"],
         "conditions": [
           {"organisation": "within_grants"}, {"organisation": "outside_grants"},
           {"owner": "subject"}, {"owner": "not_subject"},
           {"amount": {"at_most": "10000"}}, {"amount": {"below": "9999.999"}},
           {"amount": {"at_least": "0.5"}}, {"amount": {"above": "-1"}},
           {"local_time": {"from": "22:00", "to": "06:00"}}, {"weekday": ["saturday", "sunday"]},
           {"subject_attribute": {"key": "department", "equals": "treasury"}},
           {"resource_attribute": {"key": "classification", "equals": ""}},
           {"request_attribute": {"key": "source_address", "equals": "192.0.2.1"}}]}
        """

    @Test func aPolicyWithEveryConditionDecodesAndRoundTrips() throws {
        let policy = try AccessPolicy(fromJSON: Data(Self.full.utf8))
        #expect(policy.effect == .deny && policy.permissions.map(\.text) == ["trades:*", "*:export", "projects:approve"])
        #expect(policy.roles == ["trader", "analyst"] && policy.subjectKinds == [.user, .agent])
        #expect(policy.conditions.count == 13)
        #expect(policy.conditions[5] == .amount(.below(Decimal(string: "9999.999")!)))
        #expect(policy.conditions[8] == .localTime(try LocalTimeWindow(startMinute: 22 * 60, endMinute: 6 * 60)))
        #expect(policy.conditions[11] == .resourceAttribute("classification", equals: ""))
        let again = try AccessPolicy(fromJSON: JSONEncoder().encode(policy))
        #expect(again == policy)
        let list = try AccessPolicy.policies(fromJSON: Data("[\(Self.full)]".utf8))
        #expect(list == [policy])
    }

    @Test func theSmallestPolicyNeedsIdDescriptionEffectAndPermissions() throws {
        let policy = try AccessPolicy(fromJSON: Data(
            #"{"id": "p", "description": "d", "effect": "permit", "permissions": ["*:*"]}"#.utf8))
        #expect(policy.conditions.isEmpty && policy.roles == nil && policy.subjects == nil && policy.subjectKinds == nil)
    }

    static let base = #""id": "p", "description": "d", "effect": "deny", "permissions": ["trades:submit"]"#

    static let refusals: [(json: String, field: String?, code: AccessError.Code)] = [
        (#"{\#(base), "efect": "deny"}"#, "efect", .unknownKey),
        (#"{"description": "d", "effect": "deny", "permissions": ["a:b"]}"#, "id", .missingInput),
        (#"{"id": " ", "description": "d", "effect": "deny", "permissions": ["a:b"]}"#, "id", .missingInput),
        (#"{"id": "p", "effect": "deny", "permissions": ["a:b"]}"#, "description", .missingInput),
        (#"{"id": "p", "description": "d", "effect": "allow", "permissions": ["a:b"]}"#, "effect", .invalidValue),
        (#"{"id": "p", "description": "d", "effect": "deny"}"#, "permissions", .missingInput),
        (#"{"id": "p", "description": "d", "effect": "deny", "permissions": []}"#, "permissions", .missingInput),
        (#"{"id": "p", "description": "d", "effect": "deny", "permissions": ["a:b", "Trades:x"]}"#, "permissions[1]",
         .invalidPermission),
        (#"{"id": "p", "description": "d", "effect": "deny", "permissions": "a:b"}"#, "permissions", .invalidValue),
        (#"{"id": 7, "description": "d", "effect": "deny", "permissions": ["a:b"]}"#, "id", .invalidValue),
        (#"{\#(base), "roles": []}"#, "roles", .missingInput),
        (#"{\#(base), "subject_kinds": ["robot"]}"#, "subject_kinds[0]", .invalidValue),
        (#"{\#(base), "conditions": {}}"#, "conditions", .invalidValue),
        (#"{\#(base), "conditions": [{}]}"#, "conditions[0]", .invalidValue),
        (#"{\#(base), "conditions": ["owner"]}"#, "conditions[0]", .invalidValue),
        (#"{\#(base), "conditions": [{"owner": "subject", "weekday": ["monday"]}]}"#, "conditions[0]", .invalidValue),
        (#"{\#(base), "conditions": [{"owner": "subject"}, {"ownr": "subject"}]}"#, "conditions[1].ownr", .unknownKey),
        (#"{\#(base), "conditions": [{"owner": "me"}]}"#, "conditions[0].owner", .invalidValue),
        (#"{\#(base), "conditions": [{"organisation": "inside"}]}"#, "conditions[0].organisation", .invalidValue),
        (#"{\#(base), "conditions": [{"amount": {"below": 10000}}]}"#, "conditions[0].amount.below", .invalidValue),
        (#"{\#(base), "conditions": [{"amount": {"below": "10,000"}}]}"#, "conditions[0].amount.below", .invalidValue),
        (#"{\#(base), "conditions": [{"amount": {"under": "1"}}]}"#, "conditions[0].amount.under", .unknownKey),
        (#"{\#(base), "conditions": [{"amount": {}}]}"#, "conditions[0].amount", .invalidValue),
        (#"{\#(base), "conditions": [{"amount": {"below": "1", "above": "0"}}]}"#, "conditions[0].amount", .invalidValue),
        (#"{\#(base), "conditions": [{"amount": "1"}]}"#, "conditions[0].amount", .invalidValue),
        (#"{\#(base), "conditions": [{"local_time": {"from": "24:00", "to": "06:00"}}]}"#,
         "conditions[0].local_time.from", .invalidValue),
        (#"{\#(base), "conditions": [{"local_time": {"from": "22:00", "to": "6:00"}}]}"#,
         "conditions[0].local_time.to", .invalidValue),
        (#"{\#(base), "conditions": [{"local_time": {"from": "22:00", "to": "22:00"}}]}"#,
         "conditions[0].local_time", .invalidValue),
        (#"{\#(base), "conditions": [{"local_time": {"from": "22:00"}}]}"#, "conditions[0].local_time.to", .missingInput),
        (#"{\#(base), "conditions": [{"local_time": {"from": "22:00", "to": "06:00", "tz": "UTC"}}]}"#,
         "conditions[0].local_time.tz", .unknownKey),
        (#"{\#(base), "conditions": [{"weekday": []}]}"#, "conditions[0].weekday", .missingInput),
        (#"{\#(base), "conditions": [{"weekday": ["monday", "Mon"]}]}"#, "conditions[0].weekday[1]", .invalidValue),
        (#"{\#(base), "conditions": [{"subject_attribute": {"key": "k"}}]}"#,
         "conditions[0].subject_attribute.equals", .missingInput),
        (#"{\#(base), "conditions": [{"resource_attribute": {"key": "", "equals": "x"}}]}"#,
         "conditions[0].resource_attribute.key", .missingInput),
        (#"{\#(base), "conditions": [{"request_attribute": {"key": "k", "equals": "x", "not": true}}]}"#,
         "conditions[0].request_attribute.not", .unknownKey),
        (#"[{\#(base)}]"#, nil, .invalidValue),
        (#"{\#(base)"#, nil, .invalidValue),
    ]

    @Test(arguments: refusals.indices)
    func badPoliciesAreRefusedNamingTheField(_ index: Int) {
        let (json, field, code) = Self.refusals[index]
        do {
            let policy = try AccessPolicy(fromJSON: Data(json.utf8))
            Issue.record("accepted \(json) as \(policy)")
        } catch {
            #expect(error.field == field, "\(json): \(error)")
            #expect(error.code == code, "\(json): \(error)")
        }
    }

    @Test func aListLocatesErrorsUnderTheIndexAndRefusesAnIdTwice() {
        let good = "{\(Self.base)}"
        let cases: [(String, String, AccessError.Code)] = [
            (#"[\#(good), {\#(Self.base), "conditions": [{"owner": "x"}]}]"#, "[1].conditions[0].owner", .invalidValue),
            (#"[\#(good), {"id": "q", "description": "d", "effect": "deny", "permissions": []}]"#, "[1].permissions",
             .missingInput),
            ("[\(good), \(good)]", "[1].id", .duplicateID),
        ]
        for (json, field, code) in cases {
            do {
                _ = try AccessPolicy.policies(fromJSON: Data(json.utf8))
                Issue.record("accepted \(json)")
            } catch {
                #expect(error.field == field && error.code == code, "\(json): \(error)")
            }
        }
    }

    @Test func theEngineRefusesTwoPoliciesWithOneIdToo() throws {
        let policy = try AccessPolicy(id: "p", description: "d", effect: .deny, permissions: ["*:*"])
        let error = #expect(throws: AccessError.self) { try PolicyEngine(policies: [policy, policy]) }
        #expect(error?.code == .duplicateID && error?.field == "[1].id")
    }
}
