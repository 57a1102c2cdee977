import Foundation
import Testing

@testable import EdgeAgent

/// The recovery from exception 0x02 "illegal data address", driven by a pure stand-in for a device
/// that refuses any read touching some addresses (what real devices do for unmapped registers).
@Suite struct RequestPlanSplitTests {
    typealias T = RegisterMapTesting

    struct Outcome {
        var plan: RequestPlan
        var refusals: Int
        var values: [String: Decimal]
    }

    /// Polls until every request is answered, recovering as the Modbus input will. Register n holds n.
    static func poll(_ plan: RequestPlan, refusing refused: Set<Int>) -> Outcome {
        var plan = plan
        var refusals = 0
        var values: [String: Decimal] = [:]
        var pending = plan.requests
        while let request = pending.first {
            pending.removeFirst()
            if request.addresses.contains(where: refused.contains) {
                refusals += 1
                if case .split(let halves) = plan.recordIllegalDataAddress(request) { pending = halves + pending }
                continue
            }
            let registers = request.addresses.map { UInt16($0) }
            for case .success(let reading) in request.decode(registers: registers) {
                values[reading.name] = reading.value
            }
        }
        return Outcome(plan: plan, refusals: refusals, values: values)
    }

    @Test func aRefusedRegisterIsIsolatedAndTheRestKeepsBeingRead() throws {
        let tags = try T.run(16, from: 100)  // holding 100…115, one read
        let plan = RequestPlanner.plan(tags: tags, maxGap: 0)
        #expect(plan.requests.count == 1)

        let first = Self.poll(plan, refusing: [111])
        #expect(first.plan.badTags.map(\.name) == ["holding_register.11"])
        #expect(first.plan.badRanges == [.holdingRegister: [111...111]])
        #expect(first.values.count == 15 && first.values["holding_register.11"] == nil)
        #expect(first.values["holding_register.12"] == 112)
        #expect(first.refusals <= 5)  // bisection: log2(16) splits, then the lone tag

        // The next poll uses the recovered plan: no refusals, the same 15 values.
        let second = Self.poll(first.plan, refusing: [111])
        #expect(second.refusals == 0 && second.values == first.values)
        #expect(second.plan.requests.allSatisfy { !$0.addresses.contains(111) })
    }

    @Test func aRefusedGapIsDroppedWithoutLosingATag() throws {
        let tags = try T.run(8, step: 2)  // 0, 2, … 14 with one unmapped register between each
        let plan = RequestPlanner.plan(tags: tags, maxGap: 1)
        #expect(plan.requests.map(\.description) == ["holding_register 0+15 (8 tags)"])
        let outcome = Self.poll(plan, refusing: [9])
        #expect(outcome.plan.badTags.isEmpty)
        #expect(outcome.values.count == 8)
        #expect(outcome.plan.requests.count > 1 && outcome.plan.requests.allSatisfy { !$0.addresses.contains(9) })
    }

    @Test func splittingStepByStep() throws {
        var plan = RequestPlanner.plan(tags: try T.run(5), maxGap: 0)
        let whole = try #require(plan.requests.first)
        let halves = plan.split(whole)
        #expect(halves.map(\.description) == ["holding_register 0+2 (2 tags)", "holding_register 2+3 (3 tags)"])
        #expect(plan.requests == halves)
        #expect(plan.split(whole).isEmpty)  // no longer in the plan

        let quarters = plan.split(halves[1])
        #expect(
            plan.requests.map(\.description) == [
                "holding_register 0+2 (2 tags)", "holding_register 2+1 (1 tags)", "holding_register 3+2 (2 tags)",
            ])
        // A lone tag cannot be split; recording the refusal marks it bad instead.
        #expect(plan.split(quarters[0]) == [quarters[0]])
        let lone = quarters[0].tags[0]
        #expect(plan.recordIllegalDataAddress(quarters[0]) == .isolated(lone))
        #expect(plan.badTags == [lone])
        #expect(plan.requests.flatMap(\.tags).count == 4)
    }

    @Test func markingATagBadShrinksItsRequest() throws {
        let tags = [
            try T.tag("a", address: 0, type: "uint16"), try T.tag("b", address: 3, type: "uint16"),
            try T.tag("c", address: 6, type: "float32"),
        ]
        var plan = RequestPlanner.plan(tags: tags, maxGap: 2)
        #expect(plan.requests.map(\.description) == ["holding_register 0+8 (3 tags)"])
        plan.markBad(tags[2])
        #expect(plan.requests.map(\.description) == ["holding_register 0+4 (2 tags)"])
        plan.markBad(tags[2])  // twice is once
        plan.markBad(tags[0])
        #expect(plan.requests.map(\.description) == ["holding_register 3+1 (1 tags)"])
        #expect(plan.badTags.map(\.name) == ["c", "a"])
        #expect(plan.badRanges == [.holdingRegister: [6...7, 0...0]])
        plan.markBad(tags[1])
        #expect(plan.requests.isEmpty)
    }

    @Test func twoBadRegistersInDifferentTablesAreBothFound() throws {
        let tags = try T.run(40, type: "int32") + T.run(30, table: "input_register", from: 500)
        let outcome = Self.poll(RequestPlanner.plan(tags: tags, maxGap: 0), refusing: [13, 517])
        #expect(outcome.plan.badTags.map(\.name).sorted() == ["holding_register.6", "input_register.17"])
        #expect(outcome.values.count == 68)
    }
}
