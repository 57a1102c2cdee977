import Foundation
import Testing

@testable import EdgeAgent

/// value → registers → value, for every type in every usable order, from a fixed seed so a failure
/// repeats exactly. (The PropertyBased suite below does the same with shrinking, once the test
/// target depends on swift-property-based.)
@Suite struct RegisterRoundTripTests {
    typealias T = RegisterMapTesting

    static let orders: [Int: [String]] = [
        2: ["AB", "BA"],
        4: ["ABCD", "CDAB", "BADC", "DCBA"],
        8: permutationsOfRegisters(),
    ]

    /// All 48 usable 64-bit orders: 4! register orders × swapped or not.
    static func permutationsOfRegisters() -> [String] {
        let pairs = ["AB", "CD", "EF", "GH"]
        func arrangements(_ rest: [String]) -> [[String]] {
            guard !rest.isEmpty else { return [[]] }
            return rest.indices.flatMap { i in
                var others = rest
                let first = others.remove(at: i)
                return arrangements(others).map { [first] + $0 }
            }
        }
        return arrangements(pairs).flatMap { words in
            [words.joined(), words.map { String($0.reversed()) }.joined()]
        }
    }

    /// The value of `bits` read as `type`, computed with Swift's own integer and float types; nil
    /// when there is none (NaN, ±Inf, or a float64 beyond Decimal, for which `Decimal(string:)`
    /// answers nil or NaN).
    static func expected(_ bits: UInt64, _ type: ModbusDataType) -> Decimal? {
        let value: Decimal? =
            switch type {
            case .int16: Decimal(Int(Int16(truncatingIfNeeded: bits)))
            case .uint16: Decimal(UInt16(truncatingIfNeeded: bits))
            case .int32: Decimal(Int(Int32(truncatingIfNeeded: bits)))
            case .uint32: Decimal(UInt32(truncatingIfNeeded: bits))
            case .int64: Decimal(Int64(bitPattern: bits))
            case .uint64: Decimal(bits)
            case .float32:
                Float(bitPattern: UInt32(truncatingIfNeeded: bits)).isFinite
                    ? Decimal(string: Float(bitPattern: UInt32(truncatingIfNeeded: bits)).description) : nil
            case .float64:
                Double(bitPattern: bits).isFinite ? Decimal(string: Double(bitPattern: bits).description) : nil
            case .bcd16: Decimal(bits % 10_000)
            case .bcd32: Decimal(bits % 100_000_000)
            case .bool, .bitfield: nil
            }
        return value.flatMap { $0.isNaN ? nil : $0 }
    }

    @Test(arguments: ModbusDataType.allCases.filter { $0 != .bool && $0 != .bitfield })
    func everyTypeInEveryOrderRoundTrips(_ type: ModbusDataType) throws {
        var random = SplitMix64(seed: UInt64(type.rawValue.hashValue & 0xFFFF) | 1)
        var checked = 0
        for order in Self.orders[2 * type.registerCount]! {
            let tag = try T.tag(type: type.rawValue, order: order)
            for _ in 0..<60 {
                guard let value = Self.expected(random.next(), type) else { continue }  // NaN, ±Inf, beyond Decimal
                let registers = try RegisterEncoder.encode(value, for: tag)
                let reading = try RegisterDecoder.decode(tag, registers: registers)
                #expect(reading.value == value, "\(type) \(order) \(value) \(registers)")
                #expect(try RegisterEncoder.encode(reading.value, for: tag) == registers)
                checked += 1
            }
        }
        #expect(checked > 100)
    }

    @Test func scaledValuesRoundTrip() throws {
        var random = SplitMix64(seed: 42)
        let tag = try T.tag(type: "int32", order: "CDAB", scale: "0.01", offset: "-273.15")
        for _ in 0..<500 {
            let raw = Decimal(Int(Int32(truncatingIfNeeded: random.next())))
            let value = raw * T.decimal("0.01") - T.decimal("273.15")
            let reading = try RegisterDecoder.decode(tag, registers: try RegisterEncoder.encode(value, for: tag))
            #expect(reading.value == value && reading.raw == raw)
        }
    }

    @Test func bitfieldsRoundTripAtEveryPositionAndWidth() throws {
        var random = SplitMix64(seed: 3)
        for bit in 0..<16 {
            for length in 1...(16 - bit) {
                let tag = try T.tag(type: "bitfield", order: bit % 2 == 0 ? "AB" : "BA", bit: bit, bitLength: length)
                let value = Decimal(random.next() & (UInt64(1) << UInt64(length) - 1))
                #expect(
                    try RegisterDecoder.decode(tag, registers: try RegisterEncoder.encode(value, for: tag)).value
                        == value)
            }
        }
    }
}
