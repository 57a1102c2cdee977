import Foundation

/// A coding key for reading the keys a JSON object actually has (unknown-key checks).
struct StrictJSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }
    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// Strict JSON reading shared by the input models (regional models, alarm rules): numbers must be
/// strings (a JSON number has often been through binary floating point before it reaches us),
/// unknown keys are refused (a misspelt optional key would otherwise drop data without a word),
/// and every error names the field it is about (`nodes[2].years.2022.gdp.value`, `[1].h.limit`).
/// A reader adopts it (`enum RegionalJSON: StrictJSONReading {}`) and adds its own helpers.
protocol StrictJSONReading {}

extension StrictJSONReading {
    /// `nodes[2].years.2022`: array indices in brackets, object keys after a dot. Dictionary keys
    /// that look like integers ("2022") also carry an `intValue`, so only "Index N" keys are indices.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue == "Index \(index)" {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text
    }

    static func path<K: CodingKey>(_ container: KeyedDecodingContainer<K>, _ key: K) -> String {
        path(container.codingPath + [key])
    }

    /// Refuses keys that are not in `K`: a typo in an optional key must not pass as "absent".
    static func rejectUnknownKeys<K: CodingKey & CaseIterable>(_ decoder: any Decoder, _: K.Type) throws {
        let present = try decoder.container(keyedBy: StrictJSONKey.self).allKeys.map(\.stringValue)
        let known = K.allCases.map(\.stringValue)
        if let unknown = present.sorted().first(where: { !known.contains($0) }) {
            throw CalculationError(
                .invalidInput, "unknown key '\(unknown)'; expected one of: \(known.joined(separator: ", "))",
                field: path(decoder.codingPath + [StrictJSONKey(stringValue: unknown)]))
        }
    }

    /// A string value, or nil when the key is absent or null. A JSON number is refused by name.
    static func string<K>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> String? {
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        do {
            return try container.decode(String.self, forKey: key)
        } catch DecodingError.typeMismatch {
            if (try? container.decode(Decimal.self, forKey: key)) != nil {
                throw CalculationError(
                    .invalidNumber, "is a JSON number; write it as a string (\"1234.5\") so it stays exact",
                    field: path(container, key))
            }
            throw CalculationError(.invalidInput, "expected a string", field: path(container, key))
        }
    }

    static func requiredString<K>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> String {
        guard let text = try string(container, key) else {
            throw CalculationError(.missingInput, "is required", field: path(container, key))
        }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CalculationError(.missingInput, "is required (it is empty)", field: path(container, key))
        }
        return text
    }
}
