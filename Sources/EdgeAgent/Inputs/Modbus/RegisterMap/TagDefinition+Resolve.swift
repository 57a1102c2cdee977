import CarbonCore  // DecimalText: the project's one strict decimal grammar
import Foundation  // Decimal

extension TagDefinition {
    /// Validates this definition (found at `field`, e.g. `tags[3]`) and converts its address to a
    /// 0-based protocol address. Every error names `field` plus the offending key.
    func resolve(addressBase: Int, field: String) throws(RegisterMapError) -> ModbusTag {
        func fail(_ key: String, _ message: String) -> RegisterMapError {
            RegisterMapError(.invalidTag, message, field: "\(field).\(key)")
        }

        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw fail("name", "is empty") }

        guard let table = ModbusTable(rawValue: table) else {
            let accepted = ModbusTable.allCases.map(\.rawValue).joined(separator: ", ")
            throw fail("table", "unknown table '\(self.table)'; accepted: \(accepted)")
        }

        let type: ModbusDataType
        switch dataType {
        case nil where table.holdsBits:
            type = .bool
        case nil:
            throw fail("data_type", "is required for a \(table.rawValue)")
        case let text?:
            guard let parsed = ModbusDataType(rawValue: text) else {
                let accepted = ModbusDataType.allCases.map(\.rawValue).joined(separator: ", ")
                throw fail("data_type", "unknown type '\(text)'; accepted: \(accepted)")
            }
            type = parsed
        }
        if table.holdsBits, type != .bool {
            throw fail("data_type", "a \(table.rawValue) holds one bit: only bool fits, not \(type.rawValue)")
        }
        if !table.holdsBits, type == .bool {
            throw fail("data_type", "bool is for coils and discrete inputs; for a bit of a register use bitfield")
        }

        // Address: converted once here, so nothing downstream ever sees the file's base.
        let last = 65_535 + addressBase
        guard (addressBase...last).contains(address) else {
            throw fail("address", "\(address) is outside \(addressBase)…\(last) (address_base \(addressBase))")
        }
        let protocolAddress = address - addressBase
        let count = table.holdsBits ? 1 : type.registerCount
        guard protocolAddress + count - 1 <= 65_535 else {
            throw fail("address", "\(type.rawValue) at \(address) runs past the last address")
        }

        let order = try resolveOrder(type, fail: fail)
        let (bit, bitLength) = try resolveBits(type, fail: fail)

        if type == .bool {
            for (key, value) in [("scale", scale), ("offset", offset), ("min", min), ("max", max)] where value != nil {
                throw fail(key, "a bool reads 0 or 1 and takes no \(key)")
            }
        }
        let scale = try decimal(scale, "scale", fail: fail) ?? 1
        guard scale != 0 else { throw fail("scale", "is 0: every reading would be the offset") }
        let offset = try decimal(offset, "offset", fail: fail) ?? 0
        let min = try decimal(min, "min", fail: fail)
        let max = try decimal(max, "max", fail: fail)
        if let min, let max, min > max { throw fail("max", "\(max) is below min \(min)") }

        guard let unit else { throw fail("unit", "is required; write \"\" for a dimensionless value or status") }

        return ModbusTag(
            name: name, table: table, address: protocolAddress, type: type, order: order, bit: bit,
            bitLength: bitLength, scale: scale, offset: offset, min: min, max: max, unit: unit,
            description: description)
    }

    private func resolveOrder(
        _ type: ModbusDataType, fail: (String, String) -> RegisterMapError
    ) throws(RegisterMapError) -> ByteOrder? {
        if type == .bool {
            if order != nil { throw fail("order", "a bool is one bit and has no byte order") }
            return nil
        }
        let bytes = 2 * type.registerCount
        guard let text = order else { return ByteOrder.natural(bytes: bytes) }
        guard let parsed = ByteOrder(text, bytes: bytes) else {
            let hint =
                switch bytes {
                case 2: "use AB or BA"
                case 4: "use ABCD, CDAB, BADC or DCBA"
                default:
                    "use whole registers (AB, CD, EF, GH) in any order, every register swapped alike, "
                        + "e.g. ABCDEFGH, GHEFCDAB, BADCFEHG, HGFEDCBA"
                }
            throw fail("order", "'\(text)' is not a permutation usable for \(type.rawValue) (\(hint))")
        }
        return parsed
    }

    private func resolveBits(
        _ type: ModbusDataType, fail: (String, String) -> RegisterMapError
    ) throws(RegisterMapError) -> (Int, Int) {
        guard type == .bitfield else {
            if bit != nil { throw fail("bit", "only a bitfield takes bit") }
            if bitLength != nil { throw fail("bit_length", "only a bitfield takes bit_length") }
            return (0, 16)
        }
        guard let bit else { throw fail("bit", "is required for a bitfield (0 = least significant bit)") }
        guard (0...15).contains(bit) else { throw fail("bit", "\(bit) is outside 0…15") }
        let length = bitLength ?? 1
        guard length >= 1, bit + length <= 16 else {
            throw fail("bit_length", "\(length) bits from bit \(bit) do not fit in one 16-bit register")
        }
        return (bit, length)
    }

    private func decimal(
        _ text: String?, _ key: String, fail: (String, String) -> RegisterMapError
    ) throws(RegisterMapError) -> Decimal? {
        guard let text else { return nil }
        do {
            return try DecimalText.parse(text)
        } catch {
            throw fail(key, error.message)
        }
    }
}
