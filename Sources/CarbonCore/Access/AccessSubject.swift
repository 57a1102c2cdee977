/// Who is asking: a signed-in user or an edge agent, with everything the engine may use about
/// them. The aggregator assembles it once per request from the session; the engine never loads
/// anything itself, which keeps decisions reproducible from what was logged.
public struct AccessSubject: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
        case user
        /// A machine credential. Gets exactly its grants, within its bound site, and nothing a
        /// permit policy adds: a stolen agent key must not inherit rules written for people.
        case agent

        public var description: String { rawValue }
    }

    /// The user or agent id, compared with a resource's `ownerID`.
    public let id: String
    public let kind: Kind
    public let grants: [Grant]
    /// Facts about the subject for policies (`department`, `clearance`, `mfa`), as text.
    public let attributes: [String: String]
    /// For agents, the site they deliver data for; an agent without one is refused everything.
    public let boundSite: OrganisationPath?

    public init(id: String, kind: Kind = .user, grants: [Grant] = [], attributes: [String: String] = [:],
                boundSite: OrganisationPath? = nil) {
        self.id = id
        self.kind = kind
        self.grants = grants
        self.attributes = attributes
        self.boundSite = boundSite
    }

    /// The names of the roles the subject holds anywhere, for policies that filter by role.
    public var roles: Set<String> { Set(grants.compactMap(\.role)) }
}
