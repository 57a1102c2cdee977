import Foundation
import Testing

@testable import EdgeAgent

/// The file shape: snake_case keys, numbers as decimal strings. The TOML decoder produces the same
/// shapes as JSON, so JSON stands in for it here.
@Suite struct RegisterMapDecodingTests {
    static let json = #"""
        {
          "address_base": 1,
          "max_gap": 4,
          "tags": [
            {"name": "boiler1.gas_flow", "table": "holding_register", "address": 101, "data_type": "float32",
             "order": "CDAB", "scale": "0.1", "offset": "0", "min": "0", "max": "5000", "unit": "Nm3/h",
             "description": "natural gas to boiler 1"},
            {"name": "boiler1.burner_on", "table": "holding_register", "address": 110, "data_type": "bitfield",
             "bit": 3, "bit_length": 1, "unit": ""},
            {"name": "boiler1.pump", "table": "coil", "address": 1, "unit": ""}
          ]
        }
        """#

    @Test func aDeviceFileDecodesAndResolves() throws {
        let map = try JSONDecoder().decode(RegisterMap.self, from: Data(Self.json.utf8))
        #expect(map.addressBase == 1 && map.maxGap == 4 && map.tags[1].bitLength == 1)
        let tags = try map.resolve()
        #expect(tags.map(\.address) == [100, 109, 0])
        #expect(tags[0].order?.description == "CDAB" && tags[0].scale == RegisterMapTesting.decimal("0.1"))
        #expect(tags[0].unit == "Nm3/h" && tags[0].description == "natural gas to boiler 1")
        #expect(tags[2].table == .coil && tags[2].type == .bool)

        let plan = try map.plan()  // gap 100+2 … 109 is 7 registers > max_gap 4: two register reads
        #expect(
            plan.requests.map(\.description) == [
                "coil 0+1 (1 tags)", "holding_register 100+2 (1 tags)",
                "holding_register 109+1 (1 tags)",
            ])
    }

    @Test func encodingWritesTheSameKeys() throws {
        let map = try JSONDecoder().decode(RegisterMap.self, from: Data(Self.json.utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(map), as: UTF8.self)
        #expect(text.contains(#""address_base":1"#) && text.contains(#""max_gap":4"#))
        #expect(text.contains(#""data_type":"bitfield""#) && text.contains(#""bit_length":1"#))
        #expect(try JSONDecoder().decode(RegisterMap.self, from: Data(text.utf8)) == map)
    }

    @Test func numbersWhereDecimalStringsBelongAreRefused() {
        let json = #"{"address_base": 0, "tags": [{"name": "a", "table": "coil", "address": 0, "scale": 0.1}]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RegisterMap.self, from: Data(json.utf8)) }
    }
}
