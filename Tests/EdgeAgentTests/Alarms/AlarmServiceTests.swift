import CarbonCore
import Foundation
import Testing

@testable import EdgeAgent

/// The alarm service against a real `alarms.sqlite`: transitions committed, visible after reopening,
/// engine state restored across a restart and a rule change.
@Suite struct AlarmServiceTests {
    typealias F = AlarmFixtures

    @Test func crossingLimitsCommitsTransitionsThatAreThereAfterReopening() async throws {
        let dir = try AlarmTestDirectory()
        defer { dir.remove() }
        let service = try await AlarmService.open(path: dir.store, rules: try F.rules())
        #expect(try await service.evaluate(tag: F.stack, value: 90, at: F.at(0)).isEmpty)
        let raised = try await service.evaluate(tag: F.stack, value: 110, at: F.at(10))
        #expect(raised.map(\.summary) == ["H normal->unacknowledged_active"])
        let escalated = try await service.evaluate(tag: F.stack, value: 125, at: F.at(20))
        #expect(
            escalated.map(\.summary) == [
                "HH normal->unacknowledged_active", "H unacknowledged_active->suppressed_by_design",
            ])
        #expect(escalated.map(\.id) == [2, 3])
        await service.close()

        let reopened = try await AlarmService.open(path: dir.store, rules: try F.rules())
        let history = try await reopened.history(limit: 10)
        #expect(history.map(\.id) == [3, 2, 1])  // newest first
        let hh = try #require(history.first { $0.transition.kind == .hh })
        #expect(hh.transition.value == 125 && hh.transition.limit == 120 && hh.transition.time == F.at(20))
        #expect(hh.transition.priority == .critical && hh.transition.quality == .good && hh.synced == false)
        #expect(hh.operatorUID == nil && hh.transition.operatorName == nil)
        let listed = try await reopened.list()
        #expect(
            listed.map { "\($0.status.kind) \($0.status.state)" } == [
                "HH unacknowledged_active", "H suppressed_by_design",
            ])
        #expect(listed.first?.since == F.at(20))
        #expect(listed.first?.status.value == 125)
        await reopened.close()
    }

    @Test func anAcknowledgedActiveAlarmStaysAcknowledgedAfterARestart() async throws {
        let dir = try AlarmTestDirectory()
        defer { dir.remove() }
        let first = try await AlarmService.open(path: dir.store, rules: try F.rules())
        try await first.evaluate(tag: F.stack, value: 125, at: F.at(0))
        let acked = try await first.acknowledge(
            tag: F.stack, kind: .hh, operatorName: "li", comment: "fan 2 tripped",
            operatorUID: 1000, at: F.at(5))
        #expect(acked.map(\.summary) == ["HH unacknowledged_active->acknowledged_active"])
        #expect(acked.first?.operatorUID == 1000 && acked.first?.transition.operatorName == "li")
        await first.close()

        let second = try await AlarmService.open(path: dir.store, rules: try F.rules())
        #expect(await second.engine(for: F.stack)?.state(of: .hh) == .acknowledgedActive)
        // Still above the limit: nothing new to say. Back to normal: one transition, straight to normal.
        #expect(try await second.evaluate(tag: F.stack, value: 126, at: F.at(10)).isEmpty)
        let cleared = try await second.evaluate(tag: F.stack, value: 90, at: F.at(20))
        #expect(cleared.map(\.summary).first == "HH acknowledged_active->normal")
        let stored = try await second.history(limit: 1, tag: F.stack)
        #expect(stored.first?.id == cleared.last?.id)
        let ack = try #require(try await second.history(limit: 50).first { $0.transition.cause == .acknowledge })
        #expect(ack.operatorUID == 1000 && ack.transition.comment == "fan 2 tripped")
        await second.close()
    }

    @Test func aChangedRuleKeepsTheStateOfAlarmsBothRulesHave() async throws {
        let dir = try AlarmTestDirectory()
        defer { dir.remove() }
        let first = try await AlarmService.open(path: dir.store, rules: try F.rules())
        try await first.evaluate(tag: F.stack, value: 125, at: F.at(0))
        _ = try await first.acknowledge(tag: F.stack, kind: nil, operatorName: "li", at: F.at(1))
        await first.close()

        let second = try await AlarmService.open(path: dir.store, rules: try F.rules(h: "105"))
        let engine = try #require(await second.engine(for: F.stack))
        #expect(engine.rule.h?.limit == 105)
        #expect(engine.state(of: .hh) == .acknowledgedActive)
        await second.close()
    }

    @Test func aPendingOnDelayIsRememberedAcrossAClose() async throws {
        let dir = try AlarmTestDirectory()
        defer { dir.remove() }
        let first = try await AlarmService.open(path: dir.store, rules: try F.rules(onDelay: .seconds(30)))
        #expect(try await first.evaluate(tag: F.stack, value: 110, at: F.at(0)).isEmpty)  // the delay starts
        await first.close()  // saves engines changed without a transition

        let second = try await AlarmService.open(path: dir.store, rules: try F.rules(onDelay: .seconds(30)))
        let raised = try await second.evaluate(tag: F.stack, value: 111, at: F.at(30))
        #expect(raised.map(\.summary) == ["H normal->unacknowledged_active"])
        await second.close()
    }

    @Test func tickRaisesStaleAndShelvesExpire() async throws {
        let dir = try AlarmTestDirectory()
        defer { dir.remove() }
        let service = try await AlarmService.open(path: dir.store, rules: try F.rules())
        try await service.evaluate(tag: F.stack, value: 110, at: F.at(0))
        let shelved = try await service.shelve(
            tag: F.stack, kind: .h, until: F.at(100), operatorName: "li",
            comment: "calibration", operatorUID: 0, at: F.at(1))
        #expect(shelved.map(\.summary) == ["H unacknowledged_active->shelved"])
        #expect(try await service.list(AlarmFilter(states: .shelved)).first?.status.shelf?.by == "li")
        let ticked = try await service.tick(at: F.at(301))
        #expect(ticked.map(\.summary) == ["H shelved->unacknowledged_active", "STALE normal->unacknowledged_active"])
        #expect(ticked.first?.transition.cause == .shelfExpired)
        await service.close()
    }

    @Test func readingsOfTagsWithoutRulesAreIgnoredButActionsOnThemAreRefused() async throws {
        let dir = try AlarmTestDirectory()
        defer { dir.remove() }
        let service = try await AlarmService.open(path: dir.store, rules: try F.rules())
        #expect(try await service.evaluate(tag: "no-such-tag", value: 1_000, at: F.at(0)).isEmpty)
        let unknown = await #expect(throws: AlarmServiceError.self) {
            try await service.acknowledge(tag: "no-such-tag", kind: nil, operatorName: "li", at: F.at(1))
        }
        #expect(unknown?.code == .unknownTag && unknown?.field == "tag")
        let notConfigured = await #expect(throws: AlarmServiceError.self) {
            try await service.shelve(tag: F.flow, kind: .hh, until: F.at(10), operatorName: "li", at: F.at(1))
        }
        #expect(notConfigured?.code == .invalidRequest && notConfigured?.field == "kind")
        let noOperator = await #expect(throws: AlarmServiceError.self) {
            try await service.acknowledge(tag: F.flow, kind: nil, operatorName: " ", at: F.at(1))
        }
        #expect(noOperator?.field == "operator")
        await service.close()
    }

    @Test func theBufferReadingTypeIsEvaluatedWithItsQuality() async throws {
        let dir = try AlarmTestDirectory()
        defer { dir.remove() }
        let service = try await AlarmService.open(path: dir.store, rules: try F.rules())
        let bad = Reading(tag: F.stack, unit: "mg/m3", time: F.at(0), value: 500, quality: .commFail)
        #expect(try await service.evaluate(bad).map(\.summary) == ["COMM normal->unacknowledged_active"])
        await service.close()
    }

    @Test func syncMarksTransitionsOldestFirst() async throws {
        let dir = try AlarmTestDirectory()
        defer { dir.remove() }
        let service = try await AlarmService.open(path: dir.store, rules: try F.rules())
        try await service.evaluate(tag: F.flow, value: 0, at: F.at(0))  // LL, and L hidden under it
        try await service.evaluate(tag: F.flow, value: 10, at: F.at(1))
        let unsynced = try await service.unsynced(limit: 10)
        #expect(unsynced.map(\.id) == Array(1...Int64(unsynced.count)))
        #expect(try await service.markSynced(through: 2) == 2)
        #expect(try await service.unsynced(limit: 10).first?.id == 3)
        #expect(try await service.history(limit: 10).filter(\.synced).map(\.id) == [2, 1])
        await service.close()
    }

    @Test func aForeignDatabaseIsRefusedAndLeftAsItWas() async throws {
        let dir = try AlarmTestDirectory()
        defer { dir.remove() }
        do {
            let other = try SQLiteConnection(path: dir.store)
            try other.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
            other.close()
        }
        let refused = await #expect(throws: AlarmServiceError.self) {
            _ = try await AlarmService.open(path: dir.store, rules: try F.rules())
        }
        #expect(refused?.code == .notAnAlarmStore)
        #expect(!FileManager.default.fileExists(atPath: dir.store + "-wal"))
    }

    @Test func twoRulesForOneTagAreRefused() async throws {
        let dir = try AlarmTestDirectory()
        defer { dir.remove() }
        let rules = try F.rules() + [try AlarmRule(tag: F.stack, h: AlarmLimit(limit: 1))]
        let refused = await #expect(throws: AlarmServiceError.self) {
            _ = try await AlarmService.open(path: dir.store, rules: rules)
        }
        #expect(refused?.field == "[2].tag")
    }

    @Test func aClosedServiceSaysSo() async throws {
        let dir = try AlarmTestDirectory()
        defer { dir.remove() }
        let service = try await AlarmService.open(path: dir.store, rules: try F.rules())
        await service.close()
        let closed = await #expect(throws: AlarmServiceError.self) {
            try await service.evaluate(tag: F.stack, value: 1, at: F.at(0))
        }
        #expect(closed?.code == .closed)
    }
}
