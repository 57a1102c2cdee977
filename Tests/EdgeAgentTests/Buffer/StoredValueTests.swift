import Foundation
import Testing

@testable import EdgeAgent

/// The exact decimal encoding: integer mantissa and scale, TEXT past 64 bits.
@Suite struct StoredValueTests {
    typealias F = BufferFixtures

    @Test(arguments: [
        ("0", StoredValue.scaled(mantissa: 0, scale: 0)),
        ("0.1", .scaled(mantissa: 1, scale: 1)),
        ("1.50", .scaled(mantissa: 15, scale: 1)),
        ("-12345.678901", .scaled(mantissa: -12_345_678_901, scale: 6)),
        ("1000", .scaled(mantissa: 1, scale: -3)),
        ("9223372036854775807", .scaled(mantissa: .max, scale: 0)),
        ("-9223372036854775808", .text("-9223372036854775808")),
        ("12345678900000000000000000000", .scaled(mantissa: 123_456_789, scale: -20)),
        ("123456789012345678901234567890", .text("123456789012345678901234567890")),
    ])
    func encodes(_ text: String, _ expected: StoredValue) throws {
        let value = F.decimal(text)
        #expect(try StoredValue(value) == expected)
        #expect(try StoredValue(value).decimal() == value)
    }

    @Test func extremeExponentsRoundTrip() throws {
        for text in ["1e127", "-1e-128", "5e100", "123e-100", "340282366920938463463374607431768211455"] {
            let value = F.decimal(text)
            #expect(try StoredValue(value).decimal() == value, "\(text)")
        }
    }

    @Test func manyRandomDecimalsRoundTrip() throws {
        var generator = SplitMix(seed: 42)
        for _ in 0..<5_000 {
            let mantissa = Int64(bitPattern: generator.next()) >> Int64(generator.next() % 64)
            let exponent = Int(generator.next() % 41) - 20
            let value = Decimal(
                sign: mantissa < 0 ? .minus : .plus, exponent: exponent, significand: Decimal(mantissa.magnitude))
            let stored = try StoredValue(value)
            #expect(try stored.decimal() == value, "\(value) stored as \(stored)")
        }
    }

    @Test func notANumberIsRefused() {
        #expect(throws: StoreError.self) { try StoredValue(.nan) }
    }

    @Test func aCorruptScaleIsReportedNotTrapped() {
        let error = #expect(throws: StoreError.self) { try StoredValue.scaled(mantissa: 1, scale: 500).decimal() }
        #expect(error?.code == .corrupt)
    }
}

/// A deterministic generator, so a failure names a case that can be re-run.
struct SplitMix: RandomNumberGenerator {
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
