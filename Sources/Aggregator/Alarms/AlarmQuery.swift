import CarbonCore
import Foundation
import HTTPTypes

/// The filters of `GET /api/v1/alarms` and `GET /api/v1/alarm-events`, read from the query
/// string. Every parameter is checked before anything runs; an unknown or malformed one is a 422
/// naming it. Both lists are further limited to the caller's subtree by the service.
struct AlarmQuery: Sendable, Equatable {
    enum Target: Sendable { case alarms, events }

    var organisationID: String?
    var siteID: String?
    var state: String?
    var priority: String?
    var tag: String?
    var kind: String?
    var operatorName: String?
    var alarmID: String?
    /// Microseconds, inclusive (alarms: `since`; events: `time`).
    var from: Int64?
    /// Microseconds, exclusive.
    var to: Int64?
    var limit: Int = 200

    static let maximumLimit = 1_000

    /// The declared parameters of each list route (documented in /openapi.json).
    static func parameters(_ target: Target) -> [QueryParameter] {
        names(target).map { name in
            switch name {
            case "organisation_id", "site_id", "alarm_id": QueryParameter(name, .uuid)
            case "state": QueryParameter(name, .string(values: CentralAlarm.states))
            case "priority": QueryParameter(name, .string(values: CentralAlarm.priorities))
            case "kind": QueryParameter(name, .string(values: CentralAlarm.kinds))
            case "from", "to": QueryParameter(name, QueryParameter.time)
            case "limit": QueryParameter(name, .integer(minimum: 1, maximum: Int64(maximumLimit)))
            default: QueryParameter(name, .string(maxLength: 200))
            }
        }
    }

    static func names(_ target: Target) -> [String] {
        let common = ["organisation_id", "site_id", "state", "tag", "kind", "from", "to", "limit"]
        switch target {
        case .alarms: return common + ["priority"]
        case .events: return common + ["operator", "alarm_id"]
        }
    }

    init() {}

    /// The route table has refused undeclared parameters and checked each one's schema already.
    init(parameters: [(key: String, value: String)], target: Target) throws {
        var seen: Set<String> = []
        for (key, value) in parameters {
            guard seen.insert(key).inserted else { throw APIError.invalidField(key, "'\(key)' is given twice") }
            switch key {
            case "organisation_id": organisationID = try OrganisationValidation.id(value, field: key)
            case "site_id": siteID = try OrganisationValidation.id(value, field: key)
            case "alarm_id": alarmID = try OrganisationValidation.id(value, field: key)
            case "state": state = try Self.oneOf(value, CentralAlarm.states, field: key)
            case "priority": priority = try Self.oneOf(value, CentralAlarm.priorities, field: key)
            case "kind": kind = try Self.oneOf(value, CentralAlarm.kinds, field: key)
            case "tag": tag = try Self.text(value, field: key)
            case "operator": operatorName = try Self.text(value, field: key)
            case "from": from = try AuditQuery.time(value, field: key)
            case "to": to = try AuditQuery.time(value, field: key)
            default:
                guard let number = Int(value), (1...Self.maximumLimit).contains(number) else {
                    throw APIError.invalidField(key, "limit is a whole number from 1 to \(Self.maximumLimit)")
                }
                limit = number
            }
        }
        if let from, let to, from > to { throw APIError.invalidField("to", "'to' is before 'from'") }
    }

    /// The SQL conditions beyond the subtree filter, on `table` (`a` alarms, `e` events).
    func conditions(_ table: String, target: Target, parameters: inout [SQLValue]) -> [String] {
        var out: [String] = []
        func add(_ sql: (Int) -> String, _ value: SQLValue) {
            parameters.append(value)
            out.append(sql(parameters.count))
        }
        if let organisationID {
            // The subtree of that organisation (none when it does not exist).
            let root = { (n: Int) in "(SELECT path FROM organisations WHERE id = $\(n))" }
            add({ "substr(o.path, 1, length(\(root($0)))) = \(root($0))" }, .text(organisationID))
        }
        if let siteID { add({ "\(table).organisation_id = $\($0)" }, .text(siteID)) }
        if let tag { add({ "\(table).tag = $\($0)" }, .text(tag)) }
        if let kind { add({ "\(table).kind = $\($0)" }, .text(kind)) }
        let time = target == .alarms ? "since" : "time"
        if let from { add({ "\(table).\(time) >= $\($0)" }, .integer(from)) }
        if let to { add({ "\(table).\(time) < $\($0)" }, .integer(to)) }
        switch target {
        case .alarms:
            if let state { add({ "a.state = $\($0)" }, .text(state)) }
            if let priority { add({ "a.priority = $\($0)" }, .text(priority)) }
        case .events:
            if let state { add({ "e.to_state = $\($0)" }, .text(state)) }
            if let operatorName { add({ "e.operator = $\($0)" }, .text(operatorName)) }
            if let alarmID { add({ "e.alarm_id = $\($0)" }, .text(alarmID)) }
        }
        return out
    }

    private static func oneOf(_ value: String, _ values: [String], field: String) throws -> String {
        guard values.contains(value) else {
            throw APIError.invalidField(field, "'\(field)' is one of: \(values.joined(separator: ", "))")
        }
        return value
    }

    private static func text(_ value: String, field: String) throws -> String {
        guard !value.isEmpty, value.utf8.count <= 200 else { throw APIError.invalidField(field, "1 to 200 characters") }
        return value
    }
}
