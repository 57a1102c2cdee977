import CarbonCore
import Foundation
import HTTPTypes

/// The filters of `GET /api/v1/audit`, read from the query string. Every parameter is checked
/// before anything runs; an unknown or malformed one is a 422 naming it.
struct AuditQuery: Sendable, Equatable {
    var actorID: String?
    /// A prefix: `agents.` finds every agent action.
    var action: String?
    var outcome: String?
    var organisationID: String?
    /// Microseconds, inclusive.
    var from: Int64?
    /// Microseconds, exclusive.
    var to: Int64?
    var afterSequence: Int64 = 0
    var limit: Int = 100

    static let maximumLimit = 1_000
    static let outcomes = ["success", "denied", "failure"]
    static var names: [String] { parameters.map(\.name) }

    init() {}

    /// The documented parameters, in `names` order.
    static let parameters: [QueryParameter] = [
        QueryParameter("actor_id", .string(maxLength: 200, minLength: 1)),
        QueryParameter("action", .string(maxLength: 200, minLength: 1), "a prefix, e.g. agents."),
        QueryParameter("outcome", .string(values: outcomes)),
        QueryParameter("organisation_id", .uuid),
        QueryParameter("from", QueryParameter.time, "inclusive"),
        QueryParameter("to", QueryParameter.time, "exclusive"),
        QueryParameter("after_sequence", .integer(minimum: 0)),
        QueryParameter("limit", .integer(minimum: 1, maximum: Int64(maximumLimit))),
    ]

    init(parameters: [(key: String, value: String)]) throws {
        var seen: Set<String> = []
        for (key, value) in parameters {
            guard Self.names.contains(key) else {
                throw APIError(.unprocessableContent, "unknown_parameter",
                               "unknown query parameter '\(key)'; accepted: \(Self.names.joined(separator: ", "))",
                               field: key)
            }
            guard seen.insert(key).inserted else { throw APIError.invalidField(key, "'\(key)' is given twice") }
            switch key {
            case "actor_id": actorID = try Self.text(value, field: key)
            case "action": action = try Self.text(value, field: key)
            case "outcome":
                guard Self.outcomes.contains(value) else {
                    throw APIError.invalidField(key, "outcome is one of: \(Self.outcomes.joined(separator: ", "))")
                }
                outcome = value
            case "organisation_id": organisationID = try OrganisationValidation.id(value, field: key)
            case "from": from = try Self.time(value, field: key)
            case "to": to = try Self.time(value, field: key)
            case "after_sequence":
                guard let number = Int64(value), number >= 0 else {
                    throw APIError.invalidField(key, "after_sequence is a whole number, 0 or more")
                }
                afterSequence = number
            default:
                guard let number = Int(value), (1...Self.maximumLimit).contains(number) else {
                    throw APIError.invalidField(key, "limit is a whole number from 1 to \(Self.maximumLimit)")
                }
                limit = number
            }
        }
        if let from, let to, from > to { throw APIError.invalidField("to", "'to' is before 'from'") }
    }

    private static func text(_ value: String, field: String) throws -> String {
        guard !value.isEmpty, value.utf8.count <= 200 else { throw APIError.invalidField(field, "1 to 200 characters") }
        return value
    }

    /// ISO 8601 with a zone, with or without fractional seconds.
    static func time(_ value: String, field: String) throws -> Int64 {
        let styles = [Date.ISO8601FormatStyle(includingFractionalSeconds: true),
                      Date.ISO8601FormatStyle(includingFractionalSeconds: false)]
        for style in styles {
            if let date = try? style.parse(value) { return ServiceClock.micros(date) }
        }
        throw APIError.invalidField(field, "'\(field)' must be an ISO 8601 time with a zone, e.g. 2025-11-25T10:00:00Z")
    }

    /// The filters as audit details: who searched for what is part of the trail.
    var details: [String: String] {
        var details: [String: String] = ["limit": String(limit), "after_sequence": String(afterSequence)]
        details["actor_id"] = actorID
        details["action"] = action
        details["outcome"] = outcome
        details["organisation_id"] = organisationID
        details["from"] = from.map(ServiceClock.iso)
        details["to"] = to.map(ServiceClock.iso)
        return details
    }

    /// The WHERE conditions for these filters, with their parameters appended.
    func conditions(_ parameters: inout [SQLValue]) -> [String] {
        var conditions: [String] = []
        func add(_ value: SQLValue, _ make: (Int) -> String) {
            parameters.append(value)
            conditions.append(make(parameters.count))
        }
        add(.integer(afterSequence)) { "l.sequence > $\($0)" }
        if let actorID { add(.text(actorID)) { "l.actor_id = $\($0)" } }
        if let action { add(.text(action)) { "substr(l.action, 1, length($\($0))) = $\($0)" } }
        if let outcome { add(.text(outcome)) { "l.outcome = $\($0)" } }
        if let organisationID { add(.text(organisationID)) { "l.organisation_id = $\($0)" } }
        if let from { add(.integer(from)) { "l.time >= $\($0)" } }
        if let to { add(.integer(to)) { "l.time < $\($0)" } }
        return conditions
    }
}

/// `GET /api/v1/audit` reply: records in sequence order, and where to continue. The cursor is the
/// last record examined (not only the last returned), so a page whose rows were all hidden from
/// the caller still moves the search forward; it is null when the log has nothing further.
struct AuditSearchReply: Encodable, Sendable {
    let records: [AuditRecord]
    let nextAfterSequence: Int64?

    enum CodingKeys: String, CodingKey {
        case records
        case nextAfterSequence = "next_after_sequence"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(records, forKey: .records)
        try container.encode(nextAfterSequence, forKey: .nextAfterSequence)
    }

    static let recordSchema = JSONSchema.object(
        ["sequence": .integer(minimum: 1), "id": .uuid, "time": .integer(), "actor_id": .string(), "actor_kind": .string(),
         "organisation_id": .string(), "action": .string(), "target": .string(), "outcome": .string(),
         "request_id": .string(), "source_address": .string(), "details": .map(.string()), "previous_hash": .string(),
         "hash": .string()],
        required: ["sequence", "id", "time", "actor_kind", "action", "outcome", "request_id", "source_address", "details",
                   "previous_hash", "hash"])

    static let schema = JSONSchema.object(
        ["records": .array(recordSchema), "next_after_sequence": .nullable(.integer(minimum: 1))],
        required: ["records", "next_after_sequence"])
}
