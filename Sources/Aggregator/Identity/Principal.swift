import CarbonCore

/// The authenticated caller of one request: a person (session token) or an edge agent (agent
/// credential). Built fresh from the database on every request, so a disabled user, a revoked
/// session or a changed role takes effect at once on every replica.
struct Principal: Sendable {
    enum Kind: String, Sendable { case user, agent }

    let id: String
    let kind: Kind
    let name: String
    /// The role grants, each at one organisation (and so its subtree).
    let grants: [Grant]
    /// For agents: the site their credential is bound to.
    let boundSite: OrganisationPath?
    /// For people: the hash of the session token that authenticated this request (logout revokes it).
    let sessionTokenHash: String?

    var subject: AccessSubject {
        AccessSubject(id: id, kind: kind == .user ? .user : .agent, grants: grants, attributes: [:], boundSite: boundSite)
    }

    /// True when some grant carries `permission`: the route-level check. Which objects it covers is
    /// decided per object by `AccessScope`.
    func holdsAnywhere(_ permission: Permission) -> Bool {
        grants.contains { $0.permissions.contains(permission) }
    }
}
