/// Schema version 3: what identity administration (users, memberships, roles, policies) needs
/// beyond version 1. Only indexes: the tables already have every column. Each one serves a query
/// that would otherwise scan its table on every request: pending registrations by requested
/// organisation, "how many bindings does this role have" (role deletion), roles and policies by
/// owner (lists and the per-request policy load).
enum AdminSchema {
    static let migrations: [Migration] = [
        Migration(version: 3, name: "identity-admin") { _ in
            [
                "CREATE INDEX memberships_role ON memberships(role_id)",
                "CREATE INDEX users_requested_organisation ON users(requested_organisation_id)",
                "CREATE INDEX roles_organisation ON roles(organisation_id)",
                "CREATE INDEX policies_organisation ON policies(organisation_id)",
            ]
        }
    ]
}
