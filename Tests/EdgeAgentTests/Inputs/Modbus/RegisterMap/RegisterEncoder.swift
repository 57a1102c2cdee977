import Foundation

@testable import EdgeAgent

/// Value → registers, the inverse of `RegisterDecoder`, for round-trip tests only (the agent
/// does not write to devices). It shares `ByteOrder` with the decoder but builds the value bits
/// its own way (Swift's integer and float bit patterns), so the golden vectors pin both ends.
enum RegisterEncoder {
    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Registers that decode to `value` for `tag`: value is un-scaled ((value − offset) / scale),
    /// then laid out by type and order. Throws when the raw value does not fit the type.
    static func encode(_ value: Decimal, for tag: ModbusTag) throws -> [UInt16] {
        // Decimal division of tiny values (~1e-100) by 1 answers NaN; skip it when there is no scaling.
        let raw = tag.scale == 1 && tag.offset == 0 ? value : (value - tag.offset) / tag.scale
        let text = raw.description
        let bits: UInt64
        switch tag.type {
        case .bool: throw Failure(description: "bool tags are bits, not registers")
        case .int16: bits = UInt64(UInt16(bitPattern: try parse(Int16.self, text)))
        case .uint16: bits = UInt64(try parse(UInt16.self, text))
        case .int32: bits = UInt64(UInt32(bitPattern: try parse(Int32.self, text)))
        case .uint32: bits = UInt64(try parse(UInt32.self, text))
        case .int64: bits = UInt64(bitPattern: try parse(Int64.self, text))
        case .uint64: bits = try parse(UInt64.self, text)
        case .float32: bits = UInt64(try parse(Float.self, text).bitPattern)
        case .float64: bits = try parse(Double.self, text).bitPattern
        case .bcd16, .bcd32:
            let digits = try parse(UInt64.self, text)
            guard digits < (tag.type == .bcd16 ? 10_000 : 100_000_000) else {
                throw Failure(description: "\(text): too many digits")
            }
            // Each decimal digit in its own nibble: reading "1234" as hexadecimal gives 0x1234.
            bits = UInt64(String(digits), radix: 16)!
        case .bitfield:
            let field = try parse(UInt64.self, text)
            guard field < UInt64(1) << UInt64(tag.bitLength) else { throw Failure(description: "\(text): too wide") }
            bits = field << UInt64(tag.bit)
        }
        let bytes = 2 * tag.type.registerCount
        let valueBytes = (0..<bytes).map { UInt8(truncatingIfNeeded: bits >> UInt64(8 * (bytes - 1 - $0))) }
        return (tag.order ?? .natural(bytes: bytes)).registers(fromValueBytes: valueBytes)
    }

    private static func parse<T: LosslessStringConvertible>(_: T.Type, _ text: String) throws -> T {
        guard let value = T(text) else { throw Failure(description: "'\(text)' is not a \(T.self)") }
        return value
    }
}
