/// A role's permissions given to one principal at one organisation (RBAC). The grant covers the
/// organisation's whole subtree: a grant at the group reaches every site below it, a grant at a
/// site reaches neither its parent nor its siblings. The aggregator builds grants from its
/// membership rows; the engine only compares them with requests.
public struct Grant: Hashable, Sendable, Identifiable {
    /// Extra restrictions on every permission of the grant.
    public struct Limits: Hashable, Sendable {
        /// When set, a request must carry an amount and the bound must admit it; a request
        /// without an amount is refused rather than waved through. A limit applies to every
        /// permission of the grant, so give limited actions their own grant and reads stay free.
        public var amount: AmountBound?

        public init(amount: AmountBound? = nil) { self.amount = amount }

        /// No restriction beyond the permissions and the subtree.
        public static let none = Limits()
    }

    /// Named in decisions (`decidedBy`), so an allowed request can be traced to its membership.
    public let id: String
    /// The role's name, for policies that filter by role and for reasons shown to people.
    public let role: String?
    public let permissions: Set<Permission>
    /// The grant covers this organisation and everything below it.
    public let organisation: OrganisationPath
    public let limits: Limits

    public init(id: String, role: String?, permissions: Set<Permission>, organisation: OrganisationPath,
                limits: Limits = .none) {
        self.id = id
        self.role = role
        self.permissions = permissions
        self.organisation = organisation
        self.limits = limits
    }

    /// A built-in role's permissions, named after the role.
    public init(id: String, role: BuiltInRole, organisation: OrganisationPath, limits: Limits = .none) {
        self.init(id: id, role: role.rawValue, permissions: role.permissions, organisation: organisation,
                  limits: limits)
    }

    /// The grant names `permission` and its subtree holds `organisation`; limits are not looked at.
    public func covers(_ permission: Permission, at organisation: OrganisationPath) -> Bool {
        permissions.contains(permission) && self.organisation.contains(organisation)
    }
}
