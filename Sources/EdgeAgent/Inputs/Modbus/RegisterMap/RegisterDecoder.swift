import Foundation  // Decimal

/// Registers or bits → one tag's exact value. Pure functions.
///
/// Integers go to `Decimal` exactly (no `Double` on the way). Floats are assembled from the
/// reordered bytes here, not with libmodbus's `modbus_get_float_*` (their byte order changed
/// between 3.1.7 and 3.1.8), and become `Decimal` through the shortest decimal text that reads
/// back as the same float, so float32 0.1 is recorded as 0.1, not 0.100000001490116.
public enum RegisterDecoder {
    /// Decodes a register-table tag from exactly its own registers (`tag.count` of them, in the
    /// order they arrived). Throws for too few registers, invalid BCD, NaN/±infinity (no number to
    /// record: the poll records the tag as failed for this cycle), and float64s beyond `Decimal`.
    public static func decode(_ tag: ModbusTag, registers: some Collection<UInt16>) throws(RegisterMapError)
        -> TagReading
    {
        let raw = try rawValue(tag, registers: registers)
        guard let reading = reading(tag, raw: raw) else {
            throw RegisterMapError(
                .unrepresentable, "\(raw) × \(tag.scale) + \(tag.offset) is outside the range of Decimal", tag: tag.name
            )
        }
        return reading
    }

    /// Decodes a bit-table (`bool`) tag: true → 1, false → 0.
    public static func decode(_ tag: ModbusTag, bit: Bool) -> TagReading {
        // A bool has scale 1 and offset 0 (validation refuses others), so this cannot overflow.
        let raw: Decimal = bit ? 1 : 0
        return reading(tag, raw: raw) ?? TagReading(name: tag.name, value: raw, raw: raw, quality: .good)
    }

    /// The unscaled value of a register-table tag.
    public static func rawValue(_ tag: ModbusTag, registers: some Collection<UInt16>) throws(RegisterMapError)
        -> Decimal
    {
        guard registers.count >= tag.type.registerCount else {
            throw RegisterMapError(
                .shortResponse, "needs \(tag.type.registerCount) registers, got \(registers.count)", tag: tag.name)
        }
        let mine = registers.prefix(tag.type.registerCount)
        let order = tag.order ?? .natural(bytes: 2 * tag.type.registerCount)
        let bits = order.valueBytes(fromRegisters: mine).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }

        switch tag.type {
        case .bool: return bits == 0 ? 0 : 1  // not reachable for a resolved tag; harmless
        case .int16: return Decimal(Int(Int16(truncatingIfNeeded: bits)))
        case .uint16, .uint32: return Decimal(bits)
        case .int32: return Decimal(Int(Int32(truncatingIfNeeded: bits)))
        case .int64: return Decimal(Int64(bitPattern: bits))
        case .uint64: return Decimal(bits)
        case .bcd16, .bcd32: return try bcd(bits, digits: 4 * tag.type.registerCount, tag: tag.name)
        case .bitfield: return Decimal((bits >> UInt64(tag.bit)) & (UInt64(1) << UInt64(tag.bitLength) - 1))
        case .float32:
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: bits))
            return try decimal(value.isFinite, value.description, hex: bits, tag: tag.name)
        case .float64:
            let value = Double(bitPattern: bits)
            return try decimal(value.isFinite, value.description, hex: bits, tag: tag.name)
        }
    }

    /// Applies scale, offset and the valid range; nil when the result overflows `Decimal`.
    ///
    /// Not `raw * scale + offset`: Foundation's `Decimal` operators trap (crash the process) on
    /// overflow, and a float64 of 1e120 from a device times a scale of 1e10 would do exactly that.
    /// `NSDecimalMultiply`/`NSDecimalAdd` report it instead. Loss of precision beyond 38 digits is
    /// accepted: it is inherent to Decimal and far below any meter's resolution.
    static func reading(_ tag: ModbusTag, raw: Decimal) -> TagReading? {
        var raw = raw
        var scale = tag.scale
        var offset = tag.offset
        var product = Decimal()
        var value = Decimal()
        guard usable(NSDecimalMultiply(&product, &raw, &scale, .plain)),
            usable(NSDecimalAdd(&value, &product, &offset, .plain)), !value.isNaN
        else { return nil }
        let outside = tag.min.map { value < $0 } == true || tag.max.map { value > $0 } == true
        return TagReading(name: tag.name, value: value, raw: raw, quality: outside ? .outOfRange : .good)
    }

    private static func usable(_ error: NSDecimalNumber.CalculationError) -> Bool {
        error == .noError || error == .lossOfPrecision
    }

    /// Packed BCD, most significant digit first: every nibble must be 0…9.
    private static func bcd(_ bits: UInt64, digits: Int, tag: String) throws(RegisterMapError) -> Decimal {
        var value: UInt64 = 0
        for digit in (0..<digits).reversed() {
            let nibble = (bits >> UInt64(4 * digit)) & 0xF
            guard nibble <= 9 else {
                let hex = String(bits, radix: 16, uppercase: true)
                let padded = String(repeating: "0", count: digits - hex.count) + hex
                throw RegisterMapError(
                    .invalidBCD,
                    "0x\(padded) is not BCD: digit \(digits - digit) is 0x\(String(nibble, radix: 16, uppercase: true))",
                    tag: tag)
            }
            value = value * 10 + nibble
        }
        return Decimal(value)
    }

    /// A finite float's shortest round-trip text (`Float.description`) read as a Decimal.
    private static func decimal(_ finite: Bool, _ text: String, hex bits: UInt64, tag: String)
        throws(RegisterMapError) -> Decimal
    {
        guard finite else {
            throw RegisterMapError(
                .notFinite, "bits 0x\(String(bits, radix: 16, uppercase: true)) are \(text), not a number", tag: tag)
        }
        // Decimal's parser returns nil beyond its exponent range (about 1e±127 for this text):
        // an error, rather than a figure that is wrong by a hundred orders of magnitude.
        guard let value = Decimal(string: text, locale: posix), !value.isNaN else {
            throw RegisterMapError(.unrepresentable, "\(text) is outside the range of Decimal", tag: tag)
        }
        return value.isZero ? 0 : value  // -0.0 becomes plain 0
    }

    private static let posix = Locale(identifier: "en_US_POSIX")
}
