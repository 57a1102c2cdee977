import Foundation  // Decimal

/// The one access decision of the platform (requirement B3): RBAC grants and ABAC policies in a
/// single engine, which the aggregator calls for every route and for every object it loads.
///
/// `decide(subject, request)` works in this order; the first step that decides, decides:
///
/// 0. **Malformed context is refused**: a local minute outside 0..<1440 means the caller could
///    not tell the time, and a time rule cannot be checked.
/// 1. **Deny overrides.** Every policy with effect `deny` that applies to the subject and the
///    permission, and none of whose conditions fails, refuses the request, whatever any grant or
///    permit says. All such policies are named.
/// 2. **Agents stay on their site.** An agent is refused anything outside its `boundSite`, and
///    everything when it has none.
/// 3. **Grants.** Allowed when a grant of the subject names the permission, its organisation's
///    subtree holds the object's organisation, and its limits hold: with an amount limit the
///    request must carry an amount the bound admits (no amount is a refusal, not a pass).
/// 4. **Permit policies** (users only: agents get exactly their grants). Allowed when a
///    `permit` policy applies and all its conditions hold ("owners may read their own objects").
/// 5. **Default deny**: "no grant covers …", or why the covering grants' limits refused it.
///
/// **Missing facts fail closed.** A condition that needs something the request lacks (an
/// amount, an owner) is *unknown*: unknown never makes a permit hold, and never stops a deny.
/// Leaving the amount out cannot dodge "no trades above 1,000 t". Attributes are different: an
/// absent attribute is simply not equal to the value asked for.
///
/// The engine is a value built from the stored policies; it reads no clock, no database and
/// nothing random, so the same inputs always give the same decision.
public struct PolicyEngine: Sendable {
    /// In the order given: decisions name matching policies in this order.
    public let policies: [AccessPolicy]

    /// Refuses two policies with one id: decisions name policies, so the name must say which.
    public init(policies: [AccessPolicy] = []) throws(AccessError) {
        try Self.checkUniqueIDs(policies)
        self.policies = policies
    }

    /// Whether `subject` may do `request`, by the rules at the top of this type. Never throws:
    /// every doubt ends in a refusal with a reason, which the caller logs and returns as a 403.
    public func decide(_ subject: AccessSubject, _ request: AccessRequest) -> AccessDecision {
        let permission = request.permission
        let place = request.organisation
        guard (0..<1440).contains(request.context.localMinuteOfDay) else {
            return .denied("the request's local minute \(request.context.localMinuteOfDay) is not a time of day")
        }
        let facts = AccessFacts(request: request)
        // 1. Deny overrides.
        let denials = policies.filter { policy in
            policy.effect == .deny && policy.applies(to: subject, permission: permission)
                && !policy.conditions.contains { evaluate($0, subject, facts) == .fails }
        }
        if !denials.isEmpty {
            let why = denials.map { "\($0.id) (\($0.description))" }.joined(separator: "; ")
            return .denied("\(permission) denied by policy \(why)", by: denials.map(\.id))
        }
        // 2. Agents stay on their site.
        if let refusal = Self.agentRefusal(subject, place) { return .denied(refusal) }
        // 3. Grants.
        let covering = subject.grants.filter { $0.covers(permission, at: place) }
        let admitting = covering.filter { Self.limitsHold($0, request.amount) }
        if !admitting.isEmpty {
            let names = admitting.map { grant in grant.role.map { "\(grant.id) (\($0))" } ?? grant.id }
            return .allowed("\(permission) granted at \(place) by grant \(names.joined(separator: ", "))",
                            by: admitting.map(\.id))
        }
        // 4. Permit policies, for users.
        if subject.kind == .user {
            let permits = policies.filter { policy in
                policy.effect == .permit && policy.applies(to: subject, permission: permission)
                    && policy.conditions.allSatisfy { evaluate($0, subject, facts) == .holds }
            }
            if let first = permits.first {
                return .allowed("\(permission) permitted by policy \(first.id) (\(first.description))",
                                by: permits.map(\.id))
            }
        }
        // 5. Default deny.
        if let grant = covering.first, let bound = grant.limits.amount {
            let amount = request.amount.map { "the amount \(DecimalText.plain($0)) is not \(bound)" }
                ?? "no amount was given and the grant is limited to \(bound)"
            return .denied("\(permission) at \(place): \(amount) (grant \(grant.id))", by: covering.map(\.id))
        }
        return .denied("no grant covers \(permission) at \(place)")
    }

