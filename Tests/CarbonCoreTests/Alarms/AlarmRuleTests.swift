import CarbonCore
import Foundation
import Testing

/// Rule configuration: JSON with strings for numbers, and refusals that name the field.
@Suite struct AlarmRuleTests {
    static let full = """
        { "tag": "stack1.co2", "deadband": "2", "on_delay": "30", "off_delay": "1.5", "supersede": true,
          "hh": {"limit": "120", "priority": "critical", "latched": true},
          "h":  {"limit": "100", "deadband": "0.5", "on_delay": "0"},
          "l":  {"limit": "5"}, "ll": {"limit": "1"},
          "rate_of_change": {"limit": "20", "priority": "low"},
          "stale": {"timeout": "300"},
          "comm": {"on_delay": "10", "priority": "medium"} }
        """

    static func decode(_ json: String) throws -> AlarmRule {
        try JSONDecoder().decode(AlarmRule.self, from: Data(json.utf8))
    }

    @Test func aFullRuleDecodesWithDefaultsAppliedPerAlarm() throws {
        let rule = try Self.decode(Self.full)
        #expect(rule.kinds == AlarmKind.allCases)
        #expect(rule.onDelay == .seconds(30))
        #expect(rule.offDelay == .milliseconds(1500))
        #expect(rule.h?.onDelay == .zero)
        #expect(rule.stale?.timeout == .seconds(300))
        let engine = AlarmEngine(rule: rule)
        #expect(engine.status(of: .rateOfChange)?.priority == .low)
        #expect(engine.status(of: .l)?.priority == .high)  // the kind's default
        #expect(engine.status(of: .stale)?.limit == 300)
    }

    @Test func aRuleRoundTripsThroughJSON() throws {
        let rule = try Self.decode(Self.full)
        let again = try JSONDecoder().decode(AlarmRule.self, from: JSONEncoder().encode(rule))
        #expect(again == rule)
    }

    static let refusals: [(json: String, field: String?, code: CalculationError.Code)] = [
        (#"{"tag": "t", "hh": {"limit": "100"}, "h": {"limit": "110"}}"#, "h.limit", .invalidInput),
        (#"{"tag": "t", "h": {"limit": "100"}, "l": {"limit": "100"}}"#, "l.limit", .invalidInput),
        (#"{"tag": "t", "hh": {"limit": "100"}, "ll": {"limit": "200"}}"#, "ll.limit", .invalidInput),
        (#"{"tag": "t", "h": {"limit": "100"}, "deadband": "-1"}"#, "deadband", .negativeQuantity),
        (#"{"tag": "t", "h": {"limit": "100", "deadband": "-0.1"}}"#, "h.deadband", .negativeQuantity),
        (#"{"tag": "t", "h": {"limit": "100"}, "on_delay": "-5"}"#, "on_delay", .negativeQuantity),
        (#"{"tag": "t", "h": {"limit": "100", "off_delay": "PT30S"}}"#, "h.off_delay", .invalidNumber),
        (#"{"tag": "t", "h": {"limit": 100}}"#, "h.limit", .invalidNumber),
        (#"{"tag": "t", "h": {"limit": "10O"}}"#, "h.limit", .invalidNumber),
        (#"{"tag": "t", "h": {"limt": "100"}}"#, "h.limt", .invalidInput),
        (#"{"tag": "t", "h": {}}"#, "h.limit", .missingInput),
        (#"{"tag": "t", "h": "100"}"#, "h", .invalidInput),
        (#"{"tag": "t", "h": {"limit": "100", "priority": "urgent"}}"#, "h.priority", .invalidInput),
        (#"{"tag": "t", "h": {"limit": "100", "latched": "yes"}}"#, "h.latched", .invalidInput),
        (#"{"tag": "t", "rate_of_change": {"limit": "0"}}"#, "rate_of_change.limit", .invalidInput),
        (#"{"tag": "t", "stale": {"timeout": "0"}}"#, "stale.timeout", .invalidInput),
        (#"{"tag": "t", "comm": {"on_delay": "-1"}}"#, "comm.on_delay", .negativeQuantity),
        (#"{"h": {"limit": "100"}}"#, "tag", .missingInput),
        (#"{"tag": " ", "h": {"limit": "100"}}"#, "tag", .missingInput),
        (#"{"tag": "t"}"#, nil, .missingInput),
    ]

    @Test(arguments: refusals.indices)
    func badRulesAreRefusedNamingTheField(_ index: Int) {
        let (json, field, code) = Self.refusals[index]
        do {
            let rule = try Self.decode(json)
            Issue.record("accepted \(json) as \(rule)")
        } catch let error as CalculationError {
            #expect(error.field == field, "\(json): \(error)")
            #expect(error.code == code, "\(json): \(error)")
        } catch {
            Issue.record("\(json): not a CalculationError: \(error)")
        }
    }

    @Test func theSameChecksApplyToRulesBuiltInCode() {
        #expect(throws: CalculationError.self) {
            try AlarmRule(tag: "t", hh: .init(limit: 100), h: .init(limit: 100))
        }
        #expect(throws: CalculationError.self) {
            try AlarmRule(tag: "t", h: .init(limit: 100, onDelay: .seconds(-1)))
        }
    }

    @Test func aListOfRulesLocatesErrorsAndRefusesATagTwice() throws {
        let good = #"{"tag": "a", "h": {"limit": "1"}}"#
        #expect(try AlarmRule.rules(fromJSON: Data("[\(good)]".utf8)).map(\.tag) == ["a"])
        let cases: [(String, String)] = [
            ("[\(good), {\"tag\": \"b\", \"hh\": {\"limit\": \"1\"}, \"h\": {\"limit\": \"2\"}}]", "[1].h.limit"),
            ("[\(good), {\"tag\": \"b\", \"h\": {\"limit\": 2}}]", "[1].h.limit"),
            ("[\(good), \(good)]", "[1].tag"),
        ]
        for (json, field) in cases {
            do {
                _ = try AlarmRule.rules(fromJSON: Data(json.utf8))
                Issue.record("accepted \(json)")
            } catch {
                #expect(error.field == field, "\(json): \(error)")
            }
        }
    }
}
