import CarbonCore
import Foundation
import HTTPTypes

/// Role CRUD (B3). Built-in roles are read-only; a custom role belongs to an organisation, is
/// visible and usable in its subtree, and is managed by that organisation's administrators.
struct RoleService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    /// Built-ins, custom roles owned in the caller's subtrees, and the roles of their ancestors
    /// (usable in the caller's subtrees, so an administrator must see what they can bind).
    func list(scope: AccessScope) async throws -> [RoleRecord] {
        let prefixes = scope.prefixes(for: .rolesRead)
        let roles = try await database.read { connection in
            var parameters: [SQLValue] = []
            let below = SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &parameters)
            let above = prefixes.map { prefix -> String in
                parameters.append(.text(prefix))
                return "substr($\(parameters.count), 1, length(o.path)) = o.path"
            }
            let ancestors = above.isEmpty ? "1 = 0" : "(" + above.joined(separator: " OR ") + ")"
            return try connection.query(
                RoleStore.select + " WHERE r.built_in = 1 OR \(below) OR \(ancestors) ORDER BY r.built_in DESC, r.name",
                parameters
            ).map(StoredRole.init(row:))
        }
        return roles.filter { Self.canRead($0, scope: scope) }.map(\.record)
    }

    func get(_ id: String, scope: AccessScope) async throws -> RoleRecord {
        try await load(id, scope: scope).record
    }

    func create(_ body: RoleCreate, scope: AccessScope, context: AppRequestContext) async throws -> RoleRecord {
        let name = try RoleValidation.name(body.name)
        let description = try RoleValidation.description(body.description)
        let permissions = try RoleValidation.permissions(body.permissions)
        let organisationID = try OrganisationValidation.id(body.organisationID, field: "organisation_id")
        guard let owner = try await database.read({ try OrganisationRef.load(id: organisationID, on: $0) }),
              scope.canSee(owner)
        else { throw APIError.invalidField("organisation_id", "no such organisation") }
        try scope.require(.rolesCreate, on: owner, what: "organisation")
        try RoleValidation.requireHeld(permissions, requested: body.permissions, at: owner, scope: scope)
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor
        let encoded = RoleRecord.encodePermissions(Set(permissions))
        return try await database.write { connection in
            do {
                try connection.execute(
                    """
                    INSERT INTO roles (id, organisation_id, name, description, built_in, permissions, created_at, updated_at)
                    VALUES ($1, $2, $3, $4, 0, $5, $6, $6)
                    """, .text(id), .text(owner.id), .text(name), .text(description), .text(encoded), .integer(now))
            } catch let error as DatabaseError where error.code == .uniqueViolation {
                throw Self.nameTaken
            }
            try auditor.append(.init(action: "roles.create", target: id, organisationID: owner.id,
                                     details: ["name": name, "permissions": encoded]), context: context, on: connection)
            return try RoleStore.load(id: id, on: connection)!.record
        }
    }

    func update(_ id: String, _ body: RoleUpdate, scope: AccessScope, context: AppRequestContext) async throws
        -> RoleRecord
    {
        let current = try await load(id, scope: scope)
        guard let owner = current.owner else { throw Self.builtInReadOnly }
        try Self.requireManaging(.rolesUpdate, owner, scope: scope)
        let name = try body.name.map(RoleValidation.name) ?? current.record.name
        let description = try body.description.map(RoleValidation.description) ?? current.record.description
        var permissions = current.permissions
        if let requested = body.permissions {
            let validated = try RoleValidation.permissions(requested)
            // Only what is added needs holding: removing a permission never escalates.
            try RoleValidation.requireHeld(validated.filter { !current.permissions.contains($0) }, requested: requested,
                                           at: owner, scope: scope)
            permissions = Set(validated)
        }
        let encoded = RoleRecord.encodePermissions(permissions), now = clock.micros, auditor = self.auditor
        return try await database.write { connection in
            do {
                try connection.execute(
                    "UPDATE roles SET name = $2, description = $3, permissions = $4, updated_at = $5 WHERE id = $1 AND built_in = 0",
                    .text(current.record.id), .text(name), .text(description), .text(encoded), .integer(now))
            } catch let error as DatabaseError where error.code == .uniqueViolation {
                throw Self.nameTaken
            }
            try auditor.append(.init(action: "roles.update", target: current.record.id, organisationID: owner.id,
                                     details: ["name": name, "permissions": encoded,
                                               "previous_permissions": RoleRecord.encodePermissions(current.permissions)]),
                               context: context, on: connection)
            guard let updated = try RoleStore.load(id: current.record.id, on: connection) else { throw APIError.notFound("role") }
            return updated.record
        }
    }

    func delete(_ id: String, scope: AccessScope, context: AppRequestContext) async throws {
        let current = try await load(id, scope: scope)
        guard let owner = current.owner else { throw Self.builtInReadOnly }
        try Self.requireManaging(.rolesDelete, owner, scope: scope)
        let auditor = self.auditor
        try await database.write { connection in
            let bindings = try RoleStore.bindingCount(roleID: current.record.id, on: connection)
            guard bindings == 0 else {
                throw APIError(.conflict, "role_in_use",
                               "the role is still bound \(bindings) time\(bindings == 1 ? "" : "s"); unbind it first")
            }
            try connection.execute("DELETE FROM roles WHERE id = $1 AND built_in = 0", .text(current.record.id))
            try auditor.append(.init(action: "roles.delete", target: current.record.id, organisationID: owner.id,
                                     details: ["name": current.record.name]), context: context, on: connection)
        }
    }

    /// A built-in is readable by anyone with roles:read; a custom role by those who may read roles
    /// at its owner, or at an organisation below it (where it can be bound).
    static func canRead(_ role: StoredRole, scope: AccessScope) -> Bool {
        guard let owner = role.owner else { return true }
        if scope.allows(.rolesRead, at: owner) { return true }
        return scope.principal.grants.contains { grant in
            grant.permissions.contains(.rolesRead) && owner.path.contains(grant.organisation)
                && scope.decide(.rolesRead, at: grant.organisation, timeZone: owner.timeZone).isAllowed
        }
    }

    /// The role is visible (checked by `load`), so a refusal is 403: an ancestor's role can be
    /// read and bound below, but only its owner's administrators change it.
    static func requireManaging(_ permission: Permission, _ owner: OrganisationRef, scope: AccessScope) throws {
        let decision = scope.decide(permission, at: owner.path, timeZone: owner.timeZone)
        guard decision.isAllowed else { throw APIError.forbidden(decision.reason) }
    }

    private func load(_ id: String, scope: AccessScope) async throws -> StoredRole {
        guard let role = try await database.read({ try RoleStore.load(id: id, on: $0) }), Self.canRead(role, scope: scope)
        else { throw APIError.notFound("role") }
        return role
    }

    static let builtInReadOnly = APIError(.conflict, "built_in_role", "built-in roles are read-only; create a custom role instead")
    static let nameTaken = APIError.conflict("a role with this name exists; role names are unique across the platform, because policies name roles", field: "name")
}
