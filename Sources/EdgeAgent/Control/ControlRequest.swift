import CarbonCore
import Foundation

/// One control request, parsed and checked. The wire form is one JSON object per line:
///
///     {"command": "list", "tag": "boiler-1/*", "state": "unacknowledged", "priority": "high"}
///     {"command": "history", "limit": 20, "tag": "stack1.co2"}
///     {"command": "ack", "tag": "stack1.co2", "kind": "HH", "operator": "li", "comment": "fan 2 tripped"}
///     {"command": "ack", "tag": "stack1.co2", "kind": "all", "operator": "li"}
///     {"command": "shelve", "tag": "stack1.co2", "kind": "H", "duration": "7200", "operator": "li", "comment": "cal."}
///     {"command": "shelve", "tag": "stack1.co2", "kind": "H", "until": "2024-06-01T10:00:00Z", "operator": "li"}
///     {"command": "unshelve", "tag": "stack1.co2", "kind": "H", "operator": "li"}
///
/// `state` is one of `not_normal` (default), `active`, `unacknowledged`, `shelved`, `suppressed`,
/// `all`; `priority` is the lowest priority listed; `kind` is HH, H, L, LL, ROC, STALE, COMM (any
/// case); `duration` is seconds as a string, like every number in the product; `limit` (1–1000,
/// default 50) is a count and may be a plain integer. Unknown keys are refused.
enum ControlRequest: Sendable, Hashable {
    case list(AlarmFilter)
    case history(limit: Int, tag: String?)
    /// `kind` nil: every alarm of the tag.
    case acknowledge(tag: String, kind: AlarmKind?, operatorName: String, comment: String?)
    case shelve(tag: String, kind: AlarmKind, end: ShelveEnd, operatorName: String, comment: String?)
    case unshelve(tag: String, kind: AlarmKind, operatorName: String, comment: String?)

    enum ShelveEnd: Sendable, Hashable {
        case until(Date)
        case duration(Duration)
    }

    static let commands = ["list", "history", "ack", "shelve", "unshelve"]
    /// Shelving is for a shift or a maintenance job, not for good: ten years is surely a typo.
    static let longestShelve: Duration = .seconds(10 * 366 * 86_400)

    static func parse(_ line: Data) throws(ControlFailure) -> ControlRequest {
        let object: [String: ControlJSONValue]
        do {
            object = try JSONDecoder().decode([String: ControlJSONValue].self, from: line)
        } catch {
            throw ControlFailure(.badRequest, "a request is one JSON object per line: \(Self.reason(error))")
        }
        var fields = ControlFields(object)
        let command = try fields.requiredString("command")
        let request: ControlRequest
        switch command {
        case "list":
            request = .list(try listFilter(&fields))
        case "history":
            request = .history(
                limit: try fields.count("limit", default: 50, in: 1...1_000), tag: try fields.string("tag"))
        case "ack":
            let tag = try fields.requiredString("tag")
            let kind = try fields.requiredString("kind")
            request = .acknowledge(
                tag: tag, kind: kind.lowercased() == "all" ? nil : try kindValue(kind),
                operatorName: try fields.operatorName(), comment: try fields.comment())
        case "shelve":
            let tag = try fields.requiredString("tag")
            let kind = try kindValue(try fields.requiredString("kind"))
            request = .shelve(
                tag: tag, kind: kind, end: try shelveEnd(&fields), operatorName: try fields.operatorName(),
                comment: try fields.comment())
        case "unshelve":
            let tag = try fields.requiredString("tag")
            let kind = try kindValue(try fields.requiredString("kind"))
            request = .unshelve(
                tag: tag, kind: kind, operatorName: try fields.operatorName(), comment: try fields.comment())
        default:
            throw ControlFailure(
                .unknownCommand, "unknown command '\(command)'; accepted: \(commands.joined(separator: ", "))",
                field: "command")
        }
        try fields.rejectUnread()
        return request
    }

    private static func listFilter(_ fields: inout ControlFields) throws(ControlFailure) -> AlarmFilter {
        var filter = AlarmFilter(tag: try fields.string("tag"))
        if let state = try fields.string("state") {
            guard let states = AlarmFilter.States(rawValue: state) else {
                let accepted = AlarmFilter.States.allCases.map(\.rawValue).joined(separator: ", ")
                throw ControlFailure(.invalidField, "unknown state '\(state)'; accepted: \(accepted)", field: "state")
            }
            filter.states = states
        }
        if let priority = try fields.string("priority") {
            guard let minimum = AlarmPriority(rawValue: priority.lowercased()) else {
                let accepted = AlarmPriority.allCases.map(\.rawValue).joined(separator: ", ")
                throw ControlFailure(
                    .invalidField, "unknown priority '\(priority)'; accepted: \(accepted)",
                    field: "priority")
            }
            filter.minimumPriority = minimum
        }
        return filter
    }

    static func kindValue(_ text: String) throws(ControlFailure) -> AlarmKind {
        guard let kind = AlarmKind.allCases.first(where: { $0.rawValue == text.uppercased() }) else {
            let accepted = AlarmKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw ControlFailure(.invalidField, "unknown alarm kind '\(text)'; accepted: \(accepted)", field: "kind")
        }
        return kind
    }

    private static func shelveEnd(_ fields: inout ControlFields) throws(ControlFailure) -> ShelveEnd {
        let until = try fields.string("until")
        let duration = try fields.string("duration")
        switch (until, duration) {
        case (let until?, nil):
            guard let date = AlarmWire.date(until) else {
                throw ControlFailure(
                    .invalidField, "'\(until)' is not an ISO 8601 time with a zone (2024-06-01T10:00:00Z)",
                    field: "until")
            }
            return .until(date)
        case (nil, let duration?):
            let seconds: Duration
            do {
                seconds = try Duration.milliseconds(Self.milliseconds(duration))
            } catch {
                throw ControlFailure(
                    .invalidField, "'\(duration)' is not a number of seconds (\"7200\")", field: "duration")
            }
            guard seconds > .zero, seconds <= longestShelve else {
                throw ControlFailure(
                    .invalidField, "a shelve lasts more than 0 seconds and at most 10 years",
                    field: "duration")
            }
            return .duration(seconds)
        case (nil, nil):
            throw ControlFailure(.missingField, "a shelve needs 'until' or 'duration'", field: "duration")
        case (.some, .some):
            throw ControlFailure(.invalidField, "give 'until' or 'duration', not both", field: "until")
        }
    }

    private static func milliseconds(_ text: String) throws(CalculationError) -> Int64 {
        let thousandths = (try DecimalText.parse(text) * 1_000).rounded(places: 0)
        guard thousandths < 1e15, let whole = Int64(DecimalText.plain(thousandths)) else {
            throw CalculationError(.invalidInput, "too long")
        }
        return whole
    }

    private static func reason(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .typeMismatch: return "expected an object"
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? "not valid JSON"
        default: return "not valid JSON"
        }
    }
}
