import Foundation

/// Any JSON value, so a request can be decoded without trusting its shape and every wrong field
/// can be named in the reply.
enum ControlJSONValue: Decodable, Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array
    case object

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if (try? container.decode([ControlJSONValue].self)) != nil {
            self = .array
        } else {
            _ = try container.decode([String: ControlJSONValue].self)
            self = .object
        }
    }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// The fields of one request, read one by one; whatever is left unread at the end is an unknown
/// key and is refused (a misspelt `coment` must not be silently dropped).
struct ControlFields {
    private var remaining: [String: ControlJSONValue]

    init(_ object: [String: ControlJSONValue]) { remaining = object }

    /// A string, or nil when absent or null.
    mutating func string(_ key: String) throws(ControlFailure) -> String? {
        switch remaining.removeValue(forKey: key) {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .number?:
            throw ControlFailure(.invalidField, "is a JSON number; write it as a string (\"30\")", field: key)
        case let other?: throw ControlFailure(.invalidField, "expected a string, got \(other.typeName)", field: key)
        }
    }

    mutating func requiredString(_ key: String) throws(ControlFailure) -> String {
        guard let text = try string(key), !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ControlFailure(.missingField, "is required", field: key)
        }
        return text
    }

    /// A count: a JSON integer or a string of digits, within `range`.
    mutating func count(_ key: String, default value: Int, in range: ClosedRange<Int>) throws(ControlFailure) -> Int {
        let number: Int?
        switch remaining.removeValue(forKey: key) {
        case nil, .null?: return value
        case .number(let double)?: number = double.rounded() == double && abs(double) < 1e9 ? Int(double) : nil
        case .string(let text)?: number = Int(text)
        case let other?: throw ControlFailure(.invalidField, "expected a count, got \(other.typeName)", field: key)
        }
        guard let number, range.contains(number) else {
            throw ControlFailure(
                .invalidField, "expected a whole number from \(range.lowerBound) to \(range.upperBound)",
                field: key)
        }
        return number
    }

    /// The operator's name as typed: required, one line, at most 100 characters.
    mutating func operatorName() throws(ControlFailure) -> String {
        let name = try requiredString("operator").trimmingCharacters(in: .whitespaces)
        guard name.count <= 100, !name.contains(where: \.isNewline) else {
            throw ControlFailure(
                .invalidField, "an operator name is one line of at most 100 characters",
                field: "operator")
        }
        return name
    }

    mutating func comment() throws(ControlFailure) -> String? {
        guard let comment = try string("comment") else { return nil }
        guard comment.count <= 2_000 else {
            throw ControlFailure(.invalidField, "a comment has at most 2000 characters", field: "comment")
        }
        return comment.isEmpty ? nil : comment
    }

    func rejectUnread() throws(ControlFailure) {
        guard let unknown = remaining.keys.sorted().first else { return }
        throw ControlFailure(.invalidField, "unknown key '\(unknown)' for this command", field: unknown)
    }
}
