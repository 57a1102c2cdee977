import CarbonCore
import Foundation
import HTTPTypes

/// Use cases of the organisation tree. Every method takes the caller's `AccessScope`; every change
/// commits together with its audit record.
struct OrganisationService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    /// Tables whose rows belong to an organisation: deleting it is refused while any remain.
    /// Later modules add their tables here (readings, inventories, …).
    static let dependents: [(table: String, column: String, what: String)] = [
        ("organisations", "parent_id", "child organisations"),
        ("memberships", "organisation_id", "member bindings"),
        ("agents", "site_id", "edge agents"),
        ("policies", "organisation_id", "access policies"),
        ("roles", "organisation_id", "custom roles"),
        ("series", "site_id", "telemetry series"),
        ("products", "organisation_id", "products"),
        ("suppliers", "organisation_id", "suppliers"),
        ("verification_plans", "organisation_id", "verification plans"),
        ("report_templates", "organisation_id", "report templates"),
        ("reports", "organisation_id", "reports"),
        ("reading_imports", "site_id", "reading imports"),
        ("alarm_rules", "organisation_id", "alarm rules"),
        ("inventories", "organisation_id", "inventories"),
        ("inventory_mappings", "organisation_id", "inventory mappings"),
        ("organisation_factors", "organisation_id", "emission factors"),
    ]

    func list(scope: AccessScope) async throws -> [Organisation] {
        let prefixes = scope.prefixes(for: .organisationsRead)
        let rows = try await database.read { connection in
            var parameters: [SQLValue] = []
            let filter = SubtreeFilter.clause(column: "path", prefixes: prefixes, parameters: &parameters)
            return try connection.query("SELECT * FROM organisations WHERE \(filter) ORDER BY path", parameters)
        }
        return scope.filter(try rows.map(Organisation.init(row:)), .organisationsRead) { $0.ref }
    }

    func get(_ id: String, scope: AccessScope) async throws -> Organisation {
        let organisation = try await load(id)
        try scope.require(.organisationsRead, on: organisation.ref, what: "organisation")
        return organisation
    }

    func create(_ body: OrganisationCreate, scope: AccessScope, context: AppRequestContext) async throws -> Organisation {
        let parentID = try OrganisationValidation.id(body.parentID, field: "parent_id")
        let name = try OrganisationValidation.name(body.name)
        let kind = try OrganisationValidation.kind(body.kind)
        let parent = try await load(parentID, field: "parent_id")
        try Self.asUnknownParent { try scope.require(.organisationsCreate, on: parent.ref, what: "organisation") }
        let timeZone = try body.timeZone.map(OrganisationValidation.timeZone) ?? parent.timeZone
        let id = SecretToken.newID(), now = clock.micros
        let path = try parent.ref.path.appending(id)
        let auditor = self.auditor
        return try await database.write { connection in
            try connection.execute(
                """
                INSERT INTO organisations (id, parent_id, path, name, kind, time_zone, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
                """, .text(id), .text(parentID), .text(path.text), .text(name), .text(kind), .text(timeZone), .integer(now))
            try auditor.append(.init(action: "organisations.create", target: id, organisationID: id,
                                     details: ["name": name, "parent_id": parentID]), context: context, on: connection)
            return try Organisation(row: try connection.first("SELECT * FROM organisations WHERE id = $1", .text(id))!)
        }
    }

    func update(_ id: String, _ body: OrganisationUpdate, scope: AccessScope, context: AppRequestContext) async throws
        -> Organisation
    {
        let current = try await load(id)
        try scope.require(.organisationsUpdate, on: current.ref, what: "organisation")
        let name = try body.name.map { try OrganisationValidation.name($0) } ?? current.name
        let kind = try body.kind.map(OrganisationValidation.kind) ?? current.kind
        let timeZone = try body.timeZone.map(OrganisationValidation.timeZone) ?? current.timeZone
        let now = clock.micros, auditor = self.auditor
        return try await database.write { connection in
            try connection.execute(
                "UPDATE organisations SET name = $2, kind = $3, time_zone = $4, updated_at = $5 WHERE id = $1",
                .text(id), .text(name), .text(kind), .text(timeZone), .integer(now))
            try auditor.append(.init(action: "organisations.update", target: id, organisationID: id,
                                     details: ["name": name, "kind": kind, "time_zone": timeZone]),
                               context: context, on: connection)
            return try Organisation(row: try connection.first("SELECT * FROM organisations WHERE id = $1", .text(id))!)
        }
    }

    func delete(_ id: String, scope: AccessScope, context: AppRequestContext) async throws {
        let current = try await load(id)
        try scope.require(.organisationsDelete, on: current.ref, what: "organisation")
        guard current.parentID != nil else { throw APIError.conflict("the root organisation cannot be deleted") }
        let auditor = self.auditor
        try await database.write { connection in
            var owned: [String] = []
            for dependent in Self.dependents {
                let count = try connection.first(
                    "SELECT count(*) AS n FROM \(dependent.table) WHERE \(dependent.column) = $1", .text(id))?.int64("n") ?? 0
                if count > 0 { owned.append("\(count) \(dependent.what)") }
            }
            guard owned.isEmpty else {
                throw APIError(.conflict, "organisation_not_empty",
                               "the organisation still owns data: \(owned.joined(separator: ", ")); move or delete it first")
            }
            try connection.execute("DELETE FROM organisations WHERE id = $1", .text(id))
            try auditor.append(.init(action: "organisations.delete", target: id, organisationID: current.parentID,
                                     details: ["name": current.name]), context: context, on: connection)
        }
    }

    /// Moves a subtree under a new parent: the caller must be allowed to move it from where it is
    /// and to create under the destination; a node cannot move below itself.
    func move(_ id: String, _ body: OrganisationMove, scope: AccessScope, context: AppRequestContext) async throws
        -> Organisation
    {
        let current = try await load(id)
        try scope.require(.organisationsMove, on: current.ref, what: "organisation")
        guard current.parentID != nil else { throw APIError.conflict("the root organisation cannot be moved") }
        let destination = try await load(try OrganisationValidation.id(body.parentID, field: "parent_id"), field: "parent_id")
        try Self.asUnknownParent { try scope.require(.organisationsCreate, on: destination.ref, what: "organisation") }
        guard !destination.path.contains(id) else {
            throw APIError.invalidField("parent_id", "an organisation cannot move below itself")
        }
        let oldPath = current.ref.path.text
        let newPath = try destination.ref.path.appending(id).text
        let now = clock.micros, auditor = self.auditor
        return try await database.write { connection in
            try connection.execute(
                """
                UPDATE organisations SET path = $2 || substr(path, length($1) + 1), updated_at = $3
                WHERE substr(path, 1, length($1)) = $1
                """, .text(oldPath), .text(newPath), .integer(now))
            try connection.execute("UPDATE organisations SET parent_id = $2 WHERE id = $1", .text(id), .text(destination.id))
            try auditor.append(.init(action: "organisations.move", target: id, organisationID: id,
                                     details: ["from": current.parentID ?? "", "to": destination.id]),
                               context: context, on: connection)
            return try Organisation(row: try connection.first("SELECT * FROM organisations WHERE id = $1", .text(id))!)
        }
    }

    /// An invisible parent must look exactly like a missing one, or ids could be probed.
    private static func asUnknownParent(_ check: () throws -> Void) throws {
        do { try check() } catch let error as APIError where error.code == "not_found" {
            throw APIError.unknownReference("parent_id", "organisation")
        }
    }

    func load(_ id: String, field: String? = nil) async throws -> Organisation {
        guard UUID(uuidString: id) != nil else {
            throw field.map { APIError.invalidField($0, "'\($0)' must be a UUID") } ?? APIError.notFound("organisation")
        }
        let row = try await database.read { try $0.first("SELECT * FROM organisations WHERE id = $1", .text(id.lowercased())) }
        guard let row else {
            throw field.map { APIError.unknownReference($0, "organisation") } ?? APIError.notFound("organisation")
        }
        return try Organisation(row: row)
    }
}
