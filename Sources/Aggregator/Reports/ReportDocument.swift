import HTTPTypes
import CarbonCore
import Foundation

/// A stored report: rendered from a template and a source object, then carried through review
/// (draft → in_review → approved → published; in_review → draft with a reason). Only a draft may
/// be edited; a published report's content is frozen and pinned by the SHA-256 of its bytes.
struct ReportDocument: Encodable, Sendable {
    enum State: String, Sendable, CaseIterable {
        case draft, inReview = "in_review", approved, published
    }

    let id: String
    let organisationID: String
    let title: String
    let templateID: String
    let templateName: String
    let sourceKind: String
    let sourceID: String
    let state: State
    let authorID: String
    let reviewerID: String?
    let publisherID: String?
    let returnReason: String?
    let htmlSHA256: String
    let csvSHA256: String
    let pdfSHA256: String?
    let renderedAt: String
    let submittedAt: String?
    let approvedAt: String?
    let publishedAt: String?
    let createdAt: String
    let updatedAt: String
    let ref: OrganisationRef

    enum CodingKeys: String, CodingKey {
        case id, title, state
        case organisationID = "organisation_id"
        case templateID = "template_id"
        case templateName = "template_name"
        case sourceKind = "source_kind"
        case sourceID = "source_id"
        case authorID = "author_id"
        case reviewerID = "reviewer_id"
        case publisherID = "publisher_id"
        case returnReason = "return_reason"
        case htmlSHA256 = "html_sha256"
        case csvSHA256 = "csv_sha256"
        case pdfSHA256 = "pdf_sha256"
        case renderedAt = "rendered_at"
        case submittedAt = "submitted_at"
        case approvedAt = "approved_at"
        case publishedAt = "published_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(organisationID, forKey: .organisationID)
        try c.encode(title, forKey: .title)
        try c.encode(templateID, forKey: .templateID)
        try c.encode(templateName, forKey: .templateName)
        try c.encode(sourceKind, forKey: .sourceKind)
        try c.encode(sourceID, forKey: .sourceID)
        try c.encode(state.rawValue, forKey: .state)
        try c.encode(authorID, forKey: .authorID)
        try c.encode(reviewerID, forKey: .reviewerID)
        try c.encode(publisherID, forKey: .publisherID)
        try c.encode(returnReason, forKey: .returnReason)
        try c.encode(htmlSHA256, forKey: .htmlSHA256)
        try c.encode(csvSHA256, forKey: .csvSHA256)
        try c.encode(pdfSHA256, forKey: .pdfSHA256)
        try c.encode(renderedAt, forKey: .renderedAt)
        try c.encode(submittedAt, forKey: .submittedAt)
        try c.encode(approvedAt, forKey: .approvedAt)
        try c.encode(publishedAt, forKey: .publishedAt)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }

    static let schema: JSONSchema = {
        let sha = JSONSchema.string(pattern: "^[0-9a-f]{64}$")
        let properties: [String: JSONSchema] = [
            "id": .uuid, "organisation_id": .uuid, "title": .text, "template_id": .uuid, "template_name": .text,
            "source_kind": .text, "source_id": .text, "state": .string(values: State.allCases.map(\.rawValue)),
            "author_id": .uuid, "reviewer_id": .nullable(.uuid), "publisher_id": .nullable(.uuid),
            "return_reason": .nullable(.text), "html_sha256": sha, "csv_sha256": sha, "pdf_sha256": .nullable(sha),
            "rendered_at": .timestamp, "submitted_at": .nullable(.timestamp), "approved_at": .nullable(.timestamp),
            "published_at": .nullable(.timestamp), "created_at": .timestamp, "updated_at": .timestamp,
        ]
        return .object(properties, required: properties.keys.sorted())
    }()

    /// Every column but the rendered bytes, with the organisation for access checks.
    static let select = """
        SELECT r.id, r.organisation_id, r.title, r.template_id, r.template_name, r.source_kind, r.source_id, r.state,
            r.author_id, r.reviewer_id, r.publisher_id, r.return_reason, r.html_sha256, r.csv_sha256, r.pdf_sha256,
            r.rendered_at, r.submitted_at, r.approved_at, r.published_at, r.created_at, r.updated_at,
            o.id AS o_id, o.path AS o_path, o.time_zone AS o_time_zone
        FROM reports r JOIN organisations o ON o.id = r.organisation_id
        """

    init(row: SQLRow) throws {
        func time(_ name: String) throws -> String? { try row.optionalInt64(name).map(ServiceClock.iso) }
        id = try row.text("id")
        organisationID = try row.text("organisation_id")
        title = try row.text("title")
        templateID = try row.text("template_id")
        templateName = try row.text("template_name")
        sourceKind = try row.text("source_kind")
        sourceID = try row.text("source_id")
        guard let state = State(rawValue: try row.text("state")) else {
            throw DatabaseError(.decoding, "unknown report state")
        }
        self.state = state
        authorID = try row.text("author_id")
        reviewerID = try row.optionalText("reviewer_id")
        publisherID = try row.optionalText("publisher_id")
        returnReason = try row.optionalText("return_reason")
        htmlSHA256 = try row.text("html_sha256")
        csvSHA256 = try row.text("csv_sha256")
        pdfSHA256 = try row.optionalText("pdf_sha256")
        renderedAt = ServiceClock.iso(try row.int64("rendered_at"))
        submittedAt = try time("submitted_at")
        approvedAt = try time("approved_at")
        publishedAt = try time("published_at")
        createdAt = ServiceClock.iso(try row.int64("created_at"))
        updatedAt = ServiceClock.iso(try row.int64("updated_at"))
        ref = try OrganisationRef(row: row, prefix: "o_")
    }
}

struct ReportCreate: RequestBody {
    let templateID: String
    let sourceKind: String
    let sourceID: String
    let title: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title
        case templateID = "template_id"
        case sourceKind = "source_kind"
        case sourceID = "source_id"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["template_id": .uuid, "source_kind": VerificationValidation.kindSchema, "source_id": .name, "title": .name],
        required: ["template_id", "source_kind", "source_id"])
}

/// Edits of a draft: a new title, another template, or `refresh` to re-read the source.
struct ReportUpdate: RequestBody {
    let title: String?
    let templateID: String?
    let refresh: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, refresh
        case templateID = "template_id"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(["title": .name, "template_id": .uuid, "refresh": .boolean], required: [])
}

struct ReportReturn: RequestBody {
    let reason: String
    enum CodingKeys: String, CodingKey, CaseIterable { case reason }
    typealias Keys = CodingKeys
    static let schema = JSONSchema.object(["reason": .name], required: ["reason"])
}
