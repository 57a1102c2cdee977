import CarbonCore
import Foundation

/// The emission factor library through the API: the shipped factors (query by fuel, region, year,
/// parameter…) and an organisation's own factors, which its calculations use over the defaults.
struct FactorService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    static let recordKeys = ["factor_id", "category", "parameter", "subject", "name", "value", "unit", "gas", "region",
                             "region_level", "scope", "data_year", "year_note", "publication", "source_read", "notes"]
    static let queryKeys = ["fuel", "category", "parameter", "gas", "region", "scope", "year", "organisation_id"]

    func list(_ parameters: [(String, String)], scope: AccessScope) async throws -> [FactorView] {
        var values: [String: String] = [:]
        // The route declares `queryKeys`: the route table has refused any other parameter.
        for (key, value) in parameters { values[key] = value }
        var year: Int?
        if let text = values["year"] {
            guard let parsed = Int(text), (1900...2200).contains(parsed) else {
                throw APIError.invalidField("year", "'year' is a year such as 2024")
            }
            year = parsed
        }
        var library = try AccountingFactors.shipped()
        if let id = values["organisation_id"] {
            let organisationID = try OrganisationValidation.id(id, field: "organisation_id")
            let organisation = try await database.read { try OrganisationRef.load(id: organisationID, on: $0) }
            guard let organisation, scope.decide(.factorsRead, at: organisation.path, timeZone: organisation.timeZone).isAllowed
            else { throw APIError.unknownReference("organisation_id", "organisation") }
            library = try await database.read { try AccountingFactors.library(for: organisation, on: $0) }
        }
        let query = FactorQuery(category: values["category"], parameter: values["parameter"], subject: values["fuel"],
                                gas: values["gas"], region: values["region"], scope: values["scope"], year: year)
        return library.matching(query).map(FactorView.init)
    }

    func create(_ body: FactorCreate, scope: AccessScope, context: AppRequestContext) async throws -> FactorView {
        let organisationID = try OrganisationValidation.id(body.organisationID, field: "organisation_id")
        if let unknown = body.factor.keys.sorted().first(where: { !Self.recordKeys.contains($0) }) {
            throw APIError.invalidField("factor.\(unknown)", "unknown factor field '\(unknown)'; accepted: \(Self.recordKeys.joined(separator: ", "))")
        }
        let factor: EmissionFactor
        do { factor = try FactorLibrary.makeFactor(body.factor, factorSet: "org:\(organisationID)") } catch {
            throw APIError.invalidField("factor" + (error.field.map { ".\($0)" } ?? ""), error.message)
        }
        guard factor.factorID.count <= 100 else { throw APIError.invalidField("factor.factor_id", "at most 100 characters") }
        let organisation = try await database.read { try OrganisationRef.load(id: organisationID, on: $0) }
        guard let organisation else { throw APIError.unknownReference("organisation_id", "organisation") }
        do { try scope.require(.factorsCreate, on: organisation, what: "organisation") } catch let error as APIError
            where error.code == "not_found" { throw APIError.unknownReference("organisation_id", "organisation") }
        let principal = try context.requirePrincipal()
        let record = String(decoding: try JSONValue.from(body.factor).canonical(), as: UTF8.self)
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor
        try await database.write { connection in
            guard try connection.first("SELECT id FROM organisation_factors WHERE organisation_id = $1 AND factor_id = $2",
                                       .text(organisationID), .text(factor.factorID)) == nil else {
                throw APIError.conflict("this organisation already has factor '\(factor.factorID)'", field: "factor.factor_id")
            }
            try connection.execute(
                """
                INSERT INTO organisation_factors (id, organisation_id, factor_id, record, created_by, created_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                """, .text(id), .text(organisationID), .text(factor.factorID), .text(record), .text(principal.id),
                .integer(now))
            try auditor.append(.init(action: "factors.create", target: id, organisationID: organisationID,
                                     details: ["factor_id": factor.factorID, "value": "\(factor.quantity)"]),
                               context: context, on: connection)
        }
        return FactorView(factor)
    }
}

struct FactorCreate: RequestBody {
    let organisationID: String
    let factor: [String: String]
    enum CodingKeys: String, CodingKey, CaseIterable { case factor, organisationID = "organisation_id" }
    typealias Keys = CodingKeys
    static let schema = JSONSchema.object(
        ["organisation_id": .uuid,
         "factor": .object(Dictionary(uniqueKeysWithValues: FactorService.recordKeys.map { ($0, JSONSchema.string(maxLength: 1000)) }),
                           required: ["factor_id", "parameter", "value", "unit"])],
        required: ["organisation_id", "factor"])
}

/// A factor as the API shows it.
struct FactorView: Encodable, Sendable {
    let factorID: String, category: String, parameter: String, subject: String?, name: String, value: String
    let unit: String, gas: String?, region: String?, scope: String, dataYear: Int?, publication: String
    let verificationStatus: String, factorSet: String, overrides: String?

    enum CodingKeys: String, CodingKey {
        case category, parameter, subject, name, value, unit, gas, region, scope, publication, overrides
        case factorID = "factor_id", dataYear = "data_year", verificationStatus = "verification_status"
        case factorSet = "factor_set"
    }

    init(_ factor: EmissionFactor) {
        factorID = factor.factorID
        category = factor.category
        parameter = factor.parameter
        subject = factor.subject
        name = factor.name
        value = DecimalText.plain(factor.quantity.value)
        unit = factor.quantity.unit.symbol
        gas = factor.gas
        region = factor.region
        scope = factor.scope
        dataYear = factor.dataYear
        publication = factor.publication
        verificationStatus = factor.verificationStatus
        factorSet = factor.factorSet
        overrides = factor.overrides
    }

    static let schema = JSONSchema.object(
        ["factor_id": .string(), "category": .string(), "parameter": .string(), "subject": .nullable(.string()),
         "name": .string(), "value": .string(), "unit": .string(), "gas": .nullable(.string()),
         "region": .nullable(.string()), "scope": .string(), "data_year": .nullable(.integer()), "publication": .string(),
         "verification_status": .string(), "factor_set": .string(), "overrides": .nullable(.string())],
        required: ["factor_id", "category", "parameter", "name", "value", "unit", "scope", "publication",
                   "verification_status", "factor_set"])
}
