import Foundation  // Decimal

/// One thing a subject wants to do to one object. The aggregator builds it for the route
/// (organisation from the URL) and again for every object it loads (organisation, owner and
/// amount from the row), so a list can never show what the single-object route would refuse.
public struct AccessRequest: Hashable, Sendable {
    public let permission: Permission
    /// The organisation the object belongs to.
    public let organisation: OrganisationPath
    /// Who created or owns the object, when it has an owner (for "owner may …" policies).
    public let ownerID: String?
    /// The quantity the action commits (tCO2e of a project, tonnes of a trade), for limits.
    public let amount: Decimal?
    /// Facts about the object for policies (`classification`, `status`), as text.
    public let resourceAttributes: [String: String]
    public let context: AccessContext

    public init(permission: Permission, organisation: OrganisationPath, ownerID: String? = nil,
                amount: Decimal? = nil, resourceAttributes: [String: String] = [:], context: AccessContext) {
        self.permission = permission
        self.organisation = organisation
        self.ownerID = ownerID
        self.amount = amount
        self.resourceAttributes = resourceAttributes
        self.context = context
    }
}

/// The circumstances of a request. Local time and weekday are the organisation's, worked out
/// by the caller from its time zone: the engine never reads a clock, so a decision can be
/// replayed and a test needs no waiting.
public struct AccessContext: Hashable, Sendable {
    /// Minutes since local midnight, 0..<1440. Anything else makes every decision a refusal.
    public let localMinuteOfDay: Int
    public let weekday: Weekday
    /// The client's address as the server saw it (after trusted proxies).
    public let sourceAddress: String?
    /// Further facts about the request for policies (`channel`, `mfa`), as text.
    public let attributes: [String: String]

    public init(localMinuteOfDay: Int, weekday: Weekday, sourceAddress: String? = nil,
                attributes: [String: String] = [:]) {
        self.localMinuteOfDay = localMinuteOfDay
        self.weekday = weekday
        self.sourceAddress = sourceAddress
        self.attributes = attributes
    }

    /// What a `request_attribute` condition sees: `source_address` and `weekday` are the fields
    /// of the same name, any other key comes from `attributes`.
    public func value(of key: String) -> String? {
        switch key {
        case "source_address": sourceAddress
        case "weekday": weekday.rawValue
        default: attributes[key]
        }
    }
}

/// A day of the week, as policies name them.
public enum Weekday: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// From Foundation's `Calendar` numbering (1 is Sunday), which is what the caller has at hand.
    public init?(calendarWeekday: Int) {
        guard (1...7).contains(calendarWeekday) else { return nil }
        self = Self.allCases[(calendarWeekday + 5) % 7]
    }

    public var description: String { rawValue }
}
