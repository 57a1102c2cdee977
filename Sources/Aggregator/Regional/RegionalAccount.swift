import CarbonCore
import Foundation

/// A regional account as the API shows it: a CarbonCore regional model owned by an organisation,
/// and the number of its latest calculated version.
struct RegionalAccount: Encodable, Sendable {
    let id: String
    let organisationID: String
    let name: String
    let model: JSONValue
    let latestVersion: Int?
    let createdAt: String
    let updatedAt: String
    let organisation: OrganisationRef

    enum CodingKeys: String, CodingKey {
        case id, name, model
        case organisationID = "organisation_id", latestVersion = "latest_version", createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static let schema = JSONSchema.object(
        ["id": .uuid, "organisation_id": .uuid, "name": .text, "model": .map(.any),
         "latest_version": .nullable(.integer()), "created_at": .timestamp, "updated_at": .timestamp],
        required: ["id", "organisation_id", "name", "model", "created_at", "updated_at"])

    static let select = """
        SELECT a.*, o.id AS org_id, o.path AS org_path, o.time_zone AS org_time_zone,
          (SELECT max(number) FROM regional_versions v WHERE v.account_id = a.id) AS latest_version
        FROM regional_accounts a JOIN organisations o ON o.id = a.organisation_id
        """

    init(row: SQLRow) throws {
        id = try row.text("id")
        organisationID = try row.text("organisation_id")
        name = try row.text("name")
        model = try JSONValue.parse(try row.text("model"))
        latestVersion = try row.optionalInt64("latest_version").map(Int.init)
        createdAt = ServiceClock.iso(try row.int64("created_at"))
        updatedAt = ServiceClock.iso(try row.int64("updated_at"))
        organisation = try OrganisationRef(row: row, prefix: "org_")
    }
}

struct RegionalAccountCreate: RequestBody {
    let organisationID: String
    let name: String
    let model: JSONValue

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, model
        case organisationID = "organisation_id"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(["organisation_id": .uuid, "name": .name, "model": .map(.any)],
                                          required: ["organisation_id", "name", "model"])
}

/// One immutable calculation of an account. The list shows the summary; one version adds the
/// model as calculated and CarbonCore's full result (both views per node and year, trends,
/// intensities, formula trails, the labelled enterprise diagnostic).
struct RegionalVersion: Encodable, Sendable {
    let accountID: String
    let number: Int
    let inputHash: String
    let calculatedBy: String
    let calculatedAt: String
    let model: JSONValue?
    let result: JSONValue?
    /// Only in the reply to POST …/calculate: false when the model matched the latest version.
    var created: Bool? = nil

    enum CodingKeys: String, CodingKey {
        case number, model, result, created
        case accountID = "account_id", inputHash = "input_hash", calculatedBy = "calculated_by"
        case calculatedAt = "calculated_at"
    }

    static let summaryProperties: [String: JSONSchema] = [
        "account_id": .uuid, "number": .integer(minimum: 1), "input_hash": .string(pattern: "^[0-9a-f]{64}$"),
        "calculated_by": .uuid, "calculated_at": .timestamp,
    ]
    static let summaryRequired = ["account_id", "number", "input_hash", "calculated_by", "calculated_at"]
    static let summarySchema = JSONSchema.object(summaryProperties, required: summaryRequired)
    static let schema = JSONSchema.object(
        summaryProperties.merging(["model": .map(.any), "result": .map(.any), "created": .boolean]) { first, _ in first },
        required: summaryRequired + ["model", "result"])

    static let summaryColumns = "account_id, number, input_hash, calculated_by, calculated_at"

    init(row: SQLRow, full: Bool) throws {
        accountID = try row.text("account_id")
        number = Int(try row.int64("number"))
        inputHash = try row.text("input_hash")
        calculatedBy = try row.text("calculated_by")
        calculatedAt = ServiceClock.iso(try row.int64("calculated_at"))
        model = full ? try JSONValue.parse(try row.text("model")) : nil
        result = full ? try JSONValue.parse(try row.text("result")) : nil
    }
}
