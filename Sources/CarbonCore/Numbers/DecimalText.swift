import Foundation

/// Decimal numbers as text, strictly: reported figures never pass through `Double`, and JSON
/// carries them as strings. `Decimal(string:)` alone accepts `"12abc"` as 12, so the grammar is
/// checked first.
public enum DecimalText {
    /// Parses `[+-]digits[.digits]`, optionally with an exponent (`1.5e3`). Thousands separators,
    /// spaces inside the number, `nan` and `inf` are refused.
    public static func parse(_ text: String) throws(CalculationError) -> Decimal {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard isWellFormed(trimmed), let value = Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX"))
        else {
            throw CalculationError(.invalidNumber, "'\(text)' is not a decimal number (write it like \"1234.5\")")
        }
        return value
    }

    static func isWellFormed(_ text: String) -> Bool {
        var chars = Substring(text)
        if chars.first == "+" || chars.first == "-" { chars = chars.dropFirst() }
        var mantissa = chars
        var exponent: Substring? = nil
        if let e = chars.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = chars[..<e]
            exponent = chars[chars.index(after: e)...]
        }
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit) else { return false }
        if parts.count == 2 { guard !parts[1].isEmpty, parts[1].allSatisfy(\.isASCIIDigit) else { return false } }
        if var exponent {
            if exponent.first == "+" || exponent.first == "-" { exponent = exponent.dropFirst() }
            guard !exponent.isEmpty, exponent.count <= 3, exponent.allSatisfy(\.isASCIIDigit) else { return false }
        }
        return true
    }

    /// Fixed-point text with exactly `places` decimals, rounded half-up once: `format(2.5, 0)` is `"3"`.
    public static func format(_ value: Decimal, places: Int) -> String {
        let rounded = value.rounded(places: places)
        var text = plain(rounded)
        guard places > 0 else { return text }
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: text.index(after: dot), to: text.endIndex)
            text += String(repeating: "0", count: max(0, places - decimals))
        } else {
            text += "." + String(repeating: "0", count: places)
        }
        return text
    }

    /// The exact value as plain decimal text, without exponent and without trailing zeros.
    public static func plain(_ value: Decimal) -> String {
        var text = value.description
        if text == "-0" { text = "0" }
        return text
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Decimal {
    /// Rounded half-up (away from zero at exactly one half) to `places` decimals. Call it once,
    /// at the end: decisions are taken on the unrounded value.
    public func rounded(places: Int) -> Decimal {
        var source = self
        var result = Decimal()
        NSDecimalRound(&result, &source, places, .plain)
        return result
    }

    /// `self × 44 / 12`: carbon mass to CO2 mass. Multiplying first keeps one more exact step.
    public var carbonToCO2: Decimal { self * 44 / 12 }
}
