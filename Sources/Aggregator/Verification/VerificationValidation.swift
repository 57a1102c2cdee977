import HTTPTypes
import Foundation

/// Field rules shared by verification and report bodies. Each throws a 422 naming the field.
enum VerificationValidation {
    static let dateSchema = JSONSchema.string(format: "date", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    static let kindSchema = JSONSchema.string(pattern: "^[a-z][a-z0-9_.-]{0,63}$")
    static let longText = JSONSchema.string(maxLength: 10_000)

    /// A short required text (names, titles): 1 to 200 characters, not only spaces.
    static func name(_ value: String, field: String) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, value.count <= 200 else {
            throw APIError.invalidField(field, "'\(field)' has 1 to 200 characters")
        }
        return try clean(trimmed, field: field)
    }

    /// Free text up to `limit` characters (may be empty).
    static func text(_ value: String?, field: String, limit: Int = 10_000) throws -> String {
        let value = value ?? ""
        guard value.count <= limit else { throw APIError.invalidField(field, "'\(field)' has at most \(limit) characters") }
        return try clean(value, field: field)
    }

    /// PostgreSQL text cannot hold NUL; refusing it here keeps both backends answering alike.
    static func clean(_ value: String, field: String) throws -> String {
        guard !value.utf8.contains(0) else { throw APIError.invalidField(field, "'\(field)' contains a NUL character") }
        return value
    }

    static func kind(_ value: String, field: String) throws -> String {
        guard value.range(of: "^[a-z][a-z0-9_.-]{0,63}$", options: .regularExpression) != nil else {
            throw APIError.invalidField(field, "'\(field)' is a lower-case word such as 'inventory_version'")
        }
        return value
    }

    static func oneOf(_ value: String, _ allowed: [String], field: String) throws -> String {
        guard allowed.contains(value) else {
            throw APIError.invalidField(field, "'\(field)' must be one of: \(allowed.joined(separator: ", "))")
        }
        return value
    }

    /// A calendar date `YYYY-MM-DD` that exists (no 2025-02-30).
    static func date(_ value: String, field: String) throws -> String {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard value.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]),
              let day = Int(parts[2]), parts[0].count == 4, (1...12).contains(month), (1...31).contains(day)
        else { throw APIError.invalidField(field, "'\(field)' must be a date YYYY-MM-DD") }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
              calendar.component(.day, from: date) == day, calendar.component(.month, from: date) == month
        else { throw APIError.invalidField(field, "'\(field)' is not a real date") }
        return value
    }

    static func id(_ value: String, field: String) throws -> String {
        guard UUID(uuidString: value) != nil else { throw APIError.invalidField(field, "'\(field)' must be a UUID") }
        return value.lowercased()
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
