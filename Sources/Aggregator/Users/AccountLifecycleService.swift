import CarbonCore
import Foundation
import HTTPTypes
import NIOPosix

/// The life of an account: approval of a registration, rejection, disabling and enabling, and
/// passwords. Whatever ends an account's access (disabling, a new password) revokes its sessions
/// in the same transaction, so an old token stops working at once on every replica.
struct AccountLifecycleService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock
    let hasher: PasswordHasher
    let throttle: LoginThrottle

    func approve(_ id: String, _ body: UserApproval, scope: AccessScope, context: AppRequestContext) async throws
        -> UserDetail
    {
        let current = try await load(id)
        try scope.requireVisible(current, or: .usersApprove)
        let organisationID = try OrganisationValidation.id(body.organisationID, field: "organisation_id")
        guard !body.roleIDs.isEmpty else { throw APIError.invalidField("role_ids", "give at least one role") }
        guard body.roleIDs.count <= UserApproval.maximumRoles else {
            throw APIError.invalidField("role_ids", "at most \(UserApproval.maximumRoles) roles")
        }
        let (organisation, roles) = try await database.read { connection in
            (try OrganisationRef.load(id: organisationID, on: connection),
             try body.roleIDs.map { try RoleStore.load(id: $0, on: connection) })
        }
        var rule = BindingRule(scope: scope, gate: .usersApprove)
        if let refusal = rule.checkOrganisation(organisation) {
            throw refusal.apiError(organisationField: "organisation_id", roleField: "role_ids")
        }
        var roleIDs: [String] = []
        for (index, role) in roles.enumerated() {
            if let refusal = rule.checkRole(role, named: body.roleIDs[index], at: organisation!) {
                throw refusal.apiError(organisationField: "organisation_id", roleField: "role_ids[\(index)]")
            }
            if !roleIDs.contains(role!.record.id) { roleIDs.append(role!.record.id) }
        }
        guard current.status == UserStatus.pending else {
            throw APIError.conflict("only a pending registration can be approved; this account is \(current.status)")
        }
        let now = clock.micros, auditor = self.auditor, chosen = roleIDs
        return try await change(current.id, scope: scope) { connection in
            // The status is checked again under the write lock: two approvals cannot both succeed.
            guard try connection.execute("UPDATE users SET status = 'active', updated_at = $2 WHERE id = $1 AND status = 'pending'",
                                         .text(current.id), .integer(now)) == 1
            else { throw APIError.conflict("the registration was decided meanwhile") }
            for roleID in chosen {
                try connection.execute(
                    """
                    INSERT INTO memberships (user_id, organisation_id, role_id, created_at) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (user_id, organisation_id, role_id) DO NOTHING
                    """, .text(current.id), .text(organisationID), .text(roleID), .integer(now))
            }
            try auditor.append(.init(action: "users.approve", target: current.id, organisationID: organisationID,
                                     details: ["role_ids": chosen.joined(separator: " ")]),
                               context: context, on: connection)
        }
    }

    func reject(_ id: String, scope: AccessScope, context: AppRequestContext) async throws -> UserDetail {
        try await transition(id, permission: .usersApprove, from: UserStatus.pending, to: UserStatus.rejected,
                             action: "users.reject", scope: scope, context: context)
    }

    func disable(_ id: String, scope: AccessScope, context: AppRequestContext) async throws -> UserDetail {
        try await transition(id, permission: .usersDisable, from: UserStatus.active, to: UserStatus.disabled,
                             action: "users.disable", scope: scope, context: context)
    }

    func enable(_ id: String, scope: AccessScope, context: AppRequestContext) async throws -> UserDetail {
        try await transition(id, permission: .usersDisable, from: UserStatus.disabled, to: UserStatus.active,
                             action: "users.enable", scope: scope, context: context)
    }

    /// An administrator sets a new password; every session of the account ends.
    func resetPassword(_ id: String, _ body: PasswordReset, scope: AccessScope, context: AppRequestContext) async throws {
        let current = try await load(id)
        try scope.requireOnAccount(.usersResetPassword, current)
        try PasswordHasher.validate(body.newPassword, field: "new_password")
        let hash = try await hash(body.newPassword)
        let now = clock.micros, auditor = self.auditor
        try await database.write { connection in
            try connection.execute("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1",
                                   .text(current.id), .text(hash), .integer(now))
            let revoked = try Self.revokeSessions(of: current.id, except: nil, now: now, on: connection)
            try auditor.append(.init(action: "users.reset-password", target: current.id,
                                     organisationID: current.places.first?.id,
                                     details: ["sessions_revoked": String(revoked)]), context: context, on: connection)
        }
    }

    /// The caller changes their own password: the current one proves it is them (a session left
    /// open on a shared screen is not enough), and their other sessions end.
    func changeOwnPassword(_ body: PasswordChange, context: AppRequestContext) async throws {
        let principal = try context.requirePrincipal()
        try PasswordHasher.validate(body.newPassword, field: "new_password")
        let key = "password-change:" + principal.id, now = clock.micros, throttle = self.throttle
        let (stored, locked) = try await database.read { connection in
            (try connection.first("SELECT password_hash FROM users WHERE id = $1", .text(principal.id))?.text("password_hash"),
             try throttle.lockedFor(key, now: now, on: connection))
        }
        if let locked {
            throw APIError(.tooManyRequests, "locked_out", "too many wrong current passwords; try again later",
                           retryAfter: Int(locked))
        }
        guard let stored else { throw APIError.notFound("user") }
        let hasher = self.hasher, current = body.currentPassword
        let verification = try await NIOThreadPool.singleton.runIfActive { hasher.verify(current, against: stored) }
        let auditor = self.auditor
        guard verification.matches else {
            try await database.write { connection in
                try throttle.recordFailure(key, limit: throttle.settings.accountFailures, now: now, on: connection)
                try auditor.append(.init(action: "me.password", target: principal.id, outcome: "failure",
                                         details: ["reason": "wrong current password"]), context: context, on: connection)
            }
            throw APIError.invalidField("current_password", "the current password is wrong")
        }
        let hash = try await hash(body.newPassword)
        try await database.write { connection in
            try connection.execute("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1",
                                   .text(principal.id), .text(hash), .integer(now))
            let revoked = try Self.revokeSessions(of: principal.id, except: principal.sessionTokenHash, now: now,
                                                  on: connection)
            try throttle.reset(key, on: connection)
            try auditor.append(.init(action: "me.password", target: principal.id,
                                     details: ["sessions_revoked": String(revoked)]), context: context, on: connection)
        }
    }

    /// One status change with the rule for changing accounts; disabling ends every session.
    private func transition(_ id: String, permission: Permission, from: String, to: String, action: String,
                            scope: AccessScope, context: AppRequestContext) async throws -> UserDetail {
        let current = try await load(id)
        try scope.requireOnAccount(permission, current)
        if to == UserStatus.disabled, current.id == scope.principal.id {
            throw APIError.conflict("you cannot disable your own account")
        }
        guard current.status == from else {
            throw APIError.conflict("only a \(from) account can be changed to \(to); this one is \(current.status)")
        }
        let now = clock.micros, auditor = self.auditor
        return try await change(current.id, scope: scope) { connection in
            guard try connection.execute("UPDATE users SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2",
                                         .text(current.id), .text(from), .text(to), .integer(now)) == 1
            else { throw APIError.conflict("the account was changed meanwhile; reload it") }
            var details = ["from": from, "to": to]
            if to == UserStatus.disabled {
                details["sessions_revoked"] = String(try Self.revokeSessions(of: current.id, except: nil, now: now, on: connection))
            }
            try auditor.append(.init(action: action, target: current.id, organisationID: current.places.first?.id,
                                     details: details), context: context, on: connection)
        }
    }

    /// Runs `body` in a write transaction and returns the account as it is afterwards.
    private func change(_ id: String, scope: AccessScope, _ body: @escaping @Sendable (any SQLConnection) throws -> Void)
        async throws -> UserDetail
    {
        let account = try await database.write { connection -> Account in
            try body(connection)
            return try UserDirectory.load(id: id, on: connection)!
        }
        return account.detail(for: scope)
    }

    static func revokeSessions(of userID: String, except keep: String?, now: Int64, on connection: any SQLConnection)
        throws -> Int
    {
        try connection.execute(
            "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL AND token_hash <> $3",
            .text(userID), .integer(now), .text(keep ?? ""))
    }

    private func hash(_ password: String) async throws -> String {
        let hasher = self.hasher
        return try await NIOThreadPool.singleton.runIfActive { try hasher.hash(password) }
    }

    private func load(_ id: String) async throws -> Account {
        guard let account = try await database.read({ try UserDirectory.load(id: id, on: $0) }) else {
            throw APIError.notFound("user")
        }
        return account
    }
}
