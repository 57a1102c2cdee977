import Foundation

/// Decimal numbers as text, strictly: reported figures never pass through `Double`, and JSON
/// carries them as strings. `Decimal(string:)` alone accepts `"12abc"` as 12, so the grammar is
/// checked first.
public enum DecimalText {
    /// Parses `[+-]digits[.digits]`, optionally with an exponent (`1.5e3`). Thousands separators,
    /// spaces inside the number, `nan` and `inf` are refused.
    public static func parse(_ text: String) throws(CalculationError) -> Decimal {
        var bytes = text
        if let fast = bytes.withUTF8({ parsePlain(UnsafeRawBufferPointer($0)) }) { return fast.value }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard isWellFormed(trimmed), let value = Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX"))
        else {
            throw CalculationError(.invalidNumber, "'\(text)' is not a decimal number (write it like \"1234.5\")")
        }
        return value
    }

    /// The fast path of `parse` for what agents send: `[+-]digits[.digits]` in ASCII with at most
    /// 19 significant digits, no spaces, no exponent. Returns the value and its `plain` text (built
    /// from the digits, not from the `Decimal`, whose `description` dominated ingest profiles), or
    /// nil when the text needs the general path (which also produces the error).
    public static func parsePlain(_ bytes: UnsafeRawBufferPointer) -> (value: Decimal, text: String)? {
        let n = bytes.count
        var i = 0
        var negative = false
        if i < n, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var significant = 0
        let wholeStart = i
        var firstNonZero = -1  // index of the first significant whole digit
        while i < n, bytes[i] &- 0x30 < 10 {
            if firstNonZero < 0, bytes[i] != 0x30 { firstNonZero = i }
            if firstNonZero >= 0 {
                guard significant < 19 else { return nil }
                mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 0x30)
                significant += 1
            }
            i += 1
        }
        let wholeEnd = i
        guard wholeEnd > wholeStart else { return nil }
        var scale = 0
        var lastNonZeroFraction = -1
        var fractionStart = i
        if i < n, bytes[i] == UInt8(ascii: ".") {
            i += 1
            fractionStart = i
            while i < n, bytes[i] &- 0x30 < 10 {
                if bytes[i] != 0x30 { lastNonZeroFraction = i }
                if mantissa != 0 || bytes[i] != 0x30 {
                    guard significant < 19 else { return nil }
                    significant += 1
                }
                mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 0x30)
                i += 1
            }
            guard i > fractionStart else { return nil }
            scale = i - fractionStart
        }
        guard i == n else { return nil }
        guard mantissa != 0 else { return (Decimal(), "0") }
        let value = Decimal(sign: negative ? .minus : .plus, exponent: -scale, significand: Decimal(mantissa))
        // The plain text: sign, whole digits without leading zeros (at least "0"), and the
        // fraction without trailing zeros.
        var text: [UInt8] = []
        text.reserveCapacity(n + 1)
        if negative { text.append(UInt8(ascii: "-")) }
        if firstNonZero >= 0 {
            text.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[firstNonZero..<wholeEnd]))
        } else {
            text.append(UInt8(ascii: "0"))
        }
        if lastNonZeroFraction >= 0 {
            text.append(UInt8(ascii: "."))
            text.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[fractionStart...lastNonZeroFraction]))
        }
        return (value, String(decoding: text, as: UTF8.self))
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
