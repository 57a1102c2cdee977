/// The roles every installation starts with. Administrators may define more roles (stored by the
/// aggregator as permission sets); these four are fixed so a fresh install is usable and audits
/// can rely on what "auditor" means.
public enum BuiltInRole: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Everything in the catalogue, within the organisation the role is granted at.
    case administrator
    /// The control room: watch telemetry and alarms, and act on alarms; change nothing else.
    case `operator`
    /// Works with the data: reads it, builds and calculates inventories, drafts reports.
    case analyst
    /// Reads everything, the audit log included, and exports; never writes.
    case auditor

    /// What everyone with a role needs to find their way around.
    private static let navigation: Set<Permission> = [
        "organisations:read", "sites:read", "applications:read", "menus:read",
    ]

    /// The role's permissions, all from `PermissionCatalogue`.
    public var permissions: Set<Permission> {
        switch self {
        case .administrator:
            return PermissionCatalogue.permissions
        case .operator:
            return Self.navigation.union([
                "devices:read", "readings:read", "alarms:read", "alarms:ack", "alarms:shelve", "alarms:comment",
            ])
        case .analyst:
            return Self.navigation.union([
                "devices:read", "readings:read", "readings:export", "alarms:read", "factors:read",
                "inventories:read", "inventories:create", "inventories:calculate", "reports:read", "reports:create",
                "products:read", "projects:read", "trades:read", "verification:read",
            ])
        case .auditor:
            return PermissionCatalogue.permissions.filter { $0.action == "read" || $0.action == "export" }
        }
    }

    public var description: String { rawValue }
}
