import CarbonCore
import Foundation
import HTTPTypes
import NIOPosix

/// Login, logout, registration and the caller's own profile.
struct SessionService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock
    let hasher: PasswordHasher
    let throttle: LoginThrottle
    let sessionLifetimeSeconds: Int64

    func login(_ body: LoginRequest, context: AppRequestContext) async throws -> LoginReply {
        let username = body.username.lowercased()
        let accountKey = LoginThrottle.accountKey(username), addressKey = LoginThrottle.addressKey(context.sourceAddress)
        let now = clock.micros, throttle = self.throttle
        let locked = try await database.read { connection in
            max(try throttle.lockedFor(accountKey, now: now, on: connection) ?? 0,
                try throttle.lockedFor(addressKey, now: now, on: connection) ?? 0)
        }
        if locked > 0 {
            try await auditor.record(.init(action: "auth.login", target: username, outcome: "denied",
                                           details: ["reason": "locked out"]),
                                     context: context, actor: .init(id: nil, kind: "anonymous"))
            throw APIError(.tooManyRequests, "locked_out", "too many failed logins; try again later",
                           retryAfter: Int(locked))
        }
        let row = try await database.read {
            try $0.first("SELECT id, username, display_name, status, password_hash FROM users WHERE username = $1",
                         .text(username))
        }
        // The KDF is CPU-bound for ~0.3 s: keep it off the cooperative pool.
        let hasher = self.hasher, password = body.password
        let storedHash = try row?.text("password_hash")
        let verification = try await NIOThreadPool.singleton.runIfActive { () -> PasswordHasher.Verification in
            guard let storedHash else {
                hasher.dummyVerify(password)
                return .init(matches: false, needsRehash: false)
            }
            return hasher.verify(password, against: storedHash)
        }
        guard let row, verification.matches, try row.text("status") == UserStatus.active else {
            let reason = row == nil || !verification.matches ? "bad credentials" : "account \(try row!.text("status"))"
            let userID = try row?.text("id")
            let auditor = self.auditor, requestID = context.requestID, source = context.sourceAddress
            try await database.write { connection in
                try throttle.recordFailure(accountKey, limit: throttle.settings.accountFailures, now: now, on: connection)
                try throttle.recordFailure(addressKey, limit: throttle.settings.addressFailures, now: now, on: connection)
                _ = try Auditor.append(.init(action: "auth.login", target: username, outcome: "failure",
                                             details: ["reason": reason]),
                                       actor: .init(id: userID, kind: userID == nil ? "anonymous" : "user"),
                                       requestID: requestID, sourceAddress: source, time: now, on: connection)
            }
            // One message for every cause: a wrong password must not reveal that the user exists.
            throw APIError(.unauthorized, "invalid_credentials", "the username or password is wrong, or the account is not active")
        }
        let user = try UserSummary(row: row)
        let token = SecretToken.generate(prefix: SecretToken.sessionPrefix)
        let expires = now + sessionLifetimeSeconds * 1_000_000
        let rehash = verification.needsRehash ? try hasher.hash(password) : nil
        let auditor = self.auditor, requestID = context.requestID, source = context.sourceAddress
        try await database.write { connection in
            try connection.execute(
                """
                INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked_at, source_address)
                VALUES ($1, $2, $3, $4, NULL, $5)
                """, .text(SecretToken.hash(token)), .text(user.id), .integer(now), .integer(expires), .text(source))
            try throttle.reset(accountKey, on: connection)
            if let rehash {
                try connection.execute("UPDATE users SET password_hash = $2 WHERE id = $1", .text(user.id), .text(rehash))
            }
            _ = try Auditor.append(.init(action: "auth.login", target: username), actor: .init(id: user.id, kind: "user"),
                                   requestID: requestID, sourceAddress: source, time: now, on: connection)
        }
        return LoginReply(token: token, expiresAt: ServiceClock.iso(expires), user: user)
    }

    func logout(context: AppRequestContext) async throws {
        let principal = try context.requirePrincipal()
        guard let hash = principal.sessionTokenHash else { return }
        let now = clock.micros, auditor = self.auditor
        try await database.write { connection in
            try connection.execute("UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL",
                                   .text(hash), .integer(now))
            try auditor.append(.init(action: "auth.logout", target: principal.id), context: context, on: connection)
        }
    }

    func register(_ body: RegistrationRequest, context: AppRequestContext) async throws -> UserSummary {
        let username = try UserValidation.username(body.username)
        let displayName = try UserValidation.displayName(body.displayName)
        let email = try UserValidation.email(body.email)
        try PasswordHasher.validate(body.password)
        let requested = try body.requestedOrganisationID.map {
            try OrganisationValidation.id($0, field: "requested_organisation_id")
        }
        let hasher = self.hasher, password = body.password
        let hash = try await NIOThreadPool.singleton.runIfActive { try hasher.hash(password) }
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor, throttle = self.throttle
        let addressKey = "register:" + context.sourceAddress
        return try await database.write { connection in
            if let seconds = try throttle.lockedFor(addressKey, now: now, on: connection) {
                throw APIError(.tooManyRequests, "rate_limited", "too many registrations from this address",
                               retryAfter: Int(seconds))
            }
            try throttle.recordFailure(addressKey, limit: 20, now: now, on: connection)
            if let requested, try connection.first("SELECT id FROM organisations WHERE id = $1", .text(requested)) == nil {
                throw APIError.unknownReference("requested_organisation_id", "organisation")
            }
            do {
                try connection.execute(
                    """
                    INSERT INTO users (id, username, display_name, email, status, password_hash, requested_organisation_id,
                        created_at, updated_at)
                    VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $7)
                    """, .text(id), .text(username), .text(displayName), SQLValue(email), .text(hash),
                    SQLValue(requested), .integer(now))
            } catch let error as DatabaseError where error.code == .uniqueViolation {
                throw APIError.conflict("the username is taken", field: "username")
            }
            try auditor.append(.init(action: "users.register", target: id, organisationID: requested,
                                     details: ["username": username]),
                               context: context, actor: .init(id: id, kind: "user"), on: connection)
            return try UserSummary(row: try connection.first("SELECT * FROM users WHERE id = $1", .text(id))!)
        }
    }
}
