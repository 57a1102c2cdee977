import Foundation

extension FootprintModel {
    /// Reads a model from JSON. Decoding problems become `CalculationError`s that name the field
    /// (`processes[2].inputs[0].amount`), and a JSON number where a decimal string belongs is
    /// refused: a number has already been through a binary float by the time it is read.
    public static func decode(json data: Data) throws(CalculationError) -> FootprintModel {
        do {
            return try JSONDecoder().decode(FootprintModel.self, from: data)
        } catch let error as DecodingError {
            throw FootprintJSON.calculationError(error)
        } catch {
            throw CalculationError(.invalidInput, "\(error)")
        }
    }
}

enum FootprintJSON {
    /// `processes[2].inputs[0].amount` from a decoder's coding path.
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text
    }

    static func calculationError(_ error: DecodingError) -> CalculationError {
        func located(_ code: CalculationError.Code, _ message: String, _ keys: [any CodingKey]) -> CalculationError {
            let field = path(keys)
            return CalculationError(code, message, field: field.isEmpty ? nil : field)
        }
        switch error {
        case .typeMismatch(let type, let context):
            if type == String.self, context.debugDescription.lowercased().contains("number") {
                return located(.invalidNumber,
                               "a JSON number; write decimals as strings with their unit beside them, e.g. \"0.80\"",
                               context.codingPath)
            }
            return located(.invalidInput, "expected \(type): \(context.debugDescription)", context.codingPath)
        case .keyNotFound(let key, let context):
            return located(.missingInput, "'\(key.stringValue)' is required", context.codingPath + [key])
        case .valueNotFound(let type, let context):
            return located(.missingInput, "a \(type) is required, found null", context.codingPath)
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return CalculationError(.invalidInput, "not valid JSON: \(context.debugDescription)")
            }
            return located(.invalidInput, context.debugDescription, context.codingPath)
        @unknown default:
            return CalculationError(.invalidInput, "\(error)")
        }
    }
}
