import CarbonCore
import Foundation
import Testing

/// Operator and design events: acknowledge, latch, shelve, suppress.
@Suite struct AlarmOperatorTests {
    typealias T = AlarmTesting

    /// An engine whose H alarm has been driven into `state`, at second 100 at the latest.
    static func engine(in state: AlarmState) throws -> AlarmEngine {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "co2", hh: .init(limit: 120), h: .init(limit: 100)))
        switch state {
        case .normal:
            _ = engine.observe(50, at: T.at(0))
        case .unacknowledgedActive:
            _ = engine.observe(110, at: T.at(0))
        case .acknowledgedActive:
            _ = engine.observe(110, at: T.at(0))
            _ = try engine.acknowledge(.h, by: "li", at: T.at(10))
        case .returnedToNormalUnacknowledged:
            _ = T.feed(&engine, [(0, 110), (10, 50)])
        case .shelved:
            _ = engine.observe(110, at: T.at(0))
            _ = try engine.shelve(.h, by: "li", until: T.at(3600), at: T.at(10))
        case .suppressedByDesign:
            _ = engine.observe(130, at: T.at(0))
        }
        #expect(engine.state(of: .h) == state)
        return engine
    }

    static let afterAcknowledge: [AlarmState: AlarmState?] = [
        .normal: nil, .unacknowledgedActive: .acknowledgedActive, .acknowledgedActive: nil,
        .returnedToNormalUnacknowledged: .normal, .shelved: nil, .suppressedByDesign: nil,
    ]

    @Test(arguments: AlarmState.allCases)
    func acknowledgingMovesOnlyWhatIsUnacknowledged(_ state: AlarmState) throws {
        var engine = try Self.engine(in: state)
        let transitions = try engine.acknowledge(.h, by: "wang", comment: "seen", at: T.at(200))
        if let expected = Self.afterAcknowledge[state] ?? nil {
            #expect(transitions.map(\.to) == [expected])
            #expect(transitions.map(\.from) == [state])
            #expect(transitions.first?.cause == .acknowledge)
        } else {
            #expect(transitions.isEmpty)
            #expect(engine.state(of: .h) == state)
        }
    }

    @Test func anAcknowledgedActiveAlarmReturnsToNormalWhenItClears() throws {
        var engine = try Self.engine(in: .acknowledgedActive)
        #expect(T.brief(engine.observe(50, at: T.at(20))) == ["H AA>N @20"])
    }

    @Test func operatorActionsRecordWhoWhenAndWhy() throws {
        var engine = try Self.engine(in: .unacknowledgedActive)
        let ack = try #require(try engine.acknowledge(.h, by: "wang", comment: "fan 2 tripped", at: T.at(42)).first)
        #expect(ack.operatorName == "wang")
        #expect(ack.comment == "fan 2 tripped")
        #expect(ack.time == T.at(42))
        #expect(ack.tag == "co2")
        #expect(ack.value == 110)
        let shelve = try #require(
            try engine.shelve(.h, by: "zhao", until: T.at(600), comment: "calibration", at: T.at(50)).first)
        #expect([shelve.operatorName, shelve.comment] == ["zhao", "calibration"])
        #expect(engine.status(of: .h)?.shelf == AlarmShelf(by: "zhao", since: T.at(50), until: T.at(600),
                                                           comment: "calibration"))
        let unshelve = try #require(try engine.unshelve(.h, by: "zhao", comment: "done", at: T.at(60)).first)
        #expect(unshelve.cause == .unshelve)
        #expect([unshelve.operatorName, unshelve.comment] == ["zhao", "done"])
        #expect(engine.observe(50, at: T.at(70)).allSatisfy { $0.operatorName == nil && $0.comment == nil })
    }

    @Test func acknowledgeAllTouchesEveryAlarmWithSomethingToAcknowledge() throws {
        var engine = AlarmEngine(
            rule: try AlarmRule(tag: "co2", h: .init(limit: 100), l: .init(limit: 10), comm: .init()))
        _ = T.feed(&engine, [(0, 5), (10, 50)])  // L raised and returned
        _ = engine.observe(110, at: T.at(20))  // H raised
        _ = engine.observe(0, quality: .commFail, at: T.at(30))  // COMM raised
        let acks = try engine.acknowledgeAll(by: "li", at: T.at(40))
        #expect(T.brief(acks) == ["H UA>AA @40", "L RU>N @40", "COMM UA>AA @40"])
        #expect(acks.allSatisfy { $0.operatorName == "li" && $0.cause == .acknowledge })
    }

    @Test func aLatchedAlarmStaysUnacknowledgedActiveUntilAcknowledged() throws {
        var engine = AlarmEngine(
            rule: try AlarmRule(tag: "co2", hh: .init(limit: 120, latched: true), h: .init(limit: 100)))
        #expect(T.brief(engine.observe(130, at: T.at(0))) == ["HH N>UA @0", "H N>SU @0"])
        #expect(engine.observe(50, at: T.at(10)).isEmpty)  // still latched, so H stays hidden too
        #expect(engine.status(of: .hh)?.conditionActive == false)
        #expect(engine.status(of: .hh)?.latched == true)
        #expect(T.brief(try engine.acknowledge(.hh, by: "li", at: T.at(20))) == ["HH UA>N @20", "H SU>N @20"])
        // Acknowledged while still active: it then clears like any other alarm.
        _ = engine.observe(130, at: T.at(30))
        #expect(T.brief(try engine.acknowledge(.hh, by: "li", at: T.at(40))) == ["HH UA>AA @40"])
        #expect(T.brief(engine.observe(50, at: T.at(50))) == ["HH AA>N @50", "H SU>N @50"])
    }

    @Test func aShelvedAlarmIsSilentUntilItsShelfExpires() throws {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "co2", h: .init(limit: 100)))
        let shelve = try engine.shelve(.h, by: "li", until: T.at(100), comment: "analyser service", at: T.at(0))
        #expect(T.brief(shelve) == ["H N>SH @0"])
        #expect(T.feed(&engine, [(10, 105), (20, 90), (30, 105), (40, 110)]).isEmpty)
        #expect(engine.status(of: .h)?.conditionActive == true)
        #expect(engine.tick(at: T.at(99)).isEmpty)
        let expired = engine.tick(at: T.at(100))
        #expect(T.brief(expired) == ["H SH>UA @100"])
        #expect(expired.first?.cause == .shelfExpired)
        #expect(expired.first?.operatorName == nil)
    }

    @Test func anExpiredShelfIsReportedBeforeTheReadingThatNoticedIt() throws {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "co2", h: .init(limit: 100)))
        _ = try engine.shelve(.h, by: "li", until: T.at(100), at: T.at(0))
        _ = engine.observe(110, at: T.at(50))
        let transitions = engine.observe(50, at: T.at(120))
        #expect(T.brief(transitions) == ["H SH>UA @120", "H UA>RU @120"])
        #expect(transitions.map(\.cause) == [.shelfExpired, .condition])
    }

    @Test func unshelvingWithTheConditionGoneReturnsToNormal() throws {
        var engine = try Self.engine(in: .shelved)
        _ = engine.observe(50, at: T.at(20))
        #expect(T.brief(try engine.unshelve(.h, by: "li", at: T.at(30))) == ["H SH>N @30"])
        #expect(try engine.unshelve(.h, by: "li", at: T.at(40)).isEmpty)
    }

    @Test func suppressionByDesignHidesTheAlarmAndGivesItsReason() throws {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "flow", l: .init(limit: 10)))
        let suppressed = try engine.suppress(.l, reason: "kiln stopped", at: T.at(0))
        #expect(T.brief(suppressed) == ["L N>SU @0"])
        #expect(suppressed.first?.comment == "kiln stopped")
        #expect(suppressed.first?.cause == .suppress)
        #expect(engine.observe(0, at: T.at(10)).isEmpty)
        let released = try engine.unsuppress(.l, at: T.at(20))
        #expect(T.brief(released) == ["L SU>UA @20"])
        #expect(released.first?.cause == .unsuppress)
    }

    @Test func badOperatorActionsAreRefusedNamingTheField() throws {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "co2", h: .init(limit: 100)))
        #expect(throws: CalculationError.self) { try engine.acknowledge(.hh, by: "li", at: T.at(0)) }
        do {
            _ = try engine.shelve(.h, by: "li", until: T.at(0), at: T.at(0))
            Issue.record("a shelve ending when it starts was accepted")
        } catch {
            #expect(error.field == "until")
        }
        do {
            _ = try engine.acknowledge(.h, by: " ", at: T.at(0))
            Issue.record("an anonymous acknowledgement was accepted")
        } catch {
            #expect(error.field == "by")
        }
    }
}
