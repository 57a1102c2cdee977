import Foundation  // Date, Decimal

/// Time arithmetic for the alarm engine at millisecond resolution. `Date` differences are binary
/// floating point; rounding them to whole milliseconds makes "held for 30 s" exact and the same
/// before and after a restore, and keeps `Double` out of every reported figure.
enum AlarmTime {
    /// Whole milliseconds from `start` to `end` (negative when `end` is earlier).
    static func milliseconds(from start: Date, to end: Date) -> Int64 {
        Int64((end.timeIntervalSince(start) * 1000).rounded())
    }

    static func elapsed(from start: Date, to end: Date) -> Duration {
        .milliseconds(milliseconds(from: start, to: end))
    }

    /// Exact seconds of a millisecond count, for reported figures (`"301.5"`).
    static func seconds(milliseconds: Int64) -> Decimal {
        Decimal(milliseconds) / 1000
    }

    /// Parses a duration written as plain seconds (`"30"`, `"1.5"`), rounded to the millisecond.
    /// ISO 8601 (`PT30S`) is refused on purpose: one spelling, like every other number here.
    static func parseSeconds(_ text: String) throws(CalculationError) -> Duration {
        let seconds = try DecimalText.parse(text)
        guard seconds >= 0 else {
            throw CalculationError(.negativeQuantity, "a duration cannot be negative ('\(text)' seconds)")
        }
        // 10^12 ms is about 31 years: anything longer is a typo, and it keeps Int64 far from overflow.
        let milliseconds = (seconds * 1000).rounded(places: 0)
        guard milliseconds < 1_000_000_000_000, let whole = Int64(DecimalText.plain(milliseconds)) else {
            throw CalculationError(.invalidInput, "'\(text)' seconds is too long for a duration")
        }
        return .milliseconds(whole)
    }
}

extension Duration {
    /// The exact number of seconds, as a decimal (`1.5` for 1500 ms).
    var exactSeconds: Decimal {
        let (seconds, attoseconds) = components
        return Decimal(seconds) + Decimal(attoseconds) / Decimal(sign: .plus, exponent: 18, significand: 1)
    }

    /// Plain seconds text for JSON (`"1.5"`), the inverse of `AlarmTime.parseSeconds`.
    var secondsText: String { DecimalText.plain(exactSeconds) }
}
