import CarbonCore
import Foundation

@testable import Aggregator

/// Organisations and people written straight into the database, so that a suite does not depend
/// on the routes it is not about (one writer for every suite: agents, menus, audit, ingest, isolation). Everyone's password is `TestApp.adminPassword`.
extension TestApp {
    @discardableResult
    func organisation(_ name: String, under parentID: String, kind: String = "subsidiary",
                      timeZone: String = "Asia/Shanghai") async throws -> String {
        let id = SecretToken.newID(), now = clock.serviceClock.micros
        try await database.write { connection in
            let parent = try connection.first("SELECT path FROM organisations WHERE id = $1", .text(parentID))!
            let path = try OrganisationPath(text: try parent.text("path")).appending(id)
            try connection.execute(
                """
                INSERT INTO organisations (id, parent_id, path, name, kind, time_zone, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
                """, .text(id), .text(parentID), .text(path.text), .text(name), .text(kind), .text(timeZone),
                .integer(now))
        }
        return id
    }

    /// An active user holding `role` at `organisationID`.
    @discardableResult
    func person(_ username: String, _ role: BuiltInRole, at organisationID: String, displayName: String? = nil)
        async throws -> String
    {
        let id = SecretToken.newID(), now = clock.serviceClock.micros
        let hash = try dependencies.passwordHasher.hash(TestApp.adminPassword)
        try await database.write { connection in
            try connection.execute(
                """
                INSERT INTO users (id, username, display_name, email, status, password_hash, requested_organisation_id,
                    created_at, updated_at)
                VALUES ($1, $2, $3, NULL, 'active', $4, NULL, $5, $5)
                """, .text(id), .text(username), .text(displayName ?? username), .text(hash), .integer(now))
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
