import CarbonCore
import Foundation

/// Checks of the `alarms` arguments done before anything is sent, so a typo is one clear line and
/// exit status 2 even when the agent is not reachable.
enum AlarmsArguments {
    /// `2h`, `90m`, `1h30m`, `45s`, `1d`, or plain seconds (`7200`), as whole seconds.
    static func seconds(_ text: String) throws(Failure) -> Int {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        var total = 0
        var digits = ""
        var sawUnit = false
        for character in trimmed {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if let unit = units[character], let amount = Int(digits), amount <= 1_000_000 {
                total += amount * unit
                digits = ""
                sawUnit = true
            } else {
                throw Self.badDuration(text)
            }
        }
        if !digits.isEmpty {
            // Trailing digits without a unit: seconds, but only as the whole argument (`1h30` is ambiguous).
            guard !sawUnit, let amount = Int(digits), amount <= 1_000_000_000 else { throw Self.badDuration(text) }
            total = amount
        }
        guard total > 0 else { throw Self.badDuration(text) }
        return total
    }

    private static func badDuration(_ text: String) -> Failure {
        Failure("--for: '\(text)' is not a duration; write e.g. 2h, 90m, 1h30m, 45s, 1d or 7200 (seconds)")
    }

    /// An alarm kind in any case (`hh` → `HH`); with `allowAll`, also `all`.
    static func kind(_ text: String, allowAll: Bool = false) throws(Failure) -> String {
        if allowAll && text.lowercased() == "all" { return "all" }
        guard let kind = AlarmKind.allCases.first(where: { $0.rawValue == text.uppercased() }) else {
            let accepted = AlarmKind.allCases.map(\.rawValue) + (allowAll ? ["all"] : [])
            throw Failure("kind: unknown alarm kind '\(text)'; accepted: \(accepted.joined(separator: ", "))")
        }
        return kind.rawValue
    }

    /// An ISO 8601 time with a zone, passed on as given once it parses.
    static func until(_ text: String) throws(Failure) -> String {
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let whole = Date.ISO8601FormatStyle(includingFractionalSeconds: false)
        guard (try? fractional.parse(text)) != nil || (try? whole.parse(text)) != nil else {
            throw Failure("--until: '\(text)' is not an ISO 8601 time with a zone, e.g. 2024-06-01T10:00:00Z")
        }
        return text
    }

    /// `--operator`, else `$USER`: someone must be named.
    static func operatorName(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(Failure) -> String
    {
        let name = (option ?? environment["USER"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw Failure("--operator: no operator name given and $USER is not set") }
        return name
    }

    static func format(_ text: String) throws(Failure) -> AlarmsFormat {
        guard let format = AlarmsFormat(rawValue: text.lowercased()) else {
            throw Failure("--format: '\(text)' is not one of table, json")
        }
        return format
    }

    static func limit(_ text: String) throws(Failure) -> Int {
        guard let limit = Int(text), (1...1_000).contains(limit) else {
            throw Failure("--limit: '\(text)' is not a whole number from 1 to 1000")
        }
        return limit
    }
}

enum AlarmsFormat: String, CaseIterable {
    case table, json
}
