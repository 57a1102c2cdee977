import CarbonCore
import Foundation
import Testing

/// Many transitions in a window become one summary instead of a message each.
@Suite struct AlarmFloodTests {
    typealias T = AlarmTesting

    /// Twelve tags crossing H, one of them straight to HH: 14 transitions between 0 and 110 s.
    static func flood() throws -> [AlarmTransition] {
        var transitions: [AlarmTransition] = []
        for index in 0..<12 {
            var engine = AlarmEngine(
                rule: try AlarmRule(tag: "tag\(index)", hh: .init(limit: 120), h: .init(limit: 100)))
            transitions += engine.observe(index == 7 ? 130 : 110, at: T.at(index * 10))
            if index == 3 { transitions += try engine.acknowledge(.h, by: "li", at: T.at(index * 10 + 1)) }
        }
        return transitions
    }

    @Test func aFloodBecomesOneSummary() throws {
        let transitions = try Self.flood()
        #expect(transitions.count == 14)
        guard case .flood(let summary) = AlarmFloodSummary.notifications(
            for: transitions, from: T.at(0), to: T.at(600), threshold: 10)
        else {
            Issue.record("no summary for 14 transitions over a threshold of 10")
            return
        }
        #expect(summary.transitions == 14)
        #expect(summary.raised == 12)  // 11 H and 1 HH; the acknowledgement and the hidden H are not raises
        #expect(summary.tags.count == 12)
        #expect(summary.byKind == [.h: 13, .hh: 1])
        #expect(summary.highestPriority == .critical)
        #expect(summary.mostUrgent.map(\.tag) == ["tag7"])
        let json = try JSONDecoder().decode(AlarmFloodSummary.self, from: JSONEncoder().encode(summary))
        #expect(json == summary)
    }

    @Test func belowTheThresholdEachTransitionIsSentAndTheWindowIsHalfOpen() throws {
        let transitions = try Self.flood()
        // [0, 50): tags 0–4 and the acknowledgement of tag3; tag5 at exactly 50 s is outside.
        guard case .individual(let sent) = AlarmFloodSummary.notifications(
            for: transitions, from: T.at(0), to: T.at(50), threshold: 10)
        else {
            Issue.record("6 transitions were summarised under a threshold of 10")
            return
        }
        #expect(sent.count == 6)
        #expect(!sent.contains { $0.tag == "tag5" })
    }
}
