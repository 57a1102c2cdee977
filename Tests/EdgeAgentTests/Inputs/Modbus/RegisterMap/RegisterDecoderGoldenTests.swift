import Foundation
import Testing

@testable import EdgeAgent

/// Hand-written register arrays (as libmodbus returns them: each `UInt16`'s high byte came first on
/// the wire) and the value each must decode to. Every type in every named order; an independent
/// check was `struct.pack('>f', 123.456)` and friends in Python.
@Suite struct RegisterDecoderGoldenTests {
    struct Golden: Sendable, CustomTestStringConvertible {
        var type: String
        var order: String?
        var registers: [UInt16]
        var expected: String
        var bit: Int? = nil
        var bitLength: Int? = nil
        var testDescription: String { "\(type) \(order ?? "default") \(expected)" }
    }

    static let integers: [Golden] = [
        Golden(type: "int16", order: nil, registers: [0xFFFE], expected: "-2"),
        Golden(type: "int16", order: "BA", registers: [0xFEFF], expected: "-2"),
        Golden(type: "int16", order: "AB", registers: [0x8000], expected: "-32768"),
        Golden(type: "int16", order: "AB", registers: [0x7FFF], expected: "32767"),
        Golden(type: "uint16", order: "AB", registers: [0xFFFF], expected: "65535"),
        Golden(type: "uint16", order: "AB", registers: [0x1234], expected: "4660"),
        Golden(type: "uint16", order: "BA", registers: [0x3412], expected: "4660"),
        Golden(type: "int32", order: "ABCD", registers: [0xFFFF, 0xFFFE], expected: "-2"),
        Golden(type: "int32", order: "CDAB", registers: [0xFFFE, 0xFFFF], expected: "-2"),
        Golden(type: "int32", order: "BADC", registers: [0xFFFF, 0xFEFF], expected: "-2"),
        Golden(type: "int32", order: "DCBA", registers: [0xFEFF, 0xFFFF], expected: "-2"),
        Golden(type: "int32", order: "ABCD", registers: [0xF8A4, 0x32EB], expected: "-123456789"),
        Golden(type: "int32", order: "CDAB", registers: [0x32EB, 0xF8A4], expected: "-123456789"),
        Golden(type: "int32", order: "BADC", registers: [0xA4F8, 0xEB32], expected: "-123456789"),
        Golden(type: "int32", order: "DCBA", registers: [0xEB32, 0xA4F8], expected: "-123456789"),
        Golden(type: "uint32", order: "ABCD", registers: [0xB2D0, 0x5E00], expected: "3000000000"),
        Golden(type: "uint32", order: "CDAB", registers: [0x5E00, 0xB2D0], expected: "3000000000"),
        Golden(type: "uint32", order: "BADC", registers: [0xD0B2, 0x005E], expected: "3000000000"),
        Golden(type: "uint32", order: "DCBA", registers: [0x005E, 0xD0B2], expected: "3000000000"),
        Golden(
            type: "int64", order: "ABCDEFGH", registers: [0xEEDD, 0xEF0B, 0x8216, 0x7EEB],
            expected: "-1234567890123456789"),
        Golden(
            type: "int64", order: "GHEFCDAB", registers: [0x7EEB, 0x8216, 0xEF0B, 0xEEDD],
            expected: "-1234567890123456789"),
        Golden(
            type: "int64", order: "BADCFEHG", registers: [0xDDEE, 0x0BEF, 0x1682, 0xEB7E],
            expected: "-1234567890123456789"),
        Golden(
            type: "int64", order: "HGFEDCBA", registers: [0xEB7E, 0x1682, 0x0BEF, 0xDDEE],
            expected: "-1234567890123456789"),
        Golden(type: "int64", order: nil, registers: [0x8000, 0, 0, 0], expected: "-9223372036854775808"),
        Golden(
            type: "uint64", order: "ABCDEFGH", registers: [0x0123, 0x4567, 0x89AB, 0xCDEF],
            expected: "81985529216486895"),
        Golden(
            type: "uint64", order: "GHEFCDAB", registers: [0xCDEF, 0x89AB, 0x4567, 0x0123],
            expected: "81985529216486895"),
        Golden(
            type: "uint64", order: "BADCFEHG", registers: [0x2301, 0x6745, 0xAB89, 0xEFCD],
            expected: "81985529216486895"),
        Golden(
            type: "uint64", order: "HGFEDCBA", registers: [0xEFCD, 0xAB89, 0x6745, 0x2301],
            expected: "81985529216486895"),
        // Above Int64.max and beyond Double's 53-bit mantissa: only exact integer decoding gets every digit.
        Golden(
            type: "uint64", order: nil, registers: [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF], expected: "18446744073709551615"),
    ]

