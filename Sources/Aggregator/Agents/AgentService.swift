import CarbonCore
import Foundation
import HTTPTypes

/// Edge agents and their credentials (B2). Tokens are shown once and stored only as SHA-256
/// hashes; rotation keeps the previous credentials valid for an overlap so an agent can switch
/// without losing a batch; revocation and disabling take effect on the next request, because the
/// authenticator reads the database every time.
struct AgentService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    func list(scope: AccessScope) async throws -> [Agent] {
        let prefixes = scope.prefixes(for: .agentsRead)
        let rows = try await database.read { connection in
            var parameters: [SQLValue] = []
            let filter = SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &parameters)
            return try connection.query("\(Agent.select) WHERE \(filter) ORDER BY a.name", parameters)
        }
        return scope.filter(try rows.map(Agent.init(row:)), .agentsRead) { $0.site }
    }

    func get(_ id: String, scope: AccessScope) async throws -> Agent {
        let agent = try await database.read { try Self.load(id, on: $0) }
        try scope.require(.agentsRead, on: agent.site, what: "agent")
        return agent
    }

    func create(_ body: AgentCreate, scope: AccessScope, context: AppRequestContext) async throws -> AgentCreated {
        let name = try AgentValidation.name(body.name)
        let siteID = try OrganisationValidation.id(body.siteID, field: "site_id")
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor
        let credential = Self.newCredential(now: now)
        return try await database.write { connection in
            // An organisation the caller cannot see must look exactly like one that does not exist.
            guard let site = try OrganisationRef.load(id: siteID, on: connection), scope.canSee(site) else {
                throw APIError.invalidField("site_id", "no such organisation")
            }
            try scope.require(.agentsCreate, on: site, what: "organisation")
            do {
                try connection.execute(
                    "INSERT INTO agents (id, name, site_id, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
                    .text(id), .text(name), .text(siteID), .text(Agent.active), .integer(now))
            } catch let error as DatabaseError where error.code == .uniqueViolation {
                throw APIError.conflict("an agent named '\(name)' already exists", field: "name")
            }
            try Self.insert(credential, agentID: id, now: now, on: connection)
            try auditor.append(.init(action: "agents.create", target: id, organisationID: siteID,
                                     details: ["name": name, "credential_id": credential.id]),
                               context: context, on: connection)
            return AgentCreated(agent: try Self.load(id, on: connection), credential: credential)
        }
    }

    /// A new credential; the agent's earlier active credentials now expire after `overlap_seconds`
    /// (never later than they already would).
    func rotate(_ id: String, _ body: CredentialRotation, scope: AccessScope, context: AppRequestContext) async throws
        -> IssuedCredential
    {
        let overlap = try AgentValidation.overlap(body.overlapSeconds)
        let now = clock.micros, auditor = self.auditor
        let credential = Self.newCredential(now: now)
        return try await database.write { connection in
            let agent = try Self.load(id, on: connection)
            try scope.require(.agentsRotate, on: agent.site, what: "agent")
            guard agent.status == Agent.active else {
                throw APIError(.conflict, "agent_disabled", "the agent is disabled; register a new one instead")
            }
            let retireAt = now + overlap * 1_000_000
            let retired = try connection.execute(
                """
                UPDATE agent_credentials SET expires_at = $2
                WHERE agent_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)
                """, .text(agent.id), .integer(retireAt))
            try Self.insert(credential, agentID: agent.id, now: now, on: connection)
            try auditor.append(.init(action: "agents.credentials.rotate", target: agent.id, organisationID: agent.siteID,
                                     details: ["credential_id": credential.id, "overlap_seconds": String(overlap),
                                               "retired": String(retired)]),
                               context: context, on: connection)
            return credential
        }
    }

    /// Credential metadata. Who looked at an agent's credentials is itself worth knowing, so the
    /// read is audited.
    func credentials(_ id: String, scope: AccessScope, context: AppRequestContext) async throws -> [AgentCredential] {
        let now = clock.micros
        let (agent, credentials) = try await database.read { connection in
            let agent = try Self.load(id, on: connection)
            let rows = try connection.query(
                "SELECT * FROM agent_credentials WHERE agent_id = $1 ORDER BY created_at, id", .text(agent.id))
            return (agent, try rows.map { try AgentCredential(row: $0, now: now) })
        }
        try scope.require(.agentsRead, on: agent.site, what: "agent")
        try await auditor.record(.init(action: "agents.credentials.read", target: agent.id, organisationID: agent.siteID),
                                 context: context)
        return credentials
    }

    func revoke(_ id: String, credential credentialID: String, scope: AccessScope, context: AppRequestContext)
        async throws
    {
        let now = clock.micros, auditor = self.auditor
        try await database.write { connection in
            let agent = try Self.load(id, on: connection)
            try scope.require(.agentsRevoke, on: agent.site, what: "agent")
            guard UUID(uuidString: credentialID) != nil,
                  try connection.first("SELECT id FROM agent_credentials WHERE id = $1 AND agent_id = $2",
                                       .text(credentialID.lowercased()), .text(agent.id)) != nil
            else { throw APIError.notFound("credential") }
            let changed = try connection.execute(
                "UPDATE agent_credentials SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                .text(credentialID.lowercased()), .integer(now))
            try auditor.append(.init(action: "agents.credentials.revoke", target: agent.id, organisationID: agent.siteID,
                                     details: ["credential_id": credentialID.lowercased(),
                                               "already_revoked": changed == 0 ? "true" : "false"]),
                               context: context, on: connection)
        }
    }

    /// Disables the agent and revokes every credential it still has: nothing it holds works again.
    func disable(_ id: String, scope: AccessScope, context: AppRequestContext) async throws -> Agent {
        let now = clock.micros, auditor = self.auditor
        return try await database.write { connection in
            let agent = try Self.load(id, on: connection)
            try scope.require(.agentsRevoke, on: agent.site, what: "agent")
            try connection.execute("UPDATE agents SET status = $2, updated_at = $3 WHERE id = $1",
                                   .text(agent.id), .text(Agent.disabled), .integer(now))
            let revoked = try connection.execute(
                "UPDATE agent_credentials SET revoked_at = $2 WHERE agent_id = $1 AND revoked_at IS NULL",
                .text(agent.id), .integer(now))
            try auditor.append(.init(action: "agents.disable", target: agent.id, organisationID: agent.siteID,
                                     details: ["name": agent.name, "revoked_credentials": String(revoked)]),
                               context: context, on: connection)
            return try Self.load(agent.id, on: connection)
        }
    }

    /// The calling agent, as its credential resolves.
    func identity(context: AppRequestContext) async throws -> AgentIdentity {
        let principal = try context.requirePrincipal()
        let agent = try await database.read { try Self.load(principal.id, on: $0) }
        return AgentIdentity(agentID: agent.id, name: agent.name, siteID: agent.siteID)
    }

    // MARK: Helpers

    static func load(_ id: String, on connection: any SQLConnection) throws -> Agent {
        guard UUID(uuidString: id) != nil,
              let row = try connection.first("\(Agent.select) WHERE a.id = $1", .text(id.lowercased()))
        else { throw APIError.notFound("agent") }
        return try Agent(row: row)
    }

    private static func newCredential(now: Int64) -> IssuedCredential {
        IssuedCredential(id: SecretToken.newID(), token: SecretToken.generate(prefix: SecretToken.agentPrefix),
                         createdAt: ServiceClock.iso(now))
    }

    private static func insert(_ credential: IssuedCredential, agentID: String, now: Int64,
                               on connection: any SQLConnection) throws {
        try connection.execute(
            """
            INSERT INTO agent_credentials (id, token_hash, agent_id, created_at, expires_at, revoked_at)
            VALUES ($1, $2, $3, $4, NULL, NULL)
            """, .text(credential.id), .text(SecretToken.hash(credential.token)), .text(agentID), .integer(now))
    }
}
