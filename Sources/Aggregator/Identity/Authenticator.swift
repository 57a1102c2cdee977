import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird

/// Resolves `Authorization: Bearer <token>` to a principal, from the database every time (no
/// per-process cache), so revocation is immediate on every replica.
struct Authenticator: Sendable {
    let database: any Database
    let clock: ServiceClock

    /// What an agent credential may do, at its bound site only.
    static let agentPermissions: Set<Permission> = [.ingestWrite, .sitesRead, .devicesRead]

    func authenticate(_ request: Request, context: AppRequestContext) async throws -> Principal {
        guard let header = request.headers[.authorization] else { throw APIError.unauthenticated }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw APIError.unauthenticated }
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        let hash = SecretToken.hash(token)
        let now = clock.micros
        let principal: Principal?
        if token.hasPrefix(SecretToken.sessionPrefix) {
            principal = try await database.read { try Self.user(sessionHash: hash, now: now, on: $0) }
        } else if token.hasPrefix(SecretToken.agentPrefix) {
            principal = try await database.read { try Self.agent(credentialHash: hash, now: now, on: $0) }
        } else {
            principal = nil
        }
        guard let principal else {
            throw APIError(.unauthorized, "unauthenticated", "the token is unknown, expired or revoked")
        }
        return principal
    }

    static func user(sessionHash: String, now: Int64, on connection: any SQLConnection) throws -> Principal? {
        guard let row = try connection.first(
            """
            SELECT u.id, u.display_name FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.status = 'active'
            """, .text(sessionHash), .integer(now))
        else { return nil }
        let id = try row.text("id")
        return Principal(id: id, kind: .user, name: try row.text("display_name"),
                         grants: try grants(ofUser: id, on: connection), boundSite: nil, sessionTokenHash: sessionHash)
    }

    /// A user's role grants: one per (organisation, role) membership.
    static func grants(ofUser userID: String, on connection: any SQLConnection) throws -> [Grant] {
        try connection.query(
            """
            SELECT r.name, r.permissions, o.path FROM memberships m
            JOIN roles r ON r.id = m.role_id JOIN organisations o ON o.id = m.organisation_id
            WHERE m.user_id = $1 ORDER BY o.path, r.name
            """, .text(userID)
        ).map { row in
            let path = try OrganisationPath(text: try row.text("path")), role = try row.text("name")
            return Grant(id: "\(path.id)/\(role)", role: role,
                         permissions: RoleRecord.decodePermissions(try row.text("permissions")), organisation: path)
        }
    }

    static func agent(credentialHash: String, now: Int64, on connection: any SQLConnection) throws -> Principal? {
        guard let row = try connection.first(
            """
            SELECT a.id, a.name, o.path FROM agent_credentials c JOIN agents a ON a.id = c.agent_id
            JOIN organisations o ON o.id = a.site_id
            WHERE c.token_hash = $1 AND c.revoked_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > $2)
              AND a.status = 'active'
            """, .text(credentialHash), .integer(now))
        else { return nil }
        let site = try OrganisationPath(text: try row.text("path"))
        return Principal(id: try row.text("id"), kind: .agent, name: try row.text("name"),
                         grants: [Grant(id: "agent/\(site.id)", role: "agent", permissions: agentPermissions, organisation: site)],
                         boundSite: site, sessionTokenHash: nil)
    }
}
