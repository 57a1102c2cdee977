import CarbonCore
import Foundation
import Testing

/// Value limits: delays, deadband, escalation, rate of change.
@Suite struct AlarmLimitTests {
    typealias T = AlarmTesting

    @Test func raisesOnlyOnceTheOnDelayHasPassed() throws {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "co2", h: .init(limit: 100), onDelay: .seconds(30)))
        #expect(T.feed(&engine, [(0, 105), (10, 106), (20, 107)]).isEmpty)
        let raised = engine.observe(108, at: T.at(30))
        #expect(T.brief(raised) == ["H N>UA @30"])
        #expect(raised.first?.value == 108)
        #expect(raised.first?.limit == 100)
        #expect(raised.first?.cause == .condition)
        #expect(raised.first?.priority == .high)
        #expect(raised.first?.operatorName == nil)
    }

    @Test func aShortSpikeDoesNotRaiseAndRestartsTheDelay() throws {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "co2", h: .init(limit: 100), onDelay: .seconds(30)))
        #expect(T.feed(&engine, [(0, 150), (10, 95)]).isEmpty)
        #expect(engine.state(of: .h) == .normal)
        // Above again from 40: the 30 s count starts there, not at 0.
        #expect(T.feed(&engine, [(40, 105), (60, 105)]).isEmpty)
        #expect(T.brief(engine.observe(105, at: T.at(70))) == ["H N>UA @70"])
    }

    @Test func deadbandStopsAValueOscillatingAroundTheLimitFromChattering() throws {
        let values: [Decimal] = [99, 101, 99, 101, 98, 102, 97, 101, 96, 100.5, 94, 99, 100, 96]
        var damped = AlarmEngine(rule: try AlarmRule(tag: "co2", h: .init(limit: 100), deadband: 5))
        #expect(T.brief(T.feed(&damped, T.series(values))) == ["H N>UA @10", "H UA>RU @100"])

        var undamped = AlarmEngine(rule: try AlarmRule(tag: "co2", h: .init(limit: 100)))
        #expect(T.feed(&undamped, T.series(values)).count == 10)  // 5 raises, 5 clears
    }

    @Test func deadbandOnALowLimitClearsOnlyAboveLimitPlusDeadband() throws {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "o2", l: .init(limit: 20, deadband: 2)))
        let transitions = T.feed(&engine, T.series([21, 19, 21, 21.9, 22, 21]))
        #expect(T.brief(transitions) == ["L N>UA @10", "L UA>RU @40"])
    }

    @Test func offDelayHoldsTheAlarmUntilTheConditionHasBeenGoneLongEnough() throws {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "co2", h: .init(limit: 100, offDelay: .seconds(60))))
        #expect(T.brief(engine.observe(105, at: T.at(0))) == ["H N>UA @0"])
        #expect(T.feed(&engine, [(10, 90), (40, 90), (60, 90)]).isEmpty)
        // Back above at 65 restarts the off-delay; clear from 80 needs a reading at 140 or later.
        #expect(T.feed(&engine, [(65, 101), (80, 90), (130, 90)]).isEmpty)
        #expect(T.brief(engine.observe(90, at: T.at(140))) == ["H UA>RU @140"])
    }

    @Test func highHighSupersedesHighOnTheWayUpAndDown() throws {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "co2", hh: .init(limit: 120), h: .init(limit: 100)))
        #expect(T.brief(engine.observe(110, at: T.at(0))) == ["H N>UA @0"])
        let up = engine.observe(125, at: T.at(10))
        #expect(T.brief(up) == ["HH N>UA @10", "H UA>SU @10"])
        #expect(up.map(\.cause) == [.condition, .escalation])
        #expect(up.first?.priority == .critical)
        #expect(try engine.acknowledge(.hh, by: "li", at: T.at(15)).map(\.to) == [.acknowledgedActive])
        let down = engine.observe(110, at: T.at(20))
        #expect(T.brief(down) == ["HH AA>N @20", "H SU>UA @20"])
        #expect(down.map(\.cause) == [.condition, .escalation])
        #expect(T.brief(engine.observe(90, at: T.at(30))) == ["H UA>RU @30"])
    }

    @Test func jumpingStraightAboveHighHighHidesHighAndFallingBelowHighShowsNothingOfIt() throws {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "co2", hh: .init(limit: 120), h: .init(limit: 100)))
        #expect(T.brief(engine.observe(130, at: T.at(0))) == ["HH N>UA @0", "H N>SU @0"])
        #expect(T.brief(engine.observe(50, at: T.at(10))) == ["HH UA>RU @10", "H SU>N @10"])
    }

    @Test func withoutSupersedeTheFourLimitsAreIndependent() throws {
        var engine = AlarmEngine(
            rule: try AlarmRule(tag: "co2", hh: .init(limit: 120), h: .init(limit: 100), supersede: false))
        #expect(T.brief(engine.observe(130, at: T.at(0))) == ["HH N>UA @0", "H N>UA @0"])
        #expect(T.brief(engine.observe(110, at: T.at(10))) == ["HH UA>RU @10"])
    }

    @Test func lowLowSupersedesLow() throws {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "o2", l: .init(limit: 20), ll: .init(limit: 10)))
        let transitions = T.feed(&engine, T.series([25, 15, 5, 15, 25]))
        #expect(
            T.brief(transitions) == [
                "L N>UA @10", "L UA>SU @20", "LL N>UA @20", "L SU>UA @30", "LL UA>RU @30", "L UA>RU @40",
            ])
        #expect(engine.status(of: .ll)?.priority == .critical)
    }

    @Test func rateOfChangeComparesTheMagnitudePerMinute() throws {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "flow", rateOfChange: .init(limit: 10)))
        #expect(T.feed(&engine, [(0, 100), (60, 105)]).isEmpty)  // 5 per minute
        let rise = engine.observe(120, at: T.at(120))  // 15 per minute
        #expect(T.brief(rise) == ["ROC N>UA @120"])
        #expect(rise.first?.value == 15)
        #expect(rise.first?.limit == 10)
        #expect(T.brief(engine.observe(125, at: T.at(180))) == ["ROC UA>RU @180"])
        let fall = engine.observe(100, at: T.at(210))  // -25 in 30 s: -50 per minute
        #expect(T.brief(fall) == ["ROC RU>UA @210"])
        #expect(fall.first?.value == -50)
    }

    @Test func rateOfChangeSkipsBadReadingsAndRepeatedTimestamps() throws {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "flow", rateOfChange: .init(limit: 10)))
        _ = engine.observe(100, at: T.at(0))
        #expect(engine.observe(500, at: T.at(0)).isEmpty)  // same instant: no rate, base stays 100
        #expect(engine.observe(900, quality: .outOfRange, at: T.at(30)).isEmpty)
        #expect(engine.observe(105, at: T.at(60)).isEmpty)  // 5 per minute from the good reading at 0
    }

    @Test func aReadingOlderThanThePreviousOneIsIgnored() throws {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "co2", h: .init(limit: 100)))
        _ = engine.observe(50, at: T.at(100))
        let before = engine
        #expect(engine.observe(150, at: T.at(90)).isEmpty)
        #expect(engine == before)
    }
}
