import Foundation  // trimmingCharacters

/// An attribute-based rule on top of the grants (ABAC), written by administrators and stored by
/// the aggregator as JSON. A `deny` policy takes permissions away whatever the grants say ("no
/// trades outside office hours"); a `permit` policy gives them where no grant does ("owners may
/// read their own objects"). `PolicyEngine` documents how the two combine.
///
/// ```json
/// { "id": "no-night-trading", "description": "Trades only in office hours (treasury rule 4.2)",
///   "effect": "deny", "permissions": ["trades:submit"],
///   "roles": ["trader"], "subjects": ["…user id…"], "subject_kinds": ["user"],
///   "conditions": [ {"local_time": {"from": "18:00", "to": "08:00"}} ] }
/// ```
///
/// `roles`, `subjects` and `subject_kinds` are optional filters on who the policy is about (each
/// present filter must match). All conditions must hold for the policy to take effect.
public struct AccessPolicy: Hashable, Sendable, Identifiable {
    public enum Effect: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
        case permit, deny
        public var description: String { rawValue }
    }

    /// Named in decisions, so it must be unique among the engine's policies.
    public let id: String
    /// Why the policy exists; quoted in the reason of every decision it makes.
    public let description: String
    public let effect: Effect
    /// The permissions the policy is about; never empty.
    public let permissions: [PermissionPattern]
    /// Only subjects holding one of these roles (anywhere); nil is everyone.
    public let roles: Set<String>?
    /// Only these subject ids; nil is everyone.
    public let subjects: Set<String>?
    /// Only these kinds of subject; nil is both.
    public let subjectKinds: Set<AccessSubject.Kind>?
    /// All must hold; an empty list always holds ("deny this permission, full stop").
    public let conditions: [PolicyCondition]

    public init(id: String, description: String, effect: Effect, permissions: [PermissionPattern],
                roles: Set<String>? = nil, subjects: Set<String>? = nil, subjectKinds: Set<AccessSubject.Kind>? = nil,
                conditions: [PolicyCondition] = []) throws(AccessError) {
        self.id = id
        self.description = description
        self.effect = effect
        self.permissions = permissions
        self.roles = roles
        self.subjects = subjects
        self.subjectKinds = subjectKinds
        self.conditions = conditions
        try validate()
    }

    /// Throws the first problem, naming its field. An empty filter would match nobody, which is
    /// never what was meant, so it is refused instead of silently disabling the policy.
    func validate() throws(AccessError) {
        guard !id.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw AccessError(.missingInput, "a policy needs an id", field: "id")
        }
        guard !description.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw AccessError(.missingInput, "say why the policy exists; decisions quote it", field: "description")
        }
        guard !permissions.isEmpty else {
            throw AccessError(.missingInput, "a policy needs at least one permission pattern", field: "permissions")
        }
        if roles?.isEmpty == true {
            throw AccessError(.missingInput, "an empty filter matches nobody; leave it out instead", field: "roles")
        }
        if subjects?.isEmpty == true {
            throw AccessError(.missingInput, "an empty filter matches nobody; leave it out instead", field: "subjects")
        }
        if subjectKinds?.isEmpty == true {
            throw AccessError(
                .missingInput, "an empty filter matches nobody; leave it out instead", field: "subject_kinds")
        }
    }

    /// The policy is about this subject and this permission (its conditions are not looked at).
    public func applies(to subject: AccessSubject, permission: Permission) -> Bool {
        guard permissions.contains(where: { $0.matches(permission) }) else { return false }
        if let roles, roles.isDisjoint(with: subject.roles) { return false }
        if let subjects, !subjects.contains(subject.id) { return false }
        if let subjectKinds, !subjectKinds.contains(subject.kind) { return false }
        return true
    }
}

/// One test a policy makes of the subject, the object and the circumstances.
public enum PolicyCondition: Hashable, Sendable {
    /// The object's organisation lies in the subtree of one of the subject's grants (any role).
    case organisationWithinGrants
    /// The object's organisation lies outside every grant's subtree.
    case organisationOutsideGrants
    /// The object's owner is the subject.
    case ownerIsSubject
    /// The object has an owner and it is someone else (four-eyes rules: "not your own").
    case ownerIsNotSubject
    /// The request's amount satisfies the bound.
    case amount(AmountBound)
    /// The organisation's local time is inside the window.
    case localTime(LocalTimeWindow)
    /// The organisation's local weekday is one of these.
    case weekday(Set<Weekday>)
    case subjectAttribute(String, equals: String)
    case resourceAttribute(String, equals: String)
    /// See `AccessContext.value(of:)` for the keys.
    case requestAttribute(String, equals: String)
}

/// A stretch of local time, `from` included and `to` excluded, in whole minutes. When `from` is
/// later than `to` the window wraps midnight (`22:00`–`06:00`); `to` = `00:00` ends at midnight.
/// Equal ends are refused: "all day" or "never" cannot be told apart, so write neither.
public struct LocalTimeWindow: Hashable, Sendable, CustomStringConvertible {
    /// Minutes after midnight, 0..<1440.
    public let startMinute: Int
    public let endMinute: Int

    public init(startMinute: Int, endMinute: Int) throws(AccessError) {
        guard (0..<1440).contains(startMinute), (0..<1440).contains(endMinute) else {
            throw AccessError(.invalidValue, "window ends must be minutes of the day, 0 to 1439")
        }
        guard startMinute != endMinute else {
            throw AccessError(.invalidValue, "a window from a time to the same time is empty or the whole day; say which")
        }
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// `"HH:MM"` on a 24-hour clock, both digits each.
    public init(from start: String, to end: String) throws(AccessError) {
        let startMinute = try AccessJSON.located("from") { () throws(AccessError) in try Self.minute(start) }
        let endMinute = try AccessJSON.located("to") { () throws(AccessError) in try Self.minute(end) }
        try self.init(startMinute: startMinute, endMinute: endMinute)
    }

    /// `minute` (0..<1440) is inside the window, wrapping midnight when the window does.
    public func contains(minuteOfDay minute: Int) -> Bool {
        startMinute < endMinute
            ? (startMinute..<endMinute).contains(minute)
            : minute >= startMinute || minute < endMinute
    }

    public var description: String { "\(Self.text(startMinute))–\(Self.text(endMinute))" }

    static func minute(_ text: String) throws(AccessError) -> Int {
        let digits = Array(text.utf8)
        func digit(_ index: Int) -> Int? {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digits[index]) ? Int(digits[index] - UInt8(ascii: "0")) : nil
        }
        guard digits.count == 5, digits[2] == UInt8(ascii: ":"),
            let h1 = digit(0), let h2 = digit(1), let m1 = digit(3), let m2 = digit(4),
            h1 * 10 + h2 < 24, m1 * 10 + m2 < 60
        else {
            throw AccessError(.invalidValue, "'\(text)' is not a time; write HH:MM on a 24-hour clock (06:30)")
        }
        return (h1 * 10 + h2) * 60 + m1 * 10 + m2
    }

    static func text(_ minute: Int) -> String {
        let hours = minute / 60, minutes = minute % 60
        return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
    }
}
