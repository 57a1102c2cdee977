import CarbonCore
import Foundation

@testable import Aggregator

/// Organisations and people written straight into the database, so that the menu, agent and audit
/// tests do not depend on the user-administration routes. Everyone's password is `TestApp.adminPassword`.
extension TestApp {
    @discardableResult
    func organisation(_ name: String, under parentID: String, kind: String = "subsidiary") async throws -> String {
        let id = SecretToken.newID(), now = clock.serviceClock.micros
        try await database.write { connection in
            let parent = try connection.first("SELECT path FROM organisations WHERE id = $1", .text(parentID))!
            let path = try OrganisationPath(text: try parent.text("path")).appending(id)
            try connection.execute(
                """
                INSERT INTO organisations (id, parent_id, path, name, kind, time_zone, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, 'Asia/Shanghai', $6, $6)
                """, .text(id), .text(parentID), .text(path.text), .text(name), .text(kind), .integer(now))
        }
        return id
    }

    /// An active user holding `role` at `organisationID`.
    @discardableResult
    func person(_ username: String, _ role: BuiltInRole, at organisationID: String) async throws -> String {
        let id = SecretToken.newID(), now = clock.serviceClock.micros
        let hash = try dependencies.passwordHasher.hash(TestApp.adminPassword)
        try await database.write { connection in
            try connection.execute(
                """
                INSERT INTO users (id, username, display_name, email, status, password_hash, requested_organisation_id,
                    created_at, updated_at)
                VALUES ($1, $2, $2, NULL, 'active', $3, NULL, $4, $4)
                """, .text(id), .text(username), .text(hash), .integer(now))
            try connection.execute(
                "INSERT INTO memberships (user_id, organisation_id, role_id, created_at) VALUES ($1, $2, $3, $4)",
                .text(id), .text(organisationID), .text(RoleRecord.builtInID(role)), .integer(now))
        }
        return id
    }


    /// The audit records with `action`, oldest first.
    func auditRecords(_ action: String) async throws -> [AuditRecord] {
        try await database.read { connection in
            try connection.query("SELECT * FROM audit_log WHERE action = $1 ORDER BY sequence", .text(action))
                .map(Auditor.decodeRecord)
        }
    }
}
