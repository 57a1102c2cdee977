import CarbonCore
import Foundation

/// A binding a bulk item names, once resolved: ids only.
struct Binding: Hashable, Sendable {
    let userID: String
    let organisationID: String
    let roleID: String
    let roleName: String
    let organisationIsRoot: Bool
}

/// Turns bulk items into bindings inside the request's transaction, checking each against the
/// caller's rights. Users, organisations and roles are looked up once each: a 10,000-line file
/// names a handful of organisations and roles thousands of times.
struct BulkResolver {
    struct Refusal: Error {
        let message: String
    }

    let connection: any SQLConnection
    let mode: BulkReply.Mode
    private var rule: BindingRule
    private var users: [String: Account?] = [:]
    private var organisations: [String: OrganisationRef?] = [:]
    private var roles: [String: StoredRole?] = [:]
    private let roots: [OrganisationRef]

    init(connection: any SQLConnection, scope: AccessScope, mode: BulkReply.Mode) throws {
        self.connection = connection
        self.mode = mode
        rule = BindingRule(scope: scope, gate: mode == .bind ? .membershipsBind : .membershipsUnbind)
        roots = try UserDirectory.roots(on: connection)
    }

    mutating func resolve(_ item: BulkItem) throws -> Binding {
        if let problem = item.problem { throw Refusal(message: problem) }
        let account = try user(item)
        guard let organisationText = item.organisationID else { throw Refusal(message: "organisation_id is required") }
        let organisation = try organisation(organisationText)
        if let refusal = rule.checkOrganisation(organisation) { throw Refusal(message: refusal.message) }
        let (role, name) = try role(item)
        if let refusal = rule.checkRole(role, named: name, at: organisation!) { throw Refusal(message: refusal.message) }
        if mode == .bind, account.status == UserStatus.pending || account.status == UserStatus.rejected {
            throw Refusal(message: "user '\(account.username)' is \(account.status); approve the registration instead")
        }
        return Binding(userID: account.id, organisationID: organisation!.id, roleID: role!.record.id,
                       roleName: role!.record.name, organisationIsRoot: organisation!.path.depth == 0)
    }

    /// A user the caller cannot see is reported exactly like one that does not exist.
    private mutating func user(_ item: BulkItem) throws -> Account {
        let key: String
        switch (item.userID, item.username) {
        case (let id?, nil): key = "id:" + id.lowercased()
        case (nil, let name?): key = "name:" + name.lowercased()
        case (.some, .some): throw Refusal(message: "give user_id or username, not both")
        case (nil, nil): throw Refusal(message: "user_id or username is required")
        }
        if users[key] == nil {
            var id = item.userID
            if let name = item.username {
                id = try connection.first("SELECT id FROM users WHERE username = $1", .text(name.lowercased()))?.text("id")
            }
            users[key] = .some(try id.flatMap { try UserDirectory.load(id: $0, roots: roots, on: connection) })
        }
        let scope = rule.scope, gate = rule.gate
        guard let account = users[key] ?? nil,
              account.places.contains(where: { scope.allows(gate, at: $0) || scope.allows(.usersRead, at: $0) })
        else { throw Refusal(message: "unknown user") }
        return account
    }

    private mutating func organisation(_ text: String) throws -> OrganisationRef? {
        guard UUID(uuidString: text) != nil else { throw Refusal(message: "organisation_id '\(text)' is not a UUID") }
        let id = text.lowercased()
        if organisations[id] == nil { organisations[id] = .some(try OrganisationRef.load(id: id, on: connection)) }
        return organisations[id] ?? nil
    }

    private mutating func role(_ item: BulkItem) throws -> (StoredRole?, String) {
        switch (item.roleID, item.role) {
        case (let id?, nil):
            guard UUID(uuidString: id) != nil else { throw Refusal(message: "role_id '\(id)' is not a UUID") }
            let key = "id:" + id.lowercased()
            if roles[key] == nil { roles[key] = .some(try RoleStore.load(id: id, on: connection)) }
            return (roles[key] ?? nil, id)
        case (nil, let name?):
            let key = "name:" + name
            if roles[key] == nil { roles[key] = .some(try RoleStore.load(name: name, on: connection)) }
            return (roles[key] ?? nil, name)
        case (.some, .some): throw Refusal(message: "give role_id or role, not both")
        case (nil, nil): throw Refusal(message: "role_id or role is required")
        }
    }
}
