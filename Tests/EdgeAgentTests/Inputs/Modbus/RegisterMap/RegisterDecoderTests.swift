import Foundation
import Testing

@testable import EdgeAgent

@Suite struct RegisterDecoderTests {
    typealias T = RegisterMapTesting

    @Test func scaleAndOffsetAreAppliedInDecimal() throws {
        let tag = try T.tag(type: "uint16", scale: "0.1", offset: "-10")
        let reading = try RegisterDecoder.decode(tag, registers: [1234])
        #expect(reading.raw == 1234)
        #expect(reading.value == T.decimal("113.4"))  // exact: no 113.40000000000001
        #expect(reading.value.description == "113.4")
    }

    @Test func floatScaleStaysExact() throws {
        let tag = try T.tag(type: "float32", scale: "0.001")
        #expect(try RegisterDecoder.decode(tag, registers: [0x3DCC, 0xCCCD]).value.description == "0.0001")
    }

    @Test func outsideTheValidRangeIsFlaggedAndKept() throws {
        let tag = try T.tag(type: "int16", scale: "0.5", min: "-10", max: "100")
        let high = try RegisterDecoder.decode(tag, registers: [202])  // 101
        #expect(high.value == 101 && high.quality == .outOfRange)
        let low = try RegisterDecoder.decode(tag, registers: [UInt16(bitPattern: -22)])  // -11
        #expect(low.value == -11 && low.quality == .outOfRange)
        #expect(try RegisterDecoder.decode(tag, registers: [200]).quality == .good)  // 100: bounds are inside
        #expect(try RegisterDecoder.decode(tag, registers: [UInt16(bitPattern: -20)]).quality == .good)
        #expect(Quality.outOfRange.rawValue == "out_of_range")
    }

    @Test(arguments: [
        ("NaN", [UInt16(0x7FC0), 0x0000]), ("+Inf", [0x7F80, 0x0000]), ("-Inf", [0xFF80, 0x0000]),
    ])
    func nonFiniteFloat32IsADecodeError(_ label: String, _ registers: [UInt16]) throws {
        let tag = try T.tag("flow", type: "float32")
        let error = T.error { () throws(RegisterMapError) in try RegisterDecoder.decode(tag, registers: registers) }
        #expect(error?.code == .notFinite, "\(label)")
        #expect(error?.tag == "flow")
    }

    @Test func nonFiniteFloat64IsADecodeError() throws {
        let tag = try T.tag(type: "float64", order: "GHEFCDAB")
        let error = T.error { () throws(RegisterMapError) in
            try RegisterDecoder.decode(tag, registers: [0x0000, 0x0000, 0x0000, 0x7FF8])
        }
        #expect(error?.code == .notFinite)
    }

    @Test func float64BeyondDecimalIsAnErrorNotAWrongFigure() throws {
        let tag = try T.tag(type: "float64")
        for value in [1e300, -1e300, Double.leastNonzeroMagnitude] {
            let bits = value.bitPattern
            let registers = (0..<4).map { UInt16(truncatingIfNeeded: bits >> UInt64(48 - 16 * $0)) }
            let error = T.error { () throws(RegisterMapError) in try RegisterDecoder.decode(tag, registers: registers) }
            #expect(error?.code == .unrepresentable, "\(value)")
        }
        // Ordinary large and small magnitudes are fine.
        let bits = (1e100).bitPattern
        let registers = (0..<4).map { UInt16(truncatingIfNeeded: bits >> UInt64(48 - 16 * $0)) }
        #expect(try RegisterDecoder.decode(tag, registers: registers).value == T.decimal("1e100"))
    }

