import Foundation

/// One clock hour on the UTC time line, counted as whole hours since 1970-01-01T00:00:00Z.
///
/// CEMS records are keyed by the hour they start. Parsing is a fixed format done with integer
/// calendar arithmetic (proleptic Gregorian, Howard Hinnant's days-from-civil), so it needs no
/// `Calendar`, `TimeZone`, locale or clock and gives the same hour on every machine.
struct UTCHour: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Hours since 1970-01-01T00:00:00Z (negative before it).
    let index: Int

    init(index: Int) { self.index = index }

    static func < (lhs: UTCHour, rhs: UTCHour) -> Bool { lhs.index < rhs.index }

    /// Accepts `YYYY-MM-DDTHH:00:00Z` or `YYYY-MM-DDTHH:00:00+00:00` (also `HH:00Z`): the start of
    /// an hour, in UTC. Minutes and seconds other than zero are refused, because a record that
    /// does not start on the hour cannot be placed in the hourly series without a rule for it.
    static func parse(_ text: String) throws(CalculationError) -> UTCHour {
        let expected = "'\(text)' is not an hour start in UTC (write it like \"2024-01-01T05:00:00Z\")"
        var chars = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        if chars.count >= 6, String(decoding: chars.suffix(6), as: UTF8.self) == "+00:00" {
            chars.removeLast(6)
        } else if chars.last == UInt8(ascii: "Z") {
            chars.removeLast()
        } else {
            throw CalculationError(.invalidInput, expected + "; only UTC ('Z' or '+00:00') is accepted")
        }
        // YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS
        guard chars.count == 16 || chars.count == 19 else { throw CalculationError(.invalidInput, expected) }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let char = chars[index]
                guard char >= UInt8(ascii: "0"), char <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(char - UInt8(ascii: "0"))
            }
            return value
        }
        let separators: [(Int, Character)] = [(4, "-"), (7, "-"), (10, "T"), (13, ":")] + (chars.count == 19 ? [(16, ":")] : [])
        for (position, separator) in separators where chars[position] != separator.asciiValue {
            throw CalculationError(.invalidInput, expected)
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16),
              let second = chars.count == 19 ? number(17..<19) : 0
        else { throw CalculationError(.invalidInput, expected) }
        guard year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour <= 23
        else { throw CalculationError(.invalidInput, "'\(text)' is not a valid date and hour") }
        guard minute == 0, second == 0 else {
            throw CalculationError(.invalidInput, "'\(text)' does not start on the hour (minutes and seconds must be 00)")
        }
        return UTCHour(index: daysFromCivil(year, month, day) * 24 + hour)
    }

    /// `2024-01-01T05:00:00Z`.
    var description: String {
        let days = index >= 0 ? index / 24 : (index - 23) / 24
        let hour = index - days * 24
        let (year, month, day) = UTCHour.civilFromDays(days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return "\(yearText)-\(two(month))-\(two(day))T\(two(hour)):00:00Z"
    }

    func advanced(by hours: Int) -> UTCHour { UTCHour(index: index + hours) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
