import Foundation

@testable import EdgeAgent

/// Builders shared by the register-map suites: tags go through the same `resolve` as device files.
enum RegisterMapTesting {
    static func tag(
        _ name: String = "t", table: String = "holding_register", address: Int = 0, type: String? = nil,
        order: String? = nil, bit: Int? = nil, bitLength: Int? = nil, scale: String? = nil, offset: String? = nil,
        min: String? = nil, max: String? = nil, base: Int = 0
    ) throws(RegisterMapError) -> ModbusTag {
        let definition = TagDefinition(
            name: name, table: table, address: address, dataType: type, order: order, bit: bit, bitLength: bitLength,
            scale: scale, offset: offset, min: min, max: max)
        return try RegisterMap(addressBase: base, tags: [definition]).resolve()[0]
    }

    /// `count` tags of `type` laid end to end from `start` (or every `step` addresses).
    static func run(
        _ count: Int, type: String = "uint16", table: String = "holding_register", from start: Int = 0,
        step: Int? = nil
    ) throws -> [ModbusTag] {
        let width =
            table == "coil" || table == "discrete_input" ? 1 : (ModbusDataType(rawValue: type)?.registerCount ?? 1)
        return try (0..<count).map { index in
            try tag(
                "\(table).\(index)", table: table, address: start + index * (step ?? width),
                type: table == "coil" || table == "discrete_input" ? nil : type)
        }
    }

    static func decimal(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))! }

    /// The error `body` throws (nil when it throws none).
    static func error<T>(_ body: () throws(RegisterMapError) -> T) -> RegisterMapError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }
}
