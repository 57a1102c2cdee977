import Foundation
import Testing

@testable import EdgeAgent

/// Every mistake in a device file is reported with the tag and the field, before anything is read.
@Suite struct RegisterMapValidationTests {
    typealias T = RegisterMapTesting

    static func fine(_ index: Int) -> TagDefinition {
        TagDefinition(name: "ok\(index)", table: "holding_register", address: 10 * index + 1, dataType: "uint16")
    }

    /// The error for a map whose tags[3] is `broken` (three valid tags before it).
    static func errorAtIndex3(_ broken: TagDefinition, base: Int = 1) -> String? {
        let map = RegisterMap(addressBase: base, tags: [fine(0), fine(1), fine(2), broken])
        return T.error { () throws(RegisterMapError) in try map.resolve() }?.description
    }

    static func def(
        table: String = "holding_register", address: Int = 1, type: String? = "float32", order: String? = nil,
        bit: Int? = nil, bitLength: Int? = nil, scale: String? = nil, offset: String? = nil, min: String? = nil,
        max: String? = nil, unit: String? = "kg"
    ) -> TagDefinition {
        TagDefinition(
            name: "flow", table: table, address: address, dataType: type, order: order, bit: bit, bitLength: bitLength,
            scale: scale, offset: offset, min: min, max: max, unit: unit)
    }