    /// Decimal's `*` traps on overflow; a scaled float64 near Decimal's limit must be an error, not a crash.
    @Test func scalingPastDecimalsRangeIsAnErrorNotACrash() throws {
        let tag = try T.tag("huge", type: "float64", scale: "1e10")
        let bits = (1.5e120).bitPattern
        let registers = (0..<4).map { UInt16(truncatingIfNeeded: bits >> UInt64(48 - 16 * $0)) }
        let error = T.error { () throws(RegisterMapError) in try RegisterDecoder.decode(tag, registers: registers) }
        #expect(error?.code == .unrepresentable && error?.tag == "huge")
        let tiny = try T.tag(type: "float64", scale: "0.001", offset: "273.15")
        let tinyBits = (1.5e-120).bitPattern
        let tinyRegisters = (0..<4).map { UInt16(truncatingIfNeeded: tinyBits >> UInt64(48 - 16 * $0)) }
        #expect(try RegisterDecoder.decode(tiny, registers: tinyRegisters).value == T.decimal("273.15"))
    }

    @Test func invalidBCDNibbleIsADecodeError() throws {
        let tag = try T.tag("meter", type: "bcd16")
        let error = T.error { () throws(RegisterMapError) in try RegisterDecoder.decode(tag, registers: [0x12A4]) }
        #expect(error?.code == .invalidBCD)
        #expect(error?.description == "tag 'meter': 0x12A4 is not BCD: digit 3 is 0xA")
        let wide = try T.tag(type: "bcd32", order: "CDAB")
        let wideError = T.error { () throws(RegisterMapError) in
            try RegisterDecoder.decode(wide, registers: [0x5678, 0xF234])
        }
        #expect(wideError?.code == .invalidBCD)
    }

    @Test func tooFewRegistersIsAShortResponse() throws {
        let tag = try T.tag(type: "uint64")
        let error = T.error { () throws(RegisterMapError) in try RegisterDecoder.decode(tag, registers: [1, 2, 3]) }
        #expect(error?.code == .shortResponse)
    }

    @Test func aRequestDecodesEveryTagFromItsSlice() throws {
        let tags = [
            try T.tag("temp", address: 10, type: "int16", scale: "0.1"),
            try T.tag("flow", address: 11, type: "float32", order: "CDAB"),
            try T.tag("status", address: 13, type: "bitfield", bit: 1),
            try T.tag("total", address: 14, type: "bcd32"),
            try T.tag("bad", address: 16, type: "bcd16"),
        ]
        let plan = RequestPlanner.plan(tags: tags, maxGap: 0)
        let request = try #require(plan.requests.first)
        #expect(plan.requests.count == 1 && request.start == 10 && request.count == 7)
        #expect(request.slots.map(\.offset) == [0, 1, 3, 4, 6])
        let outcomes = request.decode(registers: [
            UInt16(bitPattern: -123), 0xE979, 0x42F6, 0b10, 0x0001, 0x2345, 0xFFFF,
        ])
        let values = outcomes.map { try? $0.get().value }
        #expect(values == [T.decimal("-12.3"), T.decimal("123.456"), 1, 12345, nil])
        #expect(outcomes.map { (try? $0.get().name) ?? "-" } == ["temp", "flow", "status", "total", "-"])
        #expect(throws: RegisterMapError.self) { try outcomes[4].get() }
    }

    @Test func aShortReplyFailsOnlyTheTagsItDoesNotCover() throws {
        let request = try #require(RequestPlanner.plan(tags: try T.run(3, type: "uint32"), maxGap: 0).requests.first)
        let outcomes = request.decode(registers: [0, 1, 0, 2, 0])
        #expect(outcomes.map { try? $0.get().value } == [1, 2, nil])
    }

    @Test func bitRequestsDecodeFromBools() throws {
        let tags = try T.run(3, table: "discrete_input", from: 100, step: 2)
        let request = try #require(RequestPlanner.plan(tags: tags, maxGap: 1).requests.first)
        #expect(request.start == 100 && request.count == 5)
        let outcomes = request.decode(bits: [true, true, false, true, true])
        #expect(outcomes.map { try? $0.get().value } == [1, 0, 1])
        #expect(request.decode(bits: [true]).map { try? $0.get().value } == [1, nil, nil])
        #expect(request.decode(registers: [1, 2, 3, 4, 5]).allSatisfy { (try? $0.get()) == nil })
    }
}
