import Foundation  // Decimal (through TagReading)

/// One read the connection sends: `count` registers (or bits) of `table` from `start`, and the
/// tags it serves with where each one's registers begin in the reply.
public struct ReadRequest: Hashable, Sendable, CustomStringConvertible {
    /// A tag served by this request: its registers are `reply[offset ..< offset + tag.count]`.
    public struct Slot: Hashable, Sendable {
        public let tag: ModbusTag
        public let offset: Int
    }

    /// One tag's result from a reply: its reading, or why it could not be decoded.
    public typealias Outcome = Result<TagReading, RegisterMapError>

    public let table: ModbusTable
    /// The 0-based protocol address of the first register or bit.
    public let start: Int
    /// How many registers or bits to read (≤ `table.maxReadCount`).
    public let count: Int
    /// Ordered by address; never empty.
    public let slots: [Slot]

    /// A request spanning exactly `tags` (all of one table, sorted by address).
    init(table: ModbusTable, tags: [ModbusTag]) {
        let start = tags.map(\.address).min() ?? 0
        let end = tags.map { $0.address + $0.count }.max() ?? start
        self.table = table
        self.start = start
        self.count = end - start
        self.slots = tags.map { Slot(tag: $0, offset: $0.address - start) }
    }

    public var tags: [ModbusTag] { slots.map(\.tag) }

    /// The protocol addresses the request reads.
    public var addresses: ClosedRange<Int> { start...(start + count - 1) }

    public var description: String { "\(table.rawValue) \(start)+\(count) (\(slots.count) tags)" }

    /// Decodes every tag from a register-table reply, one outcome per slot in slot order. A short
    /// reply fails only the tags it does not cover; one bad tag never hides the others.
    public func decode(registers: [UInt16]) -> [Outcome] {
        slots.map { slot in
            guard !table.holdsBits else { return .failure(wrongKind(slot.tag, "registers")) }
            return Self.outcome(slot.tag, registers: registers.dropFirst(slot.offset).prefix(slot.tag.count))
        }
    }

    private static func outcome(_ tag: ModbusTag, registers: ArraySlice<UInt16>) -> Outcome {
        do {
            return .success(try RegisterDecoder.decode(tag, registers: registers))
        } catch {
            return .failure(error)
        }
    }

    /// Decodes every tag from a bit-table reply, one outcome per slot in slot order.
    public func decode(bits: [Bool]) -> [Outcome] {
        slots.map { slot in
            guard table.holdsBits else { return .failure(wrongKind(slot.tag, "bits")) }
            guard slot.offset < bits.count else {
                return .failure(
                    RegisterMapError(
                        .shortResponse, "needs bit \(slot.offset) of the reply, got \(bits.count) bits",
                        tag: slot.tag.name))
            }
            return .success(RegisterDecoder.decode(slot.tag, bit: bits[slot.offset]))
        }
    }

    private func wrongKind(_ tag: ModbusTag, _ kind: String) -> RegisterMapError {
        RegisterMapError(.shortResponse, "a \(table.rawValue) request was answered with \(kind)", tag: tag.name)
    }
}
