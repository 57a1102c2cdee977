import CarbonCore
import Foundation
import PropertyBased
import Testing

/// Invariants over random reading sequences. Each generated integer is one reading, 10 s apart;
/// a multiple of 17 arrives with bad quality and a multiple of 13 is followed by "acknowledge all",
/// so the sequences also walk through COMM, acknowledgement and the HH/H and LL/L escalations.
@Suite struct AlarmPropertyTests {
    typealias T = AlarmTesting

    static func rule(latched: Bool = false) throws -> AlarmRule {
        try AlarmRule(
            tag: "p", hh: .init(limit: 90, latched: latched), h: .init(limit: 70), l: .init(limit: 30),
            ll: .init(limit: 10), rateOfChange: .init(limit: 300), comm: .init(), deadband: 3,
            onDelay: .seconds(20), offDelay: .seconds(10))
    }

    /// Runs `values` through `engine` from reading `start`, returning transitions per event.
    static func run(_ values: ArraySlice<Int>, on engine: inout AlarmEngine) throws -> [[AlarmTransition]] {
        var events: [[AlarmTransition]] = []
        for (offset, value) in zip(values.indices, values) {
            let quality: ReadingQuality = value % 17 == 0 ? .commFail : .good
            events.append(engine.observe(Decimal(value), quality: quality, at: T.at(offset * 10)))
            if value % 13 == 0 { events.append(try engine.acknowledgeAll(by: "op", at: T.at(offset * 10 + 5))) }
        }
        return events
    }

    @Test func transitionsAlwaysChainAndNeverRaiseTwiceWithoutAClear() async {
        await propertyCheck(input: Gen.int(in: 0...100).array(of: 1...50), Gen.bool) { values, latched in
            var engine = AlarmEngine(rule: try Self.rule(latched: latched))
            let events = try Self.run(values[...], on: &engine)
            let transitions = events.flatMap { $0 }
            #expect(T.chainBreak(transitions) == nil)
            // No shelf can expire here, so each alarm changes at most once per event.
            for event in events {
                #expect(Set(event.map(\.kind)).count == event.count)
            }
            // Between two raises of one alarm there is always a return, an acknowledgement or a hide.
            var raisedAndNotLeft: Set<AlarmKind> = []
            for transition in transitions {
                if transition.isRaise {
                    #expect(!raisedAndNotLeft.contains(transition.kind), "\(transition.kind) raised twice: \(values)")
                    raisedAndNotLeft.insert(transition.kind)
                } else if transition.from == .unacknowledgedActive {
                    raisedAndNotLeft.remove(transition.kind)
                }
            }
            // The last transition of each alarm is the state the engine reports.
            for status in engine.statuses {
                let last = transitions.last(where: { $0.kind == status.kind })?.to ?? .normal
                #expect(last == status.state)
            }
        }
    }

    @Test func badQualityReadingsNeverMoveAValueAlarm() async {
        await propertyCheck(input: Gen.int(in: 0...100).array(of: 1...50)) { values in
            var engine = AlarmEngine(rule: try Self.rule())
            for (offset, value) in values.enumerated() {
                let transitions = engine.observe(Decimal(value), quality: .outOfRange, at: T.at(offset * 10))
                #expect(transitions.allSatisfy { $0.kind == .comm })
            }
            #expect(engine.statuses.filter { $0.kind != .comm }.allSatisfy { $0.state == .normal })
        }
    }

    @Test func restoringAtARandomPointChangesNothing() async {
        await propertyCheck(input: Gen.int(in: 0...100).array(of: 2...40), Gen.int(in: 0...1000)) { values, cut in
            let split = cut % values.count
            var straight = AlarmEngine(rule: try Self.rule(latched: true))
            let expected = try Self.run(values[...], on: &straight).flatMap { $0 }
            var first = AlarmEngine(rule: try Self.rule(latched: true))
            var got = try Self.run(values[..<split], on: &first).flatMap { $0 }
            var restored = try T.roundTrip(first)
            got += try Self.run(values[split...], on: &restored).flatMap { $0 }
            #expect(got == expected)
            #expect(restored == straight)
        }
    }
}
