import Testing

@testable import EdgeAgent

@Suite struct RequestPlannerTests {
    typealias T = RegisterMapTesting

    static func spans(_ plan: RequestPlan) -> [String] { plan.requests.map { "\($0.start)+\($0.count)" } }

    @Test func contiguousRegistersUpToTheLimitAreOneRead() throws {
        #expect(Self.spans(RequestPlanner.plan(tags: try T.run(125), maxGap: 0)) == ["0+125"])
    }

    @Test func registersPastTheLimitNeedASecondRead() throws {
        let plan = RequestPlanner.plan(tags: try T.run(126), maxGap: 0)
        #expect(Self.spans(plan) == ["0+125", "125+1"])
        #expect(plan.requests.allSatisfy { $0.count <= ModbusTable.holdingRegister.maxReadCount })
    }

    @Test func bitsPastTheLimitNeedASecondRead() throws {
        #expect(Self.spans(RequestPlanner.plan(tags: try T.run(2000, table: "coil"), maxGap: 0)) == ["0+2000"])
        #expect(
            Self.spans(RequestPlanner.plan(tags: try T.run(2001, table: "coil"), maxGap: 0)) == ["0+2000", "2000+1"])
    }

    @Test func aTagIsNeverCutAcrossTwoReads() throws {
        // 124 single registers, then a float32 at 124…125: it would end at 126, past the limit.
        let tags = try T.run(124) + [T.tag("f", address: 124, type: "float32")]
        let plan = RequestPlanner.plan(tags: tags, maxGap: 0)
        #expect(Self.spans(plan) == ["0+124", "124+2"])
        // With the float one register earlier it fits exactly.
        let fits = try T.run(123) + [T.tag("f", address: 123, type: "float32")]
        #expect(Self.spans(RequestPlanner.plan(tags: fits, maxGap: 0)) == ["0+125"])
        // 64-bit values laid end to end: 31 of them fill 124 registers; the 32nd starts a new read.
        #expect(Self.spans(RequestPlanner.plan(tags: try T.run(32, type: "float64"), maxGap: 0)) == ["0+124", "124+4"])
    }

    @Test func gapsUpToMaxGapMerge() throws {
        let tags = [try T.tag("a", address: 0, type: "uint16"), try T.tag("b", address: 5, type: "float32")]  // gap 1…4
        #expect(Self.spans(RequestPlanner.plan(tags: tags, maxGap: 4)) == ["0+7"])
        #expect(Self.spans(RequestPlanner.plan(tags: tags, maxGap: 3)) == ["0+1", "5+2"])
        #expect(Self.spans(RequestPlanner.plan(tags: tags, maxGap: 0)) == ["0+1", "5+2"])
        let request = try #require(RequestPlanner.plan(tags: tags, maxGap: 4).requests.first)
        #expect(request.slots.map(\.offset) == [0, 5])
    }

    @Test func gapsCountInBitsForBitTables() throws {
        let tags = try T.run(3, table: "coil", from: 10, step: 11)  // 10, 21, 32: gaps of 10 bits
        #expect(Self.spans(RequestPlanner.plan(tags: tags, maxGap: 10)) == ["10+23"])
        #expect(Self.spans(RequestPlanner.plan(tags: tags, maxGap: 9)) == ["10+1", "21+1", "32+1"])
    }

    @Test func aGapNeverPushesAReadPastTheLimit() throws {
        let tags = [try T.tag("a", address: 0, type: "uint16"), try T.tag("b", address: 124, type: "uint16")]
        #expect(Self.spans(RequestPlanner.plan(tags: tags, maxGap: 200)) == ["0+125"])
        let far = [try T.tag("a", address: 0, type: "uint16"), try T.tag("b", address: 124, type: "uint32")]
        #expect(Self.spans(RequestPlanner.plan(tags: far, maxGap: 200)) == ["0+1", "124+2"])
    }

    @Test func tablesAreNeverMixed() throws {
        let tags = [
            try T.tag("i", table: "input_register", address: 0, type: "uint16"),
            try T.tag("h", table: "holding_register", address: 1, type: "uint16"),
            try T.tag("d", table: "discrete_input", address: 0),
            try T.tag("c", table: "coil", address: 1),
        ]
        let plan = RequestPlanner.plan(tags: tags, maxGap: 10)
        #expect(plan.requests.map(\.table) == [.coil, .discreteInput, .holdingRegister, .inputRegister])
        #expect(plan.requests.map { $0.tags.map(\.name) } == [["c"], ["d"], ["h"], ["i"]])
    }

    @Test func overlappingTagsShareTheirRegisters() throws {
        let tags = [
            try T.tag("word.low", address: 11, type: "uint16"),
            try T.tag("value", address: 10, type: "float32"),
            try T.tag("word.high", address: 10, type: "uint16"),
        ]
        let request = try #require(RequestPlanner.plan(tags: tags, maxGap: 0).requests.first)
        #expect(request.start == 10 && request.count == 2)
        #expect(request.slots.map { "\($0.tag.name)@\($0.offset)" } == ["value@0", "word.high@0", "word.low@1"])
    }

    @Test func inputOrderDoesNotMatter() throws {
        let tags = try T.run(43, type: "uint32", step: 3)  // 0, 3, … 126
        let forward = RequestPlanner.plan(tags: tags, maxGap: 1)
        let backward = RequestPlanner.plan(tags: tags.reversed(), maxGap: 1)
        #expect(forward == backward)
        #expect(Self.spans(forward) == ["0+125", "126+2"])
    }

    @Test func devicesWithShorterReadsGetALowerLimit() throws {
        #expect(
            Self.spans(RequestPlanner.plan(tags: try T.run(25), maxGap: 0, maxRegisters: 10)) == [
                "0+10", "10+10", "20+5",
            ])
        #expect(
            Self.spans(RequestPlanner.plan(tags: try T.run(130), maxGap: 0, maxRegisters: 500)) == ["0+125", "125+5"])
    }

    @Test func noTagsNoReads() {
        #expect(RequestPlanner.plan(tags: [], maxGap: 5).requests.isEmpty)
    }

    /// Every tag is served exactly once, inside its request, and no request exceeds the limit.
    @Test func everyTagIsServedOnceWithinLimits() throws {
        var generator = SplitMix64(seed: 7)
        let types = ["uint16", "int32", "float64", "bcd16"]
        let tags = try (0..<400).map { index in
            try T.tag("r\(index)", address: Int(generator.next() % 3000), type: types[Int(generator.next() % 4)])
        }
        for gap in [0, 3, 50] {
            let plan = RequestPlanner.plan(tags: tags, maxGap: gap)
            #expect(plan.requests.flatMap(\.tags).map(\.name).sorted() == tags.map(\.name).sorted())
            for request in plan.requests {
                #expect(request.count <= 125)
                #expect(request.slots.allSatisfy { $0.offset >= 0 && $0.offset + $0.tag.count <= request.count })
            }
        }
    }
}

/// A tiny deterministic generator (SplitMix64) so randomised tests repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
