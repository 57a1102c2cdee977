import Foundation  // Decimal

/// A validated tag, ready to plan and decode: what `RegisterMap.resolve()` makes of a
/// `TagDefinition`. Addresses are 0-based protocol addresses whatever the file's `address_base`.
public struct ModbusTag: Hashable, Sendable {
    public let name: String
    public let table: ModbusTable
    /// The 0-based protocol address of the first register or bit (0…65535).
    public let address: Int
    public let type: ModbusDataType
    /// Byte order of the value's registers; nil for `bool`.
    public let order: ByteOrder?
    /// For `bitfield`: the lowest bit (0 = least significant) and how many bits.
    public let bit: Int
    public let bitLength: Int
    /// value = raw × scale + offset, in `Decimal`.
    public let scale: Decimal
    public let offset: Decimal
    /// The valid range of the scaled value; outside it the reading is kept with quality `out_of_range`.
    public let min: Decimal?
    public let max: Decimal?
    public let unit: String
    public let description: String?

    /// Registers (register tables) or bits (bit tables) the tag occupies.
    public var count: Int { table.holdsBits ? 1 : type.registerCount }

    /// The protocol addresses the tag occupies.
    public var addresses: ClosedRange<Int> { address...(address + count - 1) }
}

/// How far a reading can be trusted.
public enum Quality: String, Codable, Hashable, Sendable {
    case good
    /// Decoded correctly but outside the tag's `min`…`max`: kept, flagged, for the alarms to judge.
    case outOfRange = "out_of_range"
}

/// One tag's decoded value.
public struct TagReading: Hashable, Sendable {
    public var name: String
    /// The scaled value (raw × scale + offset).
    public var value: Decimal
    /// The value before scaling, as the device sent it; kept for commissioning and audits.
    public var raw: Decimal
    public var quality: Quality

    public init(name: String, value: Decimal, raw: Decimal, quality: Quality) {
        self.name = name
        self.value = value
        self.raw = raw
        self.quality = quality
    }
}
