import CarbonCore
import Crypto
import HTTPTypes
import Foundation

/// Regional accounts: create, list and read them, and calculate them into immutable versions.
/// CarbonCore decodes and judges the model (the API adds nothing of its own, so `carbonctl region`
/// and the API agree); its errors name the field inside `model`.
struct RegionalService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    func list(scope: AccessScope) async throws -> [RegionalAccount] {
        let prefixes = scope.prefixes(for: .inventoriesRead)
        let rows = try await database.read { connection in
            var parameters: [SQLValue] = []
            let filter = SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &parameters)
            return try connection.query("\(RegionalAccount.select) WHERE \(filter) ORDER BY o.path, a.name, a.id",
                                        parameters)
        }
        return scope.filter(try rows.map(RegionalAccount.init(row:)), .inventoriesRead) { $0.organisation }
    }

    func get(_ id: String, scope: AccessScope, permission: Permission = .inventoriesRead) async throws -> RegionalAccount {
        guard UUID(uuidString: id) != nil,
              let row = try await database.read({ try $0.first("\(RegionalAccount.select) WHERE a.id = $1", .text(id.lowercased())) })
        else { throw APIError.notFound("regional account") }
        let account = try RegionalAccount(row: row)
        try scope.require(.inventoriesRead, on: account.organisation, what: "regional account")
        if permission != .inventoriesRead { try scope.require(permission, on: account.organisation, what: "regional account") }
        return account
    }

    func create(_ body: RegionalAccountCreate, scope: AccessScope, context: AppRequestContext) async throws -> RegionalAccount {
        let organisationID = try OrganisationValidation.id(body.organisationID, field: "organisation_id")
        let name = try OrganisationValidation.name(body.name)
        let organisation = try await database.read { try OrganisationRef.load(id: organisationID, on: $0) }
        guard let organisation else { throw APIError.unknownReference("organisation_id", "organisation") }
        do { try scope.require(.inventoriesCreate, on: organisation, what: "organisation") } catch let error as APIError
            where error.code == "not_found" { throw APIError.unknownReference("organisation_id", "organisation") }
        // Refused now rather than at the first calculation: a model CarbonCore cannot calculate is not kept.
        _ = try await run(body.model, organisation: organisation)
        let modelText = String(decoding: try body.model.canonical(), as: UTF8.self)
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor
        let principal = try context.requirePrincipal()
        try await database.write { connection in
            try connection.execute(
                """
                INSERT INTO regional_accounts (id, organisation_id, name, model, created_by, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $6)
                """, .text(id), .text(organisationID), .text(name), .text(modelText), .text(principal.id), .integer(now))
            try auditor.append(.init(action: "regional.create", target: id, organisationID: organisationID,
                                     details: ["name": name]), context: context, on: connection)
        }
        return try await get(id, scope: scope)
    }

    /// Decodes and calculates a model with the organisation's factor library (the shipped one with
    /// the organisation's own factors over it), as inventories are.
    func run(_ model: JSONValue, organisation: OrganisationRef) async throws -> JSONValue {
        guard model.object != nil else { throw APIError.invalidField("model", "'model' is a regional model object") }
        let data = try model.canonical()
        let library = try await database.read { try AccountingFactors.library(for: organisation, on: $0) }
        do {
            let decoded = try RegionalModel.decode(json: data)
            let result = try RegionalAccounting.calculate(decoded, factors: library)
            return try JSONValue.parse(String(decoding: try result.encodedJSON(), as: UTF8.self))
        } catch let error as CalculationError {
            let field = error.field.map { $0.isEmpty ? "model" : "model.\($0)" } ?? "model"
            throw APIError(.unprocessableContent, error.code == .noFactor || error.code == .ambiguousFactor
                               ? "calculation_failed" : "invalid_field", error.message, field: field)
        }
    }

    /// A new version unless the latest has the same hash (model and result, so a changed factor
    /// the library supplied also makes a new version).
    func calculate(_ id: String, scope: AccessScope, context: AppRequestContext) async throws -> RegionalVersion {
        let account = try await get(id, scope: scope, permission: .inventoriesCalculate)
        let result = try await run(account.model, organisation: account.organisation)
        let modelText = String(decoding: try account.model.canonical(), as: UTF8.self)
        let resultText = String(decoding: try result.canonical(), as: UTF8.self)
        var digest = Crypto.SHA256()
        digest.update(data: Data(modelText.utf8))
        digest.update(data: Data(resultText.utf8))
        let hash = digest.finalize().map { String(format: "%02x", $0) }.joined()
        let principal = try context.requirePrincipal()
        let now = clock.micros, auditor = self.auditor
        let (number, created) = try await database.write { connection -> (Int64, Bool) in
            if connection.dialect == .postgres {
                _ = try connection.query("SELECT id FROM regional_accounts WHERE id = $1 FOR UPDATE", .text(account.id))
            }
            if let same = try connection.first(
                "SELECT number FROM regional_versions WHERE account_id = $1 AND input_hash = $2", .text(account.id), .text(hash))
            {
                return (try same.int64("number"), false)
            }
            let next = (try connection.first("SELECT max(number) AS n FROM regional_versions WHERE account_id = $1",
                                             .text(account.id))?.optionalInt64("n") ?? 0) + 1
            try connection.execute(
                """
                INSERT INTO regional_versions (account_id, number, input_hash, model, result, calculated_by, calculated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, .text(account.id), .integer(next), .text(hash), .text(modelText), .text(resultText),
                .text(principal.id), .integer(now))
            try auditor.append(.init(action: "regional.calculate", target: account.id,
                                     organisationID: account.organisationID,
                                     details: ["version": String(next), "input_hash": hash]),
                               context: context, on: connection)
            return (next, true)
        }
        var version = try await self.version(account, number: number)
        version.created = created
        return version
    }

    func versions(_ id: String, scope: AccessScope) async throws -> [RegionalVersion] {
        let account = try await get(id, scope: scope)
        return try await database.read { connection in
            try connection.query(
                "SELECT \(RegionalVersion.summaryColumns) FROM regional_versions WHERE account_id = $1 ORDER BY number",
                .text(account.id)
            ).map { try RegionalVersion(row: $0, full: false) }
        }
    }

    func version(_ id: String, _ number: String, scope: AccessScope) async throws -> RegionalVersion {
        let account = try await get(id, scope: scope)
        guard let number = Int64(number), number > 0 else { throw APIError.notFound("regional version") }
        return try await version(account, number: number)
    }

    private func version(_ account: RegionalAccount, number: Int64) async throws -> RegionalVersion {
        let row = try await database.read { connection in
            try connection.first(
                "SELECT \(RegionalVersion.summaryColumns), model, result FROM regional_versions WHERE account_id = $1 AND number = $2",
                .text(account.id), .integer(number))
        }
        guard let row else { throw APIError.notFound("regional version") }
        return try RegionalVersion(row: row, full: true)
    }
}
