import HTTPTypes
import CarbonCore
import Foundation

/// A report template: built in (shared by everyone, read-only) or owned by an organisation and
/// usable for reports of that organisation and its subtree.
struct ReportTemplate: Encodable, Sendable {
    let id: String
    let organisationID: String?
    let name: String
    let description: String
    let sourceKind: String?
    let builtIn: Bool
    let body: String
    let createdAt: String?
    let updatedAt: String?
    /// For access checks (nil for built-ins); not part of the JSON.
    let ref: OrganisationRef?

    enum CodingKeys: String, CodingKey {
        case id, name, description, body
        case organisationID = "organisation_id"
        case sourceKind = "source_kind"
        case builtIn = "built_in"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        // Nulls are written out, so every documented key is always present.
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(organisationID, forKey: .organisationID)
        try container.encode(name, forKey: .name)
        try container.encode(description, forKey: .description)
        try container.encode(sourceKind, forKey: .sourceKind)
        try container.encode(builtIn, forKey: .builtIn)
        try container.encode(body, forKey: .body)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }

    static let schema = JSONSchema.object(
        ["id": .uuid, "organisation_id": .nullable(.uuid), "name": .text, "description": .text,
         "source_kind": .nullable(.text), "built_in": .boolean, "body": .string(),
         "created_at": .nullable(.timestamp), "updated_at": .nullable(.timestamp)],
        required: ["id", "organisation_id", "name", "description", "source_kind", "built_in", "body", "created_at",
                   "updated_at"])

    init(builtIn entry: BuiltInTemplates.Entry) {
        id = entry.id
        organisationID = nil
        name = entry.name
        description = entry.description
        sourceKind = entry.sourceKind
        builtIn = true
        body = entry.body
        createdAt = nil
        updatedAt = nil
        ref = nil
    }

    init(row: SQLRow) throws {
        id = try row.text("id")
        organisationID = try row.text("organisation_id")
        name = try row.text("name")
        description = try row.text("description")
        sourceKind = try row.optionalText("source_kind")
        builtIn = false
        body = try row.text("body")
        createdAt = ServiceClock.iso(try row.int64("created_at"))
        updatedAt = ServiceClock.iso(try row.int64("updated_at"))
        ref = try OrganisationRef(row: row, prefix: "o_")
    }
}

struct ReportTemplateCreate: RequestBody {
    let organisationID: String
    let name: String
    let description: String?
    let sourceKind: String?
    let body: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, body
        case organisationID = "organisation_id"
        case sourceKind = "source_kind"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["organisation_id": .uuid, "name": .name, "description": .string(maxLength: 2000),
         "source_kind": VerificationValidation.kindSchema, "body": .string(maxLength: ReportRenderer.maxTemplateBytes / 4)],
        required: ["organisation_id", "name", "body"])
}

struct ReportTemplateUpdate: RequestBody {
    let name: String?
    let description: String?
    let sourceKind: String?
    let body: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, body
        case sourceKind = "source_kind"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["name": .name, "description": .string(maxLength: 2000), "source_kind": VerificationValidation.kindSchema,
         "body": .string(maxLength: ReportRenderer.maxTemplateBytes / 4)],
        required: [])
}
