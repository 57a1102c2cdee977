/// Where each byte of a multi-register value sits on the wire, written as one permutation string.
///
/// Letters name the value's bytes by significance, `A` the most significant (big-endian order);
/// the string lists them in wire order: register 0 high byte, register 0 low byte, register 1 high
/// byte, … (libmodbus hands each register over as a `UInt16` whose high byte came first). So float32
/// 123.456 (`0x42F6E979`, A=42 B=F6 C=E9 D=79) is `[0x42F6, 0xE979]` in `ABCD` and
/// `[0xE979, 0x42F6]` in `CDAB`.
///
/// A permutation is *usable* when every register carries one whole pair of neighbouring bytes (AB,
/// CD, EF or GH, in any register order) and every register swaps its two bytes the same way. Those
/// are the layouts devices actually produce (word order × byte swap): for 32-bit values `ABCD`,
/// `CDAB`, `BADC`, `DCBA`; for 64-bit values 48 strings, among them `ABCDEFGH`, `GHEFCDAB`,
/// `BADCFEHG`, `HGFEDCBA`. A string like `ABDC` (one register swapped, the other not) is
/// refused: it is almost always a typo, and accepting it would turn the typo into wrong figures.
public struct ByteOrder: Hashable, Sendable, CustomStringConvertible {
    /// `significance[i]` is the value byte (0 = `A`) that travels at wire position `i`.
    let significance: [Int]

    /// The permutation as written, upper-cased (`CDAB`).
    public var description: String {
        String(significance.map { Character(Unicode.Scalar(UInt8(65 + $0))) })
    }

    /// Big-endian: `AB`, `ABCD`, `ABCDEFGH`.
    public static func natural(bytes: Int) -> ByteOrder { ByteOrder(significance: Array(0..<bytes)) }

    /// Parses `text` for a value of `bytes` bytes (2, 4 or 8); nil when it is not a usable permutation.
    /// Lower case is accepted (`cdab`), because nothing is ambiguous about it.
    public init?(_ text: String, bytes: Int) {
        let letters = Array(text.uppercased().unicodeScalars)
        guard letters.count == bytes, bytes % 2 == 0 else { return nil }
        var significance: [Int] = []
        for letter in letters {
            let index = Int(letter.value) - 65
            guard (0..<bytes).contains(index) else { return nil }
            significance.append(index)
        }
        guard Set(significance).count == bytes else { return nil }
        let swapped = significance[0] > significance[1]
        for register in 0..<(bytes / 2) {
            let high = significance[2 * register]
            let low = significance[2 * register + 1]
            // One whole pair per register (A/B, C/D, …), swapped the same way as register 0.
            guard min(high, low) % 2 == 0, abs(high - low) == 1, (high > low) == swapped else { return nil }
        }
        self.significance = significance
    }

    private init(significance: [Int]) { self.significance = significance }

    /// The value's bytes in big-endian order, from `registers` as they arrived.
    func valueBytes(fromRegisters registers: some Collection<UInt16>) -> [UInt8] {
        var wire: [UInt8] = []
        wire.reserveCapacity(significance.count)
        for register in registers {
            wire.append(UInt8(register >> 8))
            wire.append(UInt8(register & 0xFF))
        }
        var value = [UInt8](repeating: 0, count: significance.count)
        for (position, byte) in significance.enumerated() { value[byte] = wire[position] }
        return value
    }

    /// The registers that carry `value` (big-endian bytes) in this order: the inverse of `valueBytes`.
    func registers(fromValueBytes value: [UInt8]) -> [UInt16] {
        let wire = significance.map { value[$0] }
        return stride(from: 0, to: wire.count, by: 2).map { UInt16(wire[$0]) << 8 | UInt16(wire[$0 + 1]) }
    }
}