    @Test func anUnusableOrderNamesTheTagAndField() {
        #expect(
            Self.errorAtIndex3(Self.def(order: "ABDC"))
                == "tags[3].order: 'ABDC' is not a permutation usable for float32 (use ABCD, CDAB, BADC or DCBA)")
    }

    @Test(arguments: [
        (def(order: "ABC"), "tags[3].order: 'ABC' is not a permutation usable for float32"),
        (def(order: "ABCE"), "tags[3].order: 'ABCE' is not a permutation usable for float32"),
        (def(order: "AABB"), "tags[3].order: 'AABB' is not a permutation usable for float32"),
        (def(type: "int64", order: "ABCD"), "tags[3].order: 'ABCD' is not a permutation usable for int64"),
        (def(type: "float64", order: "ABDCEFGH"), "tags[3].order: 'ABDCEFGH' is not a permutation usable for float64"),
        (
            def(type: "uint16", order: "ABCD"),
            "tags[3].order: 'ABCD' is not a permutation usable for uint16 (use AB or BA)"
        ),
        (
            def(table: "holding", type: "uint16"),
            "tags[3].table: unknown table 'holding'; accepted: coil, discrete_input,"
        ),
        (def(type: "float"), "tags[3].data_type: unknown type 'float'; accepted: bool, int16,"),
        (def(type: nil), "tags[3].data_type: is required for a holding_register"),
        (
            def(type: "bool"),
            "tags[3].data_type: bool is for coils and discrete inputs; for a bit of a register use bitfield"
        ),
        (def(table: "coil", type: "int16"), "tags[3].data_type: a coil holds one bit: only bool fits, not int16"),
        (def(table: "coil", type: nil, order: "AB"), "tags[3].order: a bool is one bit and has no byte order"),
        (def(table: "coil", type: "bool", scale: "2"), "tags[3].scale: a bool reads 0 or 1 and takes no scale"),
        (def(address: 0), "tags[3].address: 0 is outside 1…65536 (address_base 1)"),
        (def(address: 65_536), "tags[3].address: float32 at 65536 runs past the last address"),
        (def(scale: "0.1x"), "tags[3].scale: '0.1x' is not a decimal number"),
        (def(scale: "0"), "tags[3].scale: is 0: every reading would be the offset"),
        (def(offset: "1,5"), "tags[3].offset: '1,5' is not a decimal number"),
        (def(min: "10", max: "5"), "tags[3].max: 5 is below min 10"),
        (def(unit: nil), "tags[3].unit: is required; write \"\" for a dimensionless value or status"),
        (def(type: "bitfield"), "tags[3].bit: is required for a bitfield (0 = least significant bit)"),
        (def(type: "bitfield", bit: 16), "tags[3].bit: 16 is outside 0…15"),
        (
            def(type: "bitfield", bit: 14, bitLength: 3),
            "tags[3].bit_length: 3 bits from bit 14 do not fit in one 16-bit register"
        ),
        (def(type: "bitfield", bit: 0, bitLength: 0), "tags[3].bit_length: 0 bits from bit 0 do not fit"),
        (def(type: "int32", bit: 2), "tags[3].bit: only a bitfield takes bit"),
        (def(type: "int32", bitLength: 2), "tags[3].bit_length: only a bitfield takes bit_length"),
    ])
    func mistakesAreNamed(_ definition: TagDefinition, _ expected: String) {
        let message = Self.errorAtIndex3(definition)
        #expect(message?.hasPrefix(expected) == true, "\(message ?? "no error")")
    }

    @Test func duplicateNamesPointAtBothTags() {
        let map = RegisterMap(addressBase: 0, tags: [Self.fine(0), Self.fine(1), Self.fine(0)])
        #expect(
            T.error { () throws(RegisterMapError) in try map.resolve() }?.description
                == "tags[2].name: 'ok0' is already the name of tags[0]")
    }

    @Test func deviceSettingsAreChecked() {
        let missing = T.error { () throws(RegisterMapError) in try RegisterMap(addressBase: nil, tags: []).resolve() }
        #expect(missing?.field == "address_base" && missing?.code == .invalidMap)
        let two = T.error { () throws(RegisterMapError) in try RegisterMap(addressBase: 2, tags: []).resolve() }
        #expect(two?.description == "address_base: 2 is neither 0 nor 1")
        let gap = T.error { () throws(RegisterMapError) in
            try RegisterMap(addressBase: 0, maxGap: -1, tags: []).resolve()
        }
        #expect(gap?.description == "max_gap: -1 is negative")
    }

    @Test func oneBasedAddressesBecomeZeroBasedProtocolAddresses() throws {
        #expect(try T.tag(address: 1, type: "uint16", base: 1).address == 0)
        #expect(try T.tag(address: 65_536, type: "uint16", base: 1).address == 65_535)
        #expect(try T.tag(address: 0, type: "uint16", base: 0).address == 0)
        #expect(try T.tag(address: 65_535, type: "uint16", base: 0).address == 65_535)
        #expect(T.error { () throws(RegisterMapError) in try T.tag(address: 65_536, type: "uint16", base: 0) } != nil)
        #expect(T.error { () throws(RegisterMapError) in try T.tag(address: -1, type: "uint16", base: 0) } != nil)
    }

    /// 40001-style numbers are not guessed: 40001 in base 1 is protocol address 40000 of the named table.
    @Test func registerNumbersLike40001AreTakenLiterally() throws {
        let tag = try T.tag(table: "holding_register", address: 40_001, type: "uint16", base: 1)
        #expect(tag.address == 40_000 && tag.table == .holdingRegister)
        let input = try T.tag(table: "input_register", address: 30_001, type: "uint16", base: 1)
        #expect(input.address == 30_000 && input.table == .inputRegister)
    }

    @Test func defaultsAreFilledIn() throws {
        let coil = try T.tag(table: "discrete_input", address: 5)
        #expect(coil.type == .bool && coil.order == nil && coil.count == 1)
        let float = try T.tag(type: "float64")
        #expect(float.order?.description == "ABCDEFGH" && float.scale == 1 && float.offset == 0)
        #expect(float.min == nil && float.max == nil && float.count == 4)
        #expect(try T.tag(type: "bitfield", bit: 4).bitLength == 1)
        #expect(try T.tag(type: "int32", order: "cdab").order?.description == "CDAB")
    }

    @Test func exactlyTheRegisterAlignedPermutationsAreUsable() {
        func permutations(_ letters: [Character]) -> [String] {
            guard letters.count > 1 else { return [String(letters)] }
            return letters.indices.flatMap { i in
                var rest = letters
                let first = rest.remove(at: i)
                return permutations(rest).map { String(first) + $0 }
            }
        }
        let usable32 = permutations(Array("ABCD")).filter { ByteOrder($0, bytes: 4) != nil }
        #expect(Set(usable32) == ["ABCD", "CDAB", "BADC", "DCBA"])
        let usable64 = permutations(Array("ABCDEFGH")).filter { ByteOrder($0, bytes: 8) != nil }
        #expect(usable64.count == 48)  // 4! register orders × swapped or not
        #expect(Set(["ABCDEFGH", "GHEFCDAB", "BADCFEHG", "HGFEDCBA", "CDABGHEF"]).isSubset(of: Set(usable64)))
        #expect(Set(permutations(Array("AB"))) == Set(["AB", "BA"].filter { ByteOrder($0, bytes: 2) != nil }))
    }
}
