import CarbonCore
import Foundation

/// A refused request, sent as `{"error": {"code": "...", "message": "...", "field": "..."}}`
/// (`field` only when one field is at fault).
struct ControlFailure: Error, Sendable, Hashable, CustomStringConvertible {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        let rawValue: String
        /// Not JSON, not an object, not UTF-8.
        static let badRequest = Code(rawValue: "bad_request")
        /// A line longer than the server accepts; the connection is closed after this reply.
        static let requestTooLarge = Code(rawValue: "request_too_large")
        static let unknownCommand = Code(rawValue: "unknown_command")
        static let missingField = Code(rawValue: "missing_field")
        /// A field of the wrong type or value, an unknown key, an alarm the tag does not have.
        static let invalidField = Code(rawValue: "invalid_field")
        /// No alarm rule watches the tag.
        static let unknownTag = Code(rawValue: "unknown_tag")
        /// The peer is neither root, the agent, nor in the socket's group.
        static let forbidden = Code(rawValue: "forbidden")
        /// Too many connections at once.
        static let busy = Code(rawValue: "busy")
        /// The alarm store failed or is closed.
        static let unavailable = Code(rawValue: "unavailable")
        var description: String { rawValue }
    }

    var code: Code
    var message: String
    var field: String?

    init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    init(_ error: AlarmServiceError) {
        switch error.code {
        case .unknownTag: self.init(.unknownTag, error.message, field: error.field ?? "tag")
        case .invalidRequest: self.init(.invalidField, error.message, field: error.field)
        default: self.init(.unavailable, error.description)
        }
    }

    var description: String { field.map { "\(code): \($0): \(message)" } ?? "\(code): \(message)" }
}

/// The reply shapes, encoded with `AlarmWire` (one line, keys sorted, times ISO 8601 UTC with
/// milliseconds, decimals as strings; absent values are left out).
enum ControlReply {
    struct Alarms: Encodable { var alarms: [Alarm] }
    struct Transitions: Encodable { var transitions: [Transition] }
    struct Failure: Encodable {
        struct Body: Encodable {
            var code: String
            var message: String
            var field: String?
        }
        var error: Body
    }

    struct Alarm: Encodable {
        var tag: String
        var kind: AlarmKind
        var state: AlarmState
        var priority: AlarmPriority
        var value: String?
        var limit: String?
        var since: Date?
        var conditionActive: Bool
        var latched: Bool
        var shelf: Shelf?
        var suppression: String?

        enum CodingKeys: String, CodingKey {
            case tag, kind, state, priority, value, limit, since, latched, shelf, suppression
            case conditionActive = "condition_active"
        }

        init(_ listing: AlarmListing) {
            let status = listing.status
            tag = status.tag
            kind = status.kind
            state = status.state
            priority = status.priority
            value = status.value.map(DecimalText.plain)
            limit = status.limit.map(DecimalText.plain)
            since = listing.since
            conditionActive = status.conditionActive
            latched = status.latched
            shelf = status.shelf.map { Shelf(by: $0.by, since: $0.since, until: $0.until, comment: $0.comment) }
            suppression = status.suppression
        }
    }

    struct Shelf: Encodable {
        var by: String
        var since: Date
        var until: Date
        var comment: String?
    }

    struct Transition: Encodable {
        var id: Int64
        var tag: String
        var kind: AlarmKind
        var priority: AlarmPriority
        var from: AlarmState
        var to: AlarmState
        var cause: AlarmCause
        var time: Date
        var value: String?
        var limit: String?
        var quality: ReadingQuality?
        var operatorName: String?
        var operatorUID: UInt32?
        var comment: String?
        var synced: Bool

        enum CodingKeys: String, CodingKey {
            case id, tag, kind, priority, from, to, cause, time, value, limit, quality, comment, synced
            case operatorName = "operator", operatorUID = "operator_uid"
        }

        init(_ stored: StoredAlarmTransition) {
            let transition = stored.transition
            id = stored.id
            tag = transition.tag
            kind = transition.kind
            priority = transition.priority
            from = transition.from
            to = transition.to
            cause = transition.cause
            time = transition.time
            value = transition.value.map(DecimalText.plain)
            limit = transition.limit.map(DecimalText.plain)
            quality = transition.quality
            operatorName = transition.operatorName
            operatorUID = stored.operatorUID
            comment = transition.comment
            synced = stored.synced
        }
    }

    static func alarms(_ listings: [AlarmListing]) -> Data {
        encode(Alarms(alarms: listings.map(Alarm.init)))
    }

    static func transitions(_ stored: [StoredAlarmTransition]) -> Data {
        encode(Transitions(transitions: stored.map(Transition.init)))
    }

    static func failure(_ failure: ControlFailure) -> Data {
        encode(Failure(error: .init(code: failure.code.rawValue, message: failure.message, field: failure.field)))
    }

    private static func encode<T: Encodable>(_ value: T) -> Data {
        // These shapes hold strings, numbers, booleans and dates only: encoding cannot fail.
        (try? AlarmWire.line(value))
            ?? Data(#"{"error":{"code":"unavailable","message":"the reply could not be encoded"}}"#.utf8)
    }
}
