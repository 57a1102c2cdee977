import CarbonCore
import Foundation
import HTTPTypes

/// Why a role cannot be given (or taken) at an organisation. Single-object routes turn it into an
/// `APIError` naming their field; the bulk routes put `message` in their report line.
struct BindingRefusal: Error, Sendable {
    enum Kind: Sendable { case unknownOrganisation, notPermitted, unknownRole, escalation }
    let kind: Kind
    let message: String

    func apiError(organisationField: String, roleField: String) -> APIError {
        switch kind {
        case .unknownOrganisation: return .invalidField(organisationField, message)
        case .notPermitted: return .forbidden(message)
        case .unknownRole: return .invalidField(roleField, message)
        case .escalation: return APIError(.forbidden, "escalation", message, field: roleField)
        }
    }
}

/// The escalation rule (B2, B3): giving role R at organisation O needs the route's own permission
/// (`gate`: memberships:bind, users:create, users:approve) at O, and every permission of R held by
/// the caller at O, so nobody hands out more than they have. Taking a role away follows the same
/// rule, or a site operator with memberships:unbind could strip a group administrator. A custom
/// role is usable only in its owner's subtree.
///
/// A value per request: it caches what the caller holds per organisation, because a bulk request
/// asks about the same few organisations thousands of times.
struct BindingRule {
    let scope: AccessScope
    let gate: Permission
    private var held: [String: Set<Permission>] = [:]

    init(scope: AccessScope, gate: Permission) {
        self.scope = scope
        self.gate = gate
    }

    /// The organisation exists, the caller may see it and holds `gate` there.
    func checkOrganisation(_ organisation: OrganisationRef?) -> BindingRefusal? {
        guard let organisation, scope.canSee(organisation) else {
            return BindingRefusal(kind: .unknownOrganisation, message: "no such organisation")
        }
        let decision = scope.decide(gate, at: organisation.path, timeZone: organisation.timeZone)
        guard decision.isAllowed else { return BindingRefusal(kind: .notPermitted, message: decision.reason) }
        return nil
    }

    /// The role exists, is usable at `organisation`, and carries nothing the caller lacks there.
    mutating func checkRole(_ role: StoredRole?, named name: String, at organisation: OrganisationRef) -> BindingRefusal? {
        guard let role, role.isUsable(at: organisation) else {
            return BindingRefusal(kind: .unknownRole, message: "no role '\(name)' usable at this organisation")
        }
        let missing = role.permissions.subtracting(permissions(at: organisation)).sorted()
        guard missing.isEmpty else {
            return BindingRefusal(
                kind: .escalation,
                message: "role '\(role.record.name)' carries permissions you do not hold at this organisation: "
                    + missing.map(\.description).joined(separator: ", "))
        }
        return nil
    }

    /// Both checks, organisation first.
    mutating func check(_ role: StoredRole?, named name: String, at organisation: OrganisationRef?) -> BindingRefusal? {
        if let refusal = checkOrganisation(organisation) { return refusal }
        return checkRole(role, named: name, at: organisation!)
    }

    private mutating func permissions(at organisation: OrganisationRef) -> Set<Permission> {
        if let cached = held[organisation.id] { return cached }
        let permissions = scope.held(at: organisation)
        held[organisation.id] = permissions
        return permissions
    }
}

extension AccessScope {
    /// What the caller holds at `organisation` without naming an object: the engine's
    /// `permissions(of:at:)`, grants plus permits minus certain denials. An unusable policy set
    /// yields nothing, like every other decision.
    func held(at organisation: OrganisationRef) -> Set<Permission> {
        (try? engine(for: organisation.path).permissions(of: principal.subject, at: organisation.path)) ?? []
    }
}
