import Foundation
import Testing

@testable import CarbonCore

/// The alarm-event wire format both sides share: a golden JSON read and written identically,
/// the validation the receiver relies on, and the central operator rules.
@Suite struct AlarmEventBatchTests {
    static let golden = """
        {"agent_id":"gw-1","events":[{"cause":"condition","comment":null,"from":"normal","id":7,"kind":"HH",\
        "limit":"120","operator":null,"priority":"critical","quality":"good","shelved_until_ms":null,\
        "tag":"stack1.co2","time_ms":1764064800123,"to":"unacknowledged_active","value":"131.5"}],\
        "format":"carbon-alarm-events\\/1","store_epoch":"5A5A5A5A-0000-4000-8000-000000000005"}
        """

    static let batch = AlarmEventBatch(
        agentID: "gw-1", storeEpoch: UUID(uuidString: "5a5a5a5a-0000-4000-8000-000000000005")!,
        events: [.init(id: 7, tag: "stack1.co2", kind: .hh, priority: .critical, from: .normal, to: .unacknowledgedActive,
                       cause: .condition, value: Decimal(string: "131.5"), limit: 120, quality: .good,
                       timeMilliseconds: 1_764_064_800_123)])

    @Test func theGoldenJSONIsReadAndWrittenIdentically() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(String(decoding: try encoder.encode(Self.batch), as: UTF8.self) == Self.golden)
        #expect(try JSONDecoder().decode(AlarmEventBatch.self, from: Data(Self.golden.utf8)) == Self.batch)
        #expect(Self.batch.events[0].contentSHA256.count == 64)
    }

    @Test func theReceiverRefusesWhatItCannotKeyByName() {
        var batch = Self.batch
        batch.events.append(batch.events[0])  // id 7 twice: not strictly increasing
        #expect(throws: CalculationError.self) { try batch.validate() }
        do { try batch.validate() } catch { #expect(error.field == "events[1].id") }
        batch.events = []
        do { try batch.validate() } catch { #expect(error.field == "events") }
        batch = Self.batch
        batch.events[0].timeMilliseconds = 5
        do { try batch.validate() } catch { #expect(error.field == "events[0].time_ms") }
    }

    @Test func centralActionsFollowTheEngineRules() throws {
        let now = Date(timeIntervalSince1970: 1_764_064_800)
        #expect(try AlarmOperatorAction.acknowledge.apply(to: .unacknowledgedActive, conditionActive: true, at: now) == .acknowledgedActive)
        #expect(try AlarmOperatorAction.acknowledge.apply(to: .returnedToNormalUnacknowledged, conditionActive: false, at: now) == .normal)
        #expect(throws: AlarmOperatorAction.Refusal.self) { try AlarmOperatorAction.acknowledge.apply(to: .normal, conditionActive: false, at: now) }
        #expect(try AlarmOperatorAction.shelve(until: now + 60).apply(to: .acknowledgedActive, conditionActive: true, at: now) == .shelved)
        #expect(throws: AlarmOperatorAction.Refusal.self) { try AlarmOperatorAction.shelve(until: now).apply(to: .normal, conditionActive: false, at: now) }
        #expect(try AlarmOperatorAction.unshelve.apply(to: .shelved, conditionActive: true, at: now) == .unacknowledgedActive)
        #expect(try AlarmOperatorAction.unshelve.apply(to: .shelved, conditionActive: false, at: now) == .normal)
        #expect(throws: AlarmOperatorAction.Refusal.self) { try AlarmOperatorAction.unshelve.apply(to: .normal, conditionActive: false, at: now) }
    }
}
