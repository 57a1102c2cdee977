import Foundation
import PropertyBased
import Testing
@testable import EdgeAgent

@Suite struct RegisterPropertyTests {
    typealias T = RegisterMapTesting

    static func roundTrips(_ value: Decimal, _ type: String, _ order: String) throws {
        let tag = try T.tag(type: type, order: order)
        let registers = try RegisterEncoder.encode(value, for: tag)
        #expect(
            try RegisterDecoder.decode(tag, registers: registers).value == value, "\(type) \(order) \(registers)")
    }

    @Test func int64RoundTripsInTheFourNamedOrders() async {
        await propertyCheck(input: Gen.int64(in: .min ... .max)) { value in
            for order in ["ABCDEFGH", "GHEFCDAB", "BADCFEHG", "HGFEDCBA"] {
                try Self.roundTrips(Decimal(value), "int64", order)
            }
        }
    }

    @Test func uint64RoundTripsExactly() async {
        await propertyCheck(input: Gen.uint64(in: .min ... .max)) { value in
            try Self.roundTrips(Decimal(value), "uint64", "GHEFCDAB")
        }
    }

    @Test func int32AndUInt32RoundTripInEveryOrder() async {
        await propertyCheck(input: Gen.int32(in: .min ... .max), Gen.uint32(in: .min ... .max)) {
            signed, unsigned in
            for order in ["ABCD", "CDAB", "BADC", "DCBA"] {
                try Self.roundTrips(Decimal(Int(signed)), "int32", order)
                try Self.roundTrips(Decimal(unsigned), "uint32", order)
            }
        }
    }

    @Test func float32RoundTripsThroughItsShortestText() async {
        await propertyCheck(input: Gen.float(in: -1e30...1e30)) { value in
            guard let decimal = Decimal(string: value.description) else { return }
            for order in ["ABCD", "CDAB", "BADC", "DCBA"] {
                try Self.roundTrips(value == 0 ? 0 : decimal, "float32", order)
            }
        }
    }

    @Test func float64RoundTripsThroughItsShortestText() async {
        await propertyCheck(input: Gen.double(in: -1e100...1e100)) { value in
            guard let decimal = Decimal(string: value.description) else { return }
            try Self.roundTrips(value == 0 ? 0 : decimal, "float64", "HGFEDCBA")
        }
    }

    @Test func bcdRoundTrips() async {
        await propertyCheck(input: Gen.int(in: 0...9_999), Gen.int(in: 0...99_999_999)) { short, long in
            try Self.roundTrips(Decimal(short), "bcd16", "AB")
            try Self.roundTrips(Decimal(long), "bcd32", "CDAB")
        }
    }
}
