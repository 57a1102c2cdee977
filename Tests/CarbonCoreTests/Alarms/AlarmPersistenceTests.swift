import CarbonCore
import Foundation
import Testing

/// The engine's saved state: stopping, restoring and continuing must be invisible.
@Suite struct AlarmPersistenceTests {
    typealias T = AlarmTesting

    enum Event {
        case reading(Int, Decimal, ReadingQuality = .good)
        case tick(Int)
        case ack(AlarmKind, Int)
        case shelve(AlarmKind, until: Int, Int)
    }

    static func rule() throws -> AlarmRule {
        try AlarmRule(
            tag: "stack1.co2", hh: .init(limit: 120, latched: true), h: .init(limit: 100, deadband: 2.5),
            l: .init(limit: 10), rateOfChange: .init(limit: 30), stale: .init(timeout: .seconds(60)),
            comm: .init(onDelay: .seconds(5)), deadband: 1, onDelay: .milliseconds(15_500), offDelay: .seconds(10))
    }

    /// Readings at odd milliseconds, so a lost fraction of a second would show.
    static let script: [Event] = [
        .reading(0, 50), .reading(10, 101.25), .tick(12), .reading(20, 104.5), .reading(26, 105),
        .reading(30, 130), .shelve(.l, until: 400, 31), .reading(46, 131), .reading(50, 97.5),
        .ack(.h, 55), .reading(60, 5, .commFail), .reading(70, 5, .commFail), .tick(100), .tick(200),
        .reading(210, 99), .ack(.hh, 215), .reading(220, 98), .reading(235, 1), .tick(401), .reading(420, 2),
    ]

    static func apply(_ event: Event, to engine: inout AlarmEngine) throws -> [AlarmTransition] {
        let skew = 0.0137  // seconds: not a whole millisecond on purpose
        func time(_ second: Int) -> Date { T.at(second) + skew }
        switch event {
        case .reading(let second, let value, let quality):
            return engine.observe(value, quality: quality, at: time(second))
        case .tick(let second): return engine.tick(at: time(second))
        case .ack(let kind, let second): return try engine.acknowledge(kind, by: "li", comment: "ok", at: time(second))
        case .shelve(let kind, let until, let second):
            return try engine.shelve(kind, by: "li", until: time(until), comment: "service", at: time(second))
        }
    }

    @Test func restoringAtAnyPointGivesTheSameTransitionsAsNeverStopping() throws {
        var straight = AlarmEngine(rule: try Self.rule())
        let expected = try Self.script.flatMap { try Self.apply($0, to: &straight) }
        // Traced by hand: delays, deadband, latch, escalation, shelf expiry, stale and comm all act.
        #expect(
            T.brief(expected) == [
                "H N>UA @26", "L N>SH @31", "HH N>UA @46", "H UA>SU @46", "COMM N>UA @70", "STALE N>UA @200",
                "STALE UA>RU @210", "COMM UA>RU @210", "HH UA>N @215", "H SU>UA @215", "L SH>N @401",
                "STALE RU>UA @401", "H UA>RU @420", "L N>UA @420", "STALE UA>RU @420",
            ])
        #expect(T.chainBreak(expected) == nil)

        for split in 0...Self.script.count {
            var engine = AlarmEngine(rule: try Self.rule())
            var got = try Self.script[..<split].flatMap { try Self.apply($0, to: &engine) }
            var restored = try T.roundTrip(engine)
            #expect(restored == engine, "state changed in the round trip after event \(split)")
            got += try Self.script[split...].flatMap { try Self.apply($0, to: &restored) }
            #expect(got == expected, "restoring after event \(split) changed the transitions")
        }
    }

    @Test func savedStateKeepsDecimalsAsStrings() throws {
        var engine = AlarmEngine(rule: try Self.rule())
        _ = engine.observe(Decimal(string: "101.123456789012345678901234567")!, at: T.at(0))
        let text = String(decoding: try JSONEncoder().encode(engine), as: UTF8.self)
        #expect(text.contains("\"101.123456789012345678901234567\""))
        #expect(text.contains("\"15.5\""))  // the on-delay, in seconds
    }

    @Test func restoringWithAChangedRuleKeepsTheAlarmsBothConfigure() throws {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "co2", hh: .init(limit: 120), h: .init(limit: 100)))
        _ = engine.observe(110, at: T.at(0))
        let newRule = try AlarmRule(tag: "co2", h: .init(limit: 105), l: .init(limit: 10))
        var restored = AlarmEngine(rule: newRule, restoring: engine)
        #expect(restored.statuses.map(\.kind) == [.h, .l])
        #expect(restored.state(of: .h) == .unacknowledgedActive)
        #expect(T.brief(restored.observe(103, at: T.at(10))) == ["H UA>RU @10"])  // the new limit applies
    }

    @Test func stateSavedForAnotherRuleIsRefused() throws {
        let engine = AlarmEngine(rule: try AlarmRule(tag: "co2", h: .init(limit: 100)))
        var json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(engine)) as? [String: Any])
        json["rule"] = ["tag": "co2", "l": ["limit": "10"]]
        let data = try JSONSerialization.data(withJSONObject: json)
        #expect(throws: CalculationError.self) { try JSONDecoder().decode(AlarmEngine.self, from: data) }
    }

    @Test func transitionsRoundTripThroughJSONWithDecimalStrings() throws {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "co2", h: .init(limit: 100.5)))
        let transition = try #require(engine.observe(Decimal(string: "100.75")!, at: T.at(0)).first)
        let data = try JSONEncoder().encode(transition)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"value\":\"100.75\"") && text.contains("\"limit\":\"100.5\""))
        #expect(try JSONDecoder().decode(AlarmTransition.self, from: data) == transition)
    }
}
