import Foundation

/// Strict JSON reading for the regional model. Numbers must be strings (a JSON number has often
/// been through binary floating point before it reaches us), unknown keys are refused (a misspelt
/// optional key would otherwise drop a city's data without a word), and every error names the
/// field it is about (`nodes[2].years.2022.gdp.value`).
enum RegionalJSON: StrictJSONReading {
    static func quantity<K>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> Quantity? {
        try container.decodeIfPresent(RegionalQuantityBox.self, forKey: key)?.quantity
    }

    static func requiredQuantity<K>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> Quantity {
        guard let quantity = try quantity(container, key) else {
            throw CalculationError(
                .missingInput, "is required ({\"value\": \"…\", \"unit\": \"…\"})",
                field: path(container, key))
        }
        return quantity
    }

    /// A 4-digit year key ("2022") turned into an Int; anything else is refused.
    static func year(_ text: String, field: String) throws(CalculationError) -> Int {
        guard text.count == 4, text.allSatisfy({ $0.isASCII && $0.isNumber }), let year = Int(text) else {
            throw CalculationError(
                .invalidInput, "'\(text)' is not a year (write 4 digits, e.g. \"2022\")", field: field)
        }
        return year
    }

    /// Dictionary keyed by year strings, re-keyed by Int.
    static func byYear<V>(_ raw: [String: V], field: String) throws(CalculationError) -> [Int: V] {
        var result: [Int: V] = [:]
        for (key, value) in raw { result[try year(key, field: field + "." + key)] = value }
        return result
    }

    /// Turns anything `JSONDecoder` threw into a `CalculationError` naming the field.
    static func calculationError(_ error: any Error) -> CalculationError {
        switch error {
        case let error as CalculationError:
            return error
        case DecodingError.keyNotFound(let key, let context):
            return CalculationError(.missingInput, "is required", field: path(context.codingPath + [key]))
        case DecodingError.valueNotFound(_, let context):
            return CalculationError(.missingInput, "must not be null", field: path(context.codingPath))
        case DecodingError.typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return CalculationError(
                .invalidInput, "has the wrong JSON type (expected \(jsonKind(type)))",
                field: field.isEmpty ? nil : field)
        case DecodingError.dataCorrupted(let context):
            let field = path(context.codingPath)
            return CalculationError(
                .invalidInput, "not valid JSON: \(context.debugDescription)",
                field: field.isEmpty ? nil : field)
        default:
            return CalculationError(.invalidInput, "\(error)")
        }
    }

    private static func jsonKind(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Dictionary") || name.hasPrefix("KeyedDecodingContainer") { return "an object" }
        if name.hasPrefix("Array") || name.hasPrefix("UnkeyedDecodingContainer") { return "an array" }
        if name == "String" { return "a string" }
        return name
    }
}

/// `{"value": "250", "unit": "10^4 Nm3"}`: the one way a quantity is written in the regional model.
struct RegionalQuantityBox: Decodable {
    let quantity: Quantity
    enum CodingKeys: String, CodingKey, CaseIterable { case value, unit }

    init(from decoder: any Decoder) throws {
        let field = RegionalJSON.path(decoder.codingPath)
        try RegionalJSON.refuseScalar(decoder, example: "{\"value\": \"1234.5\", \"unit\": \"t\"}")
        try RegionalJSON.rejectUnknownKeys(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let value = try RegionalJSON.requiredString(container, .value)
        let unit = try RegionalJSON.requiredString(container, .unit)
        do { quantity = try Quantity(value: value, unit: unit) } catch { throw error.at(field) }
    }
}

extension RegionalJSON {
    /// Where an object is expected, a bare number or string gets an error that shows the shape.
    static func refuseScalar(_ decoder: any Decoder, example: String) throws {
        let field = path(decoder.codingPath)
        guard let single = try? decoder.singleValueContainer() else { return }
        if (try? single.decode(String.self)) != nil {
            throw CalculationError(.invalidInput, "expected an object like \(example)", field: field)
        }
        if (try? single.decode(Decimal.self)) != nil {
            throw CalculationError(
                .invalidNumber, "is a JSON number; write an object like \(example) with the value as a string",
                field: field)
        }
    }
}
