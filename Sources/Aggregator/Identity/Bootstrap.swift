import CarbonCore
import Foundation

/// Creates the platform's root organisation and its first administrator, once. There is no
/// default password: the password is read from a file the operator wrote, or generated and shown
/// once. Refused when any user exists, so it cannot be used to take over a running installation.
enum Bootstrap {
    struct Result: Sendable {
        let organisationID: String
        let userID: String
    }

    static func seed(_ database: any Database, now: Int64) async throws {
        try await database.write { try RoleRecord.seedBuiltIns(now: now, on: $0) }
    }

    static func createFirstAdministrator(
        _ database: any Database, username: String, displayName: String, password: String,
        organisationName: String, timeZone: String, hasher: PasswordHasher, now: Int64
    ) async throws -> Result {
        let username = try UserValidation.username(username)
        let displayName = try UserValidation.displayName(displayName)
        try PasswordHasher.validate(password)
        let name = try OrganisationValidation.name(organisationName)
        let zone = try OrganisationValidation.timeZone(timeZone)
        let hash = try hasher.hash(password)
        let organisationID = SecretToken.newID(), userID = SecretToken.newID()
        return try await database.write { connection in
            guard try connection.first("SELECT id FROM users LIMIT 1") == nil else {
                throw APIError.conflict("users already exist; the first administrator can be created only once")
            }
            try RoleRecord.seedBuiltIns(now: now, on: connection)
            try connection.execute(
                """
                INSERT INTO organisations (id, parent_id, path, name, kind, time_zone, created_at, updated_at)
                VALUES ($1, NULL, $2, $3, 'platform', $4, $5, $5)
                """, .text(organisationID), .text(try OrganisationPath([organisationID]).text), .text(name), .text(zone),
                .integer(now))
            try connection.execute(
                """
                INSERT INTO users (id, username, display_name, email, status, password_hash, requested_organisation_id,
                    created_at, updated_at)
                VALUES ($1, $2, $3, NULL, 'active', $4, NULL, $5, $5)
                """, .text(userID), .text(username), .text(displayName), .text(hash), .integer(now))
            try connection.execute(
                "INSERT INTO memberships (user_id, organisation_id, role_id, created_at) VALUES ($1, $2, $3, $4)",
                .text(userID), .text(organisationID), .text(RoleRecord.builtInID(.administrator)), .integer(now))
            _ = try Auditor.append(
                .init(action: "bootstrap.administrator", target: userID, organisationID: organisationID,
                      details: ["username": username]),
                actor: .init(id: nil, kind: "system"), requestID: "bootstrap", sourceAddress: "local", time: now,
                on: connection)
            return Result(organisationID: organisationID, userID: userID)
        }
    }
}
