import Foundation

/// Turns JSON text into typed inputs, and `DecodingError`s into `CalculationError`s that name
/// the field (`sources[2].ncv.value`) the way the CLI and the API report them.
public enum InputDecoding {
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(CalculationError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw describe(error)
        } catch let error as CalculationError {
            throw error  // thrown by a type's own decoding (the measurement input), already located
        } catch {
            throw CalculationError(.invalidInput, "\(error)")
        }
    }

    public static func path(_ codingPath: [any CodingKey]) -> String? {
        var text = ""
        for key in codingPath {
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : "." + key.stringValue }
        }
        return text.isEmpty ? nil : text
    }

    static func describe(_ error: DecodingError) -> CalculationError {
        switch error {
        case .typeMismatch(let type, let context):
            let expected = type == String.self ? "a string (write decimal numbers as strings, e.g. \"0.99\")" : "\(type)"
            return CalculationError(.invalidInput, "expected \(expected)", field: path(context.codingPath))
        case .valueNotFound(_, let context):
            return CalculationError(.missingInput, "a value is required", field: path(context.codingPath))
        case .keyNotFound(let key, let context):
            return CalculationError(.missingInput, "'\(key.stringValue)' is required",
                                    field: path(context.codingPath + [key]))
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return CalculationError(.invalidInput, "not valid JSON: \(underlying ?? context.debugDescription)",
                                    field: path(context.codingPath))
        @unknown default:
            return CalculationError(.invalidInput, "\(error)")
        }
    }
}
