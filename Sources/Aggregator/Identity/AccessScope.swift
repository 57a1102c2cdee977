import CarbonCore
import Foundation

/// The caller's access, passed to every repository and service method that touches
/// organisation-owned data. It answers two questions: may the caller do X to this object (the
/// policy engine, per object), and which organisation subtrees may a list query return rows from.
struct AccessScope: Sendable {
    let principal: Principal
    let policies: [ScopedPolicy]
    let now: Date
    /// The caller's address, for policies that restrict by network.
    var sourceAddress: String? = nil

    /// The engine's decision for one object owned by the organisation at `path`.
    func decide(_ permission: Permission, at path: OrganisationPath, timeZone: TimeZone, owner: String? = nil,
                amount: Decimal? = nil, attributes: [String: String] = [:]) -> AccessDecision {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute, .weekday], from: now)
        let request = AccessRequest(
            permission: permission, organisation: path, ownerID: owner, amount: amount, resourceAttributes: attributes,
            context: AccessContext(localMinuteOfDay: (parts.hour ?? 0) * 60 + (parts.minute ?? 0),
                                   weekday: Weekday(calendarWeekday: parts.weekday ?? 1) ?? .monday,
                                   sourceAddress: sourceAddress))
        do {
            return try engine(for: path).decide(principal.subject, request)
        } catch {
            // An unusable policy set fails closed: nothing is allowed until an administrator fixes it.
            return AccessDecision(isAllowed: false, reason: "the access policies are invalid: \(error)")
        }
    }

    /// The engine with the policies that apply at `path`: those owned by it or an ancestor.
    func engine(for path: OrganisationPath) throws -> PolicyEngine {
        try PolicyEngine(policies: policies.filter { $0.owner.contains(path) }.map(\.policy))
    }

    /// Throws unless allowed. An object the caller may not even read is reported as not found, so
    /// that guessing ids reveals nothing; one they may read but not change is 403.
    func require(_ permission: Permission, on organisation: OrganisationRef, owner: String? = nil,
                 amount: Decimal? = nil, what: String) throws {
        let decision = decide(permission, at: organisation.path, timeZone: organisation.timeZone, owner: owner,
                              amount: amount)
        guard !decision.isAllowed else { return }
        if permission.action != "read", canSee(organisation) {
            throw APIError.forbidden(decision.reason).denial(decision.reason)
        }
        throw APIError.notFound(what).denial(decision.reason)
    }

    /// True when the caller holds some permission over the organisation (it is in their view).
    func canSee(_ organisation: OrganisationRef) -> Bool {
        principal.grants.contains { $0.organisation.contains(organisation.path) }
    }

    /// Text prefixes of the subtrees where the caller holds `permission` (for `substr(path…) IN`
    /// filters). Empty means nothing is visible. Deny policies are applied again per row by callers
    /// that load objects; lists apply them through `filter`.
    func prefixes(for permission: Permission) -> [String] {
        principal.grants.filter { $0.permissions.contains(permission) }.map(\.organisation.text)
    }

    /// Keeps the rows whose organisation the engine allows, after the SQL prefix filter.
    func filter<T>(_ items: [T], _ permission: Permission, organisation: (T) -> OrganisationRef) -> [T] {
        // Rows of a list share few organisations: decide once per organisation, not once per row
        // (each decision builds the engine for that organisation's applicable policies).
        var allowed: [OrganisationRef: Bool] = [:]
        return items.filter { item in
            let ref = organisation(item)
            if let known = allowed[ref] { return known }
            let decision = decide(permission, at: ref.path, timeZone: ref.timeZone).isAllowed
            allowed[ref] = decision
            return decision
        }
    }

    /// True when the caller holds `permission` at the very root of `path` (platform-wide objects
    /// such as menus and built-in roles are edited only by administrators of a root).
    func holdsAtRoot(_ permission: Permission) -> Bool {
        principal.grants.contains { $0.permissions.contains(permission) && $0.organisation.ids.count == 1 }
    }
}

/// SQL helpers for subtree filters; the same text runs on SQLite and PostgreSQL.
enum SubtreeFilter {
    /// `(substr(column, 1, length($k)) = $k OR …)` with parameters appended to `parameters`;
    /// `FALSE`-equivalent when there are no prefixes.
    static func clause(column: String, prefixes: [String], parameters: inout [SQLValue]) -> String {
        guard !prefixes.isEmpty else { return "1 = 0" }
        let parts = prefixes.map { prefix -> String in
            parameters.append(.text(prefix))
            let n = parameters.count
            return "substr(\(column), 1, length($\(n))) = $\(n)"
        }
        return "(" + parts.joined(separator: " OR ") + ")"
    }
}