    /// What the subject may do at `organisation`, for the `/me/permissions` route that shows or
    /// hides buttons. A permission is listed when some grant covers it there (limits are ignored:
    /// they are checked per object) or a permit policy holds without knowing the object, and no
    /// deny policy certainly applies. Without `context`, time, weekday and request conditions are
    /// unknown. The answer is a hint for the interface; `decide` stays the authority.
    public func permissions(of subject: AccessSubject, at organisation: OrganisationPath,
                            context: AccessContext? = nil) -> Set<Permission> {
        if Self.agentRefusal(subject, organisation) != nil { return [] }
        let facts = AccessFacts(organisation: organisation, context: context)
        var candidates = Set(subject.grants.filter { $0.organisation.contains(organisation) }.flatMap(\.permissions))
        if subject.kind == .user {
            let known = PermissionCatalogue.permissions.union(subject.grants.flatMap(\.permissions))
            for permission in known where !candidates.contains(permission) {
                let permitted = policies.contains { policy in
                    policy.effect == .permit && policy.applies(to: subject, permission: permission)
                        && policy.conditions.allSatisfy { evaluate($0, subject, facts) == .holds }
                }
                if permitted { candidates.insert(permission) }
            }
        }
        return candidates.filter { permission in
            !policies.contains { policy in
                policy.effect == .deny && policy.applies(to: subject, permission: permission)
                    && policy.conditions.allSatisfy { evaluate($0, subject, facts) == .holds }
            }
        }
    }

    static func checkUniqueIDs(_ policies: [AccessPolicy]) throws(AccessError) {
        var seen: Set<String> = []
        for (index, policy) in policies.enumerated() where !seen.insert(policy.id).inserted {
            throw AccessError(.duplicateID, "a second policy with id '\(policy.id)'", field: "[\(index)].id")
        }
    }

    private static func agentRefusal(_ subject: AccessSubject, _ place: OrganisationPath) -> String? {
        guard subject.kind == .agent else { return nil }
        guard let site = subject.boundSite else { return "agent \(subject.id) is bound to no site" }
        return site.contains(place) ? nil : "agent \(subject.id) is bound to site \(site), not \(place)"
    }

    private static func limitsHold(_ grant: Grant, _ amount: Decimal?) -> Bool {
        guard let bound = grant.limits.amount else { return true }
        guard let amount else { return false }
        return bound.admits(amount)
    }
}

/// The engine's answer. `reason` is for people (the audit log, a 403 body); `decidedBy` names
/// the grants or policies that decided, for tracing a decision back to its configuration.
public struct AccessDecision: Hashable, Sendable, CustomStringConvertible {
    public let isAllowed: Bool
    /// One sentence naming the permission, the organisation and what decided.
    public let reason: String
    /// Grant ids (allowed by grants), policy ids (denied or permitted by policies), the covering
    /// grants whose limits refused, or empty (default deny, agent outside its site).
    public let decidedBy: [String]

    public init(isAllowed: Bool, reason: String, decidedBy: [String] = []) {
        self.isAllowed = isAllowed
        self.reason = reason
        self.decidedBy = decidedBy
    }

    static func allowed(_ reason: String, by ids: [String]) -> AccessDecision {
        AccessDecision(isAllowed: true, reason: reason, decidedBy: ids)
    }

    static func denied(_ reason: String, by ids: [String] = []) -> AccessDecision {
        AccessDecision(isAllowed: false, reason: reason, decidedBy: ids)
    }

    public var description: String { (isAllowed ? "allowed: " : "denied: ") + reason }
}
