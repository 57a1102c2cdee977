import CarbonCore
import Foundation
import HTTPTypes

/// ABAC policies (B3): each owned by an organisation and applied only within its subtree
/// (`AccessScope.engine(for:)`). Two rules keep them from becoming an escalation or lock-out tool:
///
/// - A permit policy may grant only what its author holds at the owner, as with roles.
/// - Decisions about managing the policies of organisation O ignore the policies owned at O and
///   below: a tenant's deny rule ("no policies:delete for anyone") cannot lock out the platform
///   administrators who must be able to repair it; the policies of O's ancestors still apply.
struct PolicyService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    func list(scope: AccessScope) async throws -> [PolicyRecord] {
        let prefixes = scope.prefixes(for: .policiesRead)
        let records = try await database.read { connection in
            var parameters: [SQLValue] = []
            let filter = SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &parameters)
            return try connection.query(PolicyStore.select + " WHERE \(filter) ORDER BY o.path, p.created_at, p.id",
                                        parameters).map(PolicyRecord.init(row:))
        }
        return records.filter { scope.governing($0.owner).allows(.policiesRead, at: $0.owner) }
    }

    func get(_ id: String, scope: AccessScope) async throws -> PolicyRecord {
        let record = try await load(id)
        try scope.governing(record.owner).require(.policiesRead, on: record.owner, what: "policy")
        return record
    }

    func create(_ body: PolicyCreate, scope: AccessScope, context: AppRequestContext) async throws -> PolicyRecord {
        let organisationID = try OrganisationValidation.id(body.organisationID, field: "organisation_id")
        guard let owner = try await database.read({ try OrganisationRef.load(id: organisationID, on: $0) }),
              scope.canSee(owner)
        else { throw APIError.invalidField("organisation_id", "no such organisation") }
        try scope.governing(owner).require(.policiesCreate, on: owner, what: "organisation")
        try Self.validate(body.policy, owner: owner, scope: scope)
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor
        let document = try PolicyStore.encode(body.policy), policy = body.policy
        return try await database.write { connection in
            guard try !PolicyStore.idIsTaken(policy.id, owner: owner.path, excluding: nil, on: connection) else {
                throw Self.idTaken(policy.id)
            }
            try connection.execute(
                """
                INSERT INTO policies (id, organisation_id, document, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
                """, .text(id), .text(owner.id), .text(document), .integer(now))
            try auditor.append(.init(action: "policies.create", target: id, organisationID: owner.id,
                                     details: ["policy_id": policy.id, "effect": policy.effect.rawValue, "document": document]),
                               context: context, on: connection)
            return try Self.load(id, on: connection)
        }
    }

    func replace(_ id: String, _ body: PolicyReplace, scope: AccessScope, context: AppRequestContext) async throws
        -> PolicyRecord
    {
        let current = try await load(id)
        try scope.governing(current.owner).require(.policiesUpdate, on: current.owner, what: "policy")
        try Self.validate(body.policy, owner: current.owner, scope: scope)
        let now = clock.micros, auditor = self.auditor
        let document = try PolicyStore.encode(body.policy), policy = body.policy
        return try await database.write { connection in
            guard try !PolicyStore.idIsTaken(policy.id, owner: current.owner.path, excluding: current.id, on: connection) else {
                throw Self.idTaken(policy.id)
            }
            try connection.execute("UPDATE policies SET document = $2, updated_at = $3 WHERE id = $1",
                                   .text(current.id), .text(document), .integer(now))
            try auditor.append(.init(action: "policies.update", target: current.id, organisationID: current.owner.id,
                                     details: ["policy_id": policy.id, "effect": policy.effect.rawValue, "document": document,
                                               "previous_document": try PolicyStore.encode(current.policy)]),
                               context: context, on: connection)
            return try Self.load(current.id, on: connection)
        }
    }

    func delete(_ id: String, scope: AccessScope, context: AppRequestContext) async throws {
        let current = try await load(id)
        try scope.governing(current.owner).require(.policiesDelete, on: current.owner, what: "policy")
        let auditor = self.auditor, document = try PolicyStore.encode(current.policy)
        try await database.write { connection in
            try connection.execute("DELETE FROM policies WHERE id = $1", .text(current.id))
            try auditor.append(.init(action: "policies.delete", target: current.id, organisationID: current.owner.id,
                                     details: ["policy_id": current.policy.id, "document": document]),
                               context: context, on: connection)
        }
    }

    /// Every pattern must name something in the catalogue (a typo would be a rule about nothing),
    /// and a permit may hand out only what the author holds at the owner.
    static func validate(_ policy: AccessPolicy, owner: OrganisationRef, scope: AccessScope) throws {
        let held = policy.effect == .permit ? scope.held(at: owner) : []
        for (index, pattern) in policy.permissions.enumerated() {
            let matched = PermissionCatalogue.matching(pattern)
            guard !matched.isEmpty else {
                throw APIError(.unprocessableContent, "invalid_policy", "'\(pattern)' matches no permission of the catalogue",
                               field: "policy.permissions[\(index)]")
            }
            if policy.effect == .permit, let missing = matched.first(where: { !held.contains($0) }) {
                throw APIError(.forbidden, "escalation",
                               "a permit policy may grant only what you hold at this organisation; you do not hold '\(missing)'",
                               field: "policy.permissions[\(index)]")
            }
        }
    }

    static func idTaken(_ id: String) -> APIError {
        APIError.conflict("a policy with id '\(id)' already applies on this branch of the tree; decisions name policies by id",
                          field: "policy.id")
    }

    private func load(_ id: String) async throws -> PolicyRecord {
        guard UUID(uuidString: id) != nil else { throw APIError.notFound("policy") }
        return try await database.read { try Self.load(id.lowercased(), on: $0) }
    }

    private static func load(_ id: String, on connection: any SQLConnection) throws -> PolicyRecord {
        guard let row = try connection.first(PolicyStore.select + " WHERE p.id = $1", .text(id)) else {
            throw APIError.notFound("policy")
        }
        return try PolicyRecord(row: row)
    }
}

extension AccessScope {
    /// The scope for decisions about the policies owned at `organisation`: only policies owned
    /// strictly above it apply (see `PolicyService`).
    func governing(_ organisation: OrganisationRef) -> AccessScope {
        AccessScope(principal: principal,
                    policies: policies.filter { $0.owner != organisation.path && $0.owner.contains(organisation.path) },
                    now: now, sourceAddress: sourceAddress)
    }
}
