import CarbonCore
import Foundation

/// A role with the organisation that owns it, as the services need it: the binding rule asks
/// where a custom role may be used, the role routes ask who may read or change it.
struct StoredRole: Sendable {
    let record: RoleRecord
    /// The owner of a custom role; nil for a built-in (usable everywhere, owned by nobody).
    let owner: OrganisationRef?
    let permissions: Set<Permission>

    init(row: SQLRow) throws {
        record = try RoleRecord(row: row)
        if try row.optionalText("org_id") != nil {
            owner = try OrganisationRef(row: row, prefix: "org_")
        } else {
            owner = nil
        }
        permissions = RoleRecord.decodePermissions(try row.text("permissions"))
    }

    /// A custom role is usable only in its owner's subtree: another tenant's role definitions
    /// are theirs to change, so binding them elsewhere would let them change our users' rights.
    func isUsable(at organisation: OrganisationRef) -> Bool {
        owner.map { $0.path.contains(organisation.path) } ?? true
    }
}

/// Role rows and the queries several services share.
enum RoleStore {
    static let select = """
        SELECT r.*, o.id AS org_id, o.path AS org_path, o.time_zone AS org_time_zone
        FROM roles r LEFT JOIN organisations o ON o.id = r.organisation_id
        """

    static func load(id: String, on connection: any SQLConnection) throws -> StoredRole? {
        guard UUID(uuidString: id) != nil else { return nil }
        return try connection.first(select + " WHERE r.id = $1", .text(id.lowercased())).map(StoredRole.init(row:))
    }

    static func load(name: String, on connection: any SQLConnection) throws -> StoredRole? {
        try connection.first(select + " WHERE r.name = $1", .text(name)).map(StoredRole.init(row:))
    }

    /// How many memberships hold the role, everywhere (deletion is refused while any do).
    static func bindingCount(roleID: String, on connection: any SQLConnection) throws -> Int64 {
        try connection.first("SELECT count(*) AS n FROM memberships WHERE role_id = $1", .text(roleID))?.int64("n") ?? 0
    }
}
