import CarbonCore
import Foundation
import NIOPosix

/// Reading, creating and editing user accounts. Every method takes the caller's `AccessScope`;
/// every change commits together with its audit record, and reads of user records are audited
/// too (they are personal data).
struct UserService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock
    let hasher: PasswordHasher

    func list(status: String?, query: String?, scope: AccessScope, context: AppRequestContext) async throws -> [UserDetail] {
        if let status, !UserStatus.all.contains(status) {
            throw APIError.invalidField("status", "status must be one of: \(UserStatus.all.joined(separator: ", "))")
        }
        let query = query?.trimmingCharacters(in: .whitespaces)
        if let query, query.count > 200 { throw APIError.invalidField("q", "at most 200 characters") }
        let prefixes = scope.prefixes(for: .usersRead)
        let accounts = try await database.read { connection in
            try UserDirectory.list(prefixes: prefixes, status: status, query: query?.isEmpty == true ? nil : query,
                                   on: connection)
        }
        let visible = accounts.filter { account in account.places.contains { scope.allows(.usersRead, at: $0) } }
        var details = ["count": String(visible.count)]
        details["status"] = status
        details["q"] = query
        try await auditor.record(.init(action: "users.list", details: details), context: context)
        return visible.map { $0.detail(for: scope) }
    }

    func get(_ id: String, scope: AccessScope, context: AppRequestContext) async throws -> UserDetail {
        let account = try await load(id)
        try scope.requireVisible(account)
        try await auditor.record(.init(action: "users.read", target: account.id,
                                       organisationID: account.places.first?.id), context: context)
        return account.detail(for: scope)
    }

    func create(_ body: UserCreate, scope: AccessScope, context: AppRequestContext) async throws -> UserDetail {
        let username = try UserValidation.username(body.username)
        let displayName = try UserValidation.displayName(body.displayName)
        let email = try UserValidation.email(body.email)
        try PasswordHasher.validate(body.password)
        let organisationID = try OrganisationValidation.id(body.organisationID, field: "organisation_id")
        guard UUID(uuidString: body.roleID) != nil else { throw APIError.invalidField("role_id", "'role_id' must be a UUID") }
        let (organisation, role) = try await database.read { connection in
            (try OrganisationRef.load(id: organisationID, on: connection), try RoleStore.load(id: body.roleID, on: connection))
        }
        var rule = BindingRule(scope: scope, gate: .usersCreate)
        if let refusal = rule.check(role, named: body.roleID, at: organisation) {
            throw refusal.apiError(organisationField: "organisation_id", roleField: "role_id")
        }
        let hasher = self.hasher, password = body.password
        let hash = try await NIOThreadPool.singleton.runIfActive { try hasher.hash(password) }
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor, roleID = role!.record.id
        let account = try await database.write { connection -> Account in
            do {
                try connection.execute(
                    """
                    INSERT INTO users (id, username, display_name, email, status, password_hash, requested_organisation_id,
                        created_at, updated_at)
                    VALUES ($1, $2, $3, $4, 'active', $5, NULL, $6, $6)
                    """, .text(id), .text(username), .text(displayName), SQLValue(email), .text(hash), .integer(now))
            } catch let error as DatabaseError where error.code == .uniqueViolation {
                throw APIError.conflict("the username is taken", field: "username")
            }
            try connection.execute(
                "INSERT INTO memberships (user_id, organisation_id, role_id, created_at) VALUES ($1, $2, $3, $4)",
                .text(id), .text(organisationID), .text(roleID), .integer(now))
            try auditor.append(.init(action: "users.create", target: id, organisationID: organisationID,
                                     details: ["username": username, "role_id": roleID]),
                               context: context, on: connection)
            return try UserDirectory.load(id: id, on: connection)!
        }
        return account.detail(for: scope)
    }

    func update(_ id: String, _ body: UserUpdate, scope: AccessScope, context: AppRequestContext) async throws
        -> UserDetail
    {
        let current = try await load(id)
        // The e-mail address is where a password reset would go: the same rule as a reset.
        try scope.requireOnAccount(.usersUpdate, current)
        let displayName = try body.displayName.map(UserValidation.displayName) ?? current.displayName
        let email = try body.email.map { try UserValidation.email($0) } ?? current.email
        let now = clock.micros, auditor = self.auditor
        var changed: [String: String] = [:]
        if displayName != current.displayName { changed["display_name"] = displayName }
        if email != current.email { changed["email"] = email ?? "" }
        let details = changed
        let account = try await database.write { connection -> Account in
            try connection.execute("UPDATE users SET display_name = $2, email = $3, updated_at = $4 WHERE id = $1",
                                   .text(current.id), .text(displayName), SQLValue(email), .integer(now))
            try auditor.append(.init(action: "users.update", target: current.id, organisationID: current.places.first?.id,
                                     details: details), context: context, on: connection)
            return try UserDirectory.load(id: current.id, on: connection)!
        }
        return account.detail(for: scope)
    }

    func load(_ id: String) async throws -> Account {
        guard let account = try await database.read({ try UserDirectory.load(id: id, on: $0) }) else {
            throw APIError.notFound("user")
        }
        return account
    }
}
