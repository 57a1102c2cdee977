import CarbonCore
import Foundation
import Testing

/// Alarms about the data rather than the value: stale (by tick) and communication (by quality).
@Suite struct AlarmStaleCommTests {
    typealias T = AlarmTesting

    func rule() throws -> AlarmRule {
        try AlarmRule(tag: "co2", h: .init(limit: 100), stale: .init(timeout: .seconds(300)), comm: .init())
    }

    @Test func staleIsRaisedByATickAfterTheTimeoutAndClearedByTheNextReading() throws {
        var engine = AlarmEngine(rule: try rule())
        _ = engine.observe(50, at: T.at(0))
        #expect(engine.tick(at: T.at(300)).isEmpty)  // exactly the timeout is not "longer than"
        let stale = engine.tick(at: T.at(301))
        #expect(T.brief(stale) == ["STALE N>UA @301"])
        #expect(stale.first?.value == 301)
        #expect(stale.first?.limit == 300)
        #expect(stale.first?.priority == .medium)
        #expect(engine.tick(at: T.at(400)).isEmpty)
        let back = engine.observe(50, at: T.at(410))
        #expect(T.brief(back) == ["STALE UA>RU @410"])
        #expect(back.first?.value == 410)  // how long the silence lasted
    }

    @Test func theSilenceBeforeAnyReadingStartsAtTheFirstTick() throws {
        var engine = AlarmEngine(rule: try rule())
        #expect(engine.tick(at: T.at(0)).isEmpty)
        #expect(engine.tick(at: T.at(200)).isEmpty)
        #expect(T.brief(engine.tick(at: T.at(301))) == ["STALE N>UA @301"])
    }

    @Test func aLateReadingWithoutTicksDoesNotRaiseStaleAfterTheFact() throws {
        var engine = AlarmEngine(rule: try rule())
        _ = engine.observe(50, at: T.at(0))
        #expect(engine.observe(50, at: T.at(10_000)).isEmpty)
    }

    @Test(arguments: ReadingQuality.allCases.filter { !$0.isGood })
    func aBadQualityReadingRaisesCommAndNeverAValueLimit(_ quality: ReadingQuality) throws {
        var engine = AlarmEngine(rule: try rule())
        let bad = engine.observe(500, quality: quality, at: T.at(0))
        #expect(T.brief(bad) == ["COMM N>UA @0"])
        #expect(bad.first?.quality == quality)
        #expect(bad.first?.value == nil)
        #expect(engine.state(of: .h) == .normal)
        #expect(engine.observe(600, quality: quality, at: T.at(10)).isEmpty)
        let good = engine.observe(50, at: T.at(20))
        #expect(T.brief(good) == ["COMM UA>RU @20"])
        #expect(good.first?.quality == .good)
    }

    @Test func badReadingsNeitherClearNorInterruptAValueAlarm() throws {
        var engine = AlarmEngine(
            rule: try AlarmRule(tag: "co2", h: .init(limit: 100), comm: .init(), onDelay: .seconds(30)))
        #expect(engine.observe(105, at: T.at(0)).isEmpty)
        #expect(T.brief(engine.observe(0, quality: .commFail, at: T.at(10))) == ["COMM N>UA @10"])
        // The H on-delay started at 0 and is still running: the good reading at 30 completes it.
        #expect(T.brief(engine.observe(105, at: T.at(30))) == ["H N>UA @30", "COMM UA>RU @30"])
        #expect(T.brief(engine.observe(0, quality: .clockUnsynced, at: T.at(40))) == ["COMM RU>UA @40"])
        #expect(engine.state(of: .h) == .unacknowledgedActive)
    }

    @Test func commOnDelayToleratesASingleFailedPoll() throws {
        var engine = AlarmEngine(rule: try AlarmRule(tag: "co2", comm: .init(onDelay: .seconds(20))))
        let readings: [(Int, ReadingQuality)] = [(0, .commFail), (10, .good), (20, .commFail), (30, .commFail)]
        let early = readings.flatMap { engine.observe(1, quality: $0.1, at: T.at($0.0)) }
        #expect(early.isEmpty)
        #expect(T.brief(engine.observe(1, quality: .commFail, at: T.at(40))) == ["COMM N>UA @40"])
    }
}
