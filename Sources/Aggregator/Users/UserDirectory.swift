import CarbonCore
import Foundation

/// A user account with the organisations that decide who administers it.
struct Account: Sendable {
    let id: String
    let username: String
    let displayName: String
    let email: String?
    let status: String
    let requestedOrganisation: OrganisationRef?
    let createdAt: Int64
    let updatedAt: Int64
    /// Every membership when loaded alone; only those inside the caller's subtrees in a list.
    let memberships: [UserMembership]
    /// Where the account belongs: its memberships' organisations; with none, the organisation it
    /// asked to join; with neither, the roots (only platform administrators look after it).
    let places: [OrganisationRef]

    init(row: SQLRow, memberships: [UserMembership], roots: [OrganisationRef]) throws {
        id = try row.text("id")
        username = try row.text("username")
        displayName = try row.text("display_name")
        email = try row.optionalText("email")
        status = try row.text("status")
        if try row.optionalText("req_id") != nil {
            requestedOrganisation = try OrganisationRef(row: row, prefix: "req_")
        } else {
            requestedOrganisation = nil
        }
        createdAt = try row.int64("created_at")
        updatedAt = try row.int64("updated_at")
        self.memberships = memberships
        var places: [OrganisationRef] = []
        for membership in memberships where !places.contains(membership.organisation) {
            places.append(membership.organisation)
        }
        if places.isEmpty { places = requestedOrganisation.map { [$0] } ?? roots }
        self.places = places
    }

    /// The account as the caller may see it: memberships they may not read are left out.
    func detail(for scope: AccessScope) -> UserDetail {
        UserDetail(
            id: id, username: username, displayName: displayName, email: email, status: status,
            requestedOrganisationID: requestedOrganisation?.id, createdAt: ServiceClock.iso(createdAt),
            updatedAt: ServiceClock.iso(updatedAt),
            memberships: memberships.filter { scope.allows(.usersRead, at: $0.organisation) })
    }
}

extension AccessScope {
    func allows(_ permission: Permission, at organisation: OrganisationRef) -> Bool {
        decide(permission, at: organisation.path, timeZone: organisation.timeZone).isAllowed
    }

    /// The rule for changing an account: 404 unless the caller may read it or do `permission` at
    /// one of its places; 403 unless they may do `permission` at every place. A tenant
    /// administrator must not lock out a platform administrator who is also a member of their site.
    func requireOnAccount(_ permission: Permission, _ account: Account) throws {
        try requireVisible(account, or: permission)
        let refused = account.places.filter { !allows(permission, at: $0) }
        guard refused.isEmpty else {
            let covered = account.places.count - refused.count
            throw APIError.forbidden(
                covered > 0
                    ? "the user also belongs to organisations outside your administration; only someone who administers all of them may do this"
                    : decide(permission, at: refused[0].path, timeZone: refused[0].timeZone).reason)
        }
    }

    /// 404 unless the caller may read the account (or do `permission` at one of its places).
    func requireVisible(_ account: Account, or permission: Permission = .usersRead) throws {
        guard account.places.contains(where: { allows(.usersRead, at: $0) || allows(permission, at: $0) }) else {
            throw APIError.notFound("user")
        }
    }
}

/// Loads accounts with their memberships.
enum UserDirectory {
    /// Never `u.*`: the password hash stays in the database.
    static let select = """
        SELECT u.id, u.username, u.display_name, u.email, u.status, u.created_at, u.updated_at,
            ro.id AS req_id, ro.path AS req_path, ro.time_zone AS req_time_zone
        FROM users u LEFT JOIN organisations ro ON ro.id = u.requested_organisation_id
        """
    static let membershipSelect = """
        SELECT m.user_id, m.role_id, r.name AS role_name, o.id AS org_id, o.name AS org_name, o.path AS org_path,
            o.time_zone AS org_time_zone
        FROM memberships m JOIN organisations o ON o.id = m.organisation_id JOIN roles r ON r.id = m.role_id
        """

    static func load(id: String, roots: [OrganisationRef]? = nil, on connection: any SQLConnection) throws -> Account? {
        guard UUID(uuidString: id) != nil else { return nil }
        let id = id.lowercased()
        guard let row = try connection.first(select + " WHERE u.id = $1", .text(id)) else { return nil }
        let memberships = try connection.query(membershipSelect + " WHERE m.user_id = $1 ORDER BY o.path, r.name", .text(id))
            .map(UserMembership.init(row:))
        return try Account(row: row, memberships: memberships, roots: try roots ?? Self.roots(on: connection))
    }

    static func roots(on connection: any SQLConnection) throws -> [OrganisationRef] {
        try connection.query("SELECT id, path, time_zone FROM organisations WHERE parent_id IS NULL ORDER BY path")
            .map { try OrganisationRef(row: $0) }
    }

    /// Accounts with a membership inside `prefixes`, and accounts without memberships that asked
    /// to join an organisation there (or, asking for none, belong to a root there).
    static func list(prefixes: [String], status: String?, query: String?, on connection: any SQLConnection) throws
        -> [Account]
    {
        var parameters: [SQLValue] = []
        let inMembership = SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &parameters)
        let inRequested = SubtreeFilter.clause(column: "ro.path", prefixes: prefixes, parameters: &parameters)
        let inRoot = SubtreeFilter.clause(column: "rt.path", prefixes: prefixes, parameters: &parameters)
        var sql = select + """
             WHERE (EXISTS (SELECT 1 FROM memberships m JOIN organisations o ON o.id = m.organisation_id
                            WHERE m.user_id = u.id AND \(inMembership))
                OR (NOT EXISTS (SELECT 1 FROM memberships m2 WHERE m2.user_id = u.id)
                    AND (\(inRequested)
                         OR (u.requested_organisation_id IS NULL
                             AND EXISTS (SELECT 1 FROM organisations rt WHERE rt.parent_id IS NULL AND \(inRoot))))))
            """
        if let status {
            parameters.append(.text(status))
            sql += " AND u.status = $\(parameters.count)"
        }
        if let query {
            parameters.append(.text("%" + likeEscaped(query.lowercased()) + "%"))
            let n = parameters.count
            sql += " AND (lower(u.username) LIKE $\(n) ESCAPE '\\' OR lower(u.display_name) LIKE $\(n) ESCAPE '\\')"
        }
        let rows = try connection.query(sql + " ORDER BY u.username", parameters)
        guard !rows.isEmpty else { return [] }
        var membershipParameters: [SQLValue] = []
        let filter = SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &membershipParameters)
        var memberships: [String: [UserMembership]] = [:]
        for row in try connection.query(membershipSelect + " WHERE \(filter) ORDER BY o.path, r.name", membershipParameters) {
            memberships[try row.text("user_id"), default: []].append(try UserMembership(row: row))
        }
        let roots = try Self.roots(on: connection)
        return try rows.map { row in try Account(row: row, memberships: memberships[try row.text("id")] ?? [], roots: roots) }
    }

    /// `%`, `_` and the escape character itself match literally.
    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