    static let floats: [Golden] = [
        Golden(type: "float32", order: "ABCD", registers: [0x42F6, 0xE979], expected: "123.456"),
        Golden(type: "float32", order: "CDAB", registers: [0xE979, 0x42F6], expected: "123.456"),
        Golden(type: "float32", order: "BADC", registers: [0xF642, 0x79E9], expected: "123.456"),
        Golden(type: "float32", order: "DCBA", registers: [0x79E9, 0xF642], expected: "123.456"),
        Golden(type: "float32", order: "ABCD", registers: [0xBFC0, 0x0000], expected: "-1.5"),
        Golden(type: "float32", order: "CDAB", registers: [0x0000, 0xBFC0], expected: "-1.5"),
        Golden(type: "float32", order: "BADC", registers: [0xC0BF, 0x0000], expected: "-1.5"),
        Golden(type: "float32", order: "DCBA", registers: [0x0000, 0xC0BF], expected: "-1.5"),
        // The shortest round-trip text: 0.1, not 0.100000001490116.
        Golden(type: "float32", order: nil, registers: [0x3DCC, 0xCCCD], expected: "0.1"),
        Golden(type: "float32", order: nil, registers: [0x8000, 0x0000], expected: "0"),  // -0.0
        Golden(
            type: "float32", order: nil, registers: [0x7F7F, 0xFFFF],
            expected: "340282350000000000000000000000000000000"),
        Golden(type: "float32", order: nil, registers: [0x0000, 0x0001], expected: "1e-45"),  // smallest subnormal
        Golden(type: "float64", order: "ABCDEFGH", registers: [0x405E, 0xDD2F, 0x1A9F, 0xBE77], expected: "123.456"),
        Golden(type: "float64", order: "GHEFCDAB", registers: [0xBE77, 0x1A9F, 0xDD2F, 0x405E], expected: "123.456"),
        Golden(type: "float64", order: "BADCFEHG", registers: [0x5E40, 0x2FDD, 0x9F1A, 0x77BE], expected: "123.456"),
        Golden(type: "float64", order: "HGFEDCBA", registers: [0x77BE, 0x9F1A, 0x2FDD, 0x5E40], expected: "123.456"),
        Golden(type: "float64", order: "ABCDEFGH", registers: [0xBFB9, 0x9999, 0x9999, 0x999A], expected: "-0.1"),
        Golden(type: "float64", order: "GHEFCDAB", registers: [0x999A, 0x9999, 0x9999, 0xBFB9], expected: "-0.1"),
        Golden(type: "float64", order: "BADCFEHG", registers: [0xB9BF, 0x9999, 0x9999, 0x9A99], expected: "-0.1"),
        Golden(type: "float64", order: "HGFEDCBA", registers: [0x9A99, 0x9999, 0x9999, 0xB9BF], expected: "-0.1"),
    ]

    static let bcdAndBits: [Golden] = [
        Golden(type: "bcd16", order: nil, registers: [0x1234], expected: "1234"),
        Golden(type: "bcd16", order: "BA", registers: [0x3412], expected: "1234"),
        Golden(type: "bcd16", order: nil, registers: [0x9999], expected: "9999"),
        Golden(type: "bcd16", order: nil, registers: [0x0000], expected: "0"),
        Golden(type: "bcd32", order: "ABCD", registers: [0x1234, 0x5678], expected: "12345678"),
        Golden(type: "bcd32", order: "CDAB", registers: [0x5678, 0x1234], expected: "12345678"),
        Golden(type: "bcd32", order: "BADC", registers: [0x3412, 0x7856], expected: "12345678"),
        Golden(type: "bcd32", order: "DCBA", registers: [0x7856, 0x3412], expected: "12345678"),
        // 0xA00C = 1010 0000 0000 1100
        Golden(type: "bitfield", order: nil, registers: [0xA00C], expected: "3", bit: 2, bitLength: 2),
        Golden(type: "bitfield", order: nil, registers: [0xA00C], expected: "1", bit: 3),
        Golden(type: "bitfield", order: nil, registers: [0xA00C], expected: "0", bit: 4, bitLength: 4),
        Golden(type: "bitfield", order: nil, registers: [0xA00C], expected: "5", bit: 13, bitLength: 3),
        Golden(type: "bitfield", order: nil, registers: [0xA00C], expected: "1", bit: 15),
        Golden(type: "bitfield", order: nil, registers: [0xA00C], expected: "40972", bit: 0, bitLength: 16),
        Golden(type: "bitfield", order: "BA", registers: [0x0CA0], expected: "3", bit: 2, bitLength: 2),
    ]

    @Test(arguments: integers + floats + bcdAndBits)
    func decodesTheHandWrittenRegisters(_ golden: Golden) throws {
        let tag = try RegisterMapTesting.tag(
            type: golden.type, order: golden.order, bit: golden.bit, bitLength: golden.bitLength)
        let reading = try RegisterDecoder.decode(tag, registers: golden.registers)
        #expect(reading.value == RegisterMapTesting.decimal(golden.expected))
        #expect(reading.value.description == golden.expected || golden.expected.contains("e"))
        #expect(reading.quality == .good)
    }

    /// The encoder the round-trip tests use agrees with the same vectors.
    @Test(
        arguments: integers + floats.filter { $0.registers != [0x8000, 0x0000] } + bcdAndBits.filter { $0.bit == nil })
    func encoderProducesTheSameRegisters(_ golden: Golden) throws {
        let tag = try RegisterMapTesting.tag(type: golden.type, order: golden.order)
        #expect(try RegisterEncoder.encode(RegisterMapTesting.decimal(golden.expected), for: tag) == golden.registers)
    }

    @Test func bitTablesDecodeToZeroAndOne() throws {
        let coil = try RegisterMapTesting.tag(table: "coil", address: 7)
        #expect(RegisterDecoder.decode(coil, bit: true).value == 1)
        #expect(RegisterDecoder.decode(coil, bit: false).value == 0)
    }
}
