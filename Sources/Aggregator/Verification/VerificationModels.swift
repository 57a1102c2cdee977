import HTTPTypes
import CarbonCore
import Foundation

/// A verification plan (核查计划): what is verified (a free reference to a subject such as an
/// inventory version or a product footprint version), its scope, method and standard, the
/// schedule and the verifier team.
struct VerificationPlan: Encodable, Sendable {
    struct Member: Codable, Sendable, Equatable {
        let name: String
        let role: String
    }
    struct Milestone: Codable, Sendable, Equatable {
        let activity: String
        let date: String
    }

    let id: String
    let organisationID: String
    let title: String
    let subjectKind: String
    let subjectID: String
    let scope: String
    let method: String
    let standard: String
    let startsOn: String
    let endsOn: String
    let schedule: [Milestone]
    let team: [Member]
    let createdBy: String
    let createdAt: String
    let updatedAt: String
    /// For access checks; not part of the JSON.
    let ref: OrganisationRef

    enum CodingKeys: String, CodingKey {
        case id, title, scope, method, standard, schedule, team
        case organisationID = "organisation_id"
        case subjectKind = "subject_kind"
        case subjectID = "subject_id"
        case startsOn = "starts_on"
        case endsOn = "ends_on"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static let memberSchema = JSONSchema.object(["name": .name, "role": .name], required: ["name", "role"])
    static let milestoneSchema = JSONSchema.object(["activity": .name, "date": VerificationValidation.dateSchema],
                                                   required: ["activity", "date"])
    static let schema = JSONSchema.object(
        ["id": .uuid, "organisation_id": .uuid, "title": .text, "subject_kind": .text, "subject_id": .text,
         "scope": .text, "method": .text, "standard": .text, "starts_on": .text, "ends_on": .text,
         "schedule": .array(milestoneSchema), "team": .array(memberSchema), "created_by": .uuid,
         "created_at": .timestamp, "updated_at": .timestamp],
        required: ["id", "organisation_id", "title", "subject_kind", "subject_id", "scope", "method", "standard",
                   "starts_on", "ends_on", "schedule", "team", "created_by", "created_at", "updated_at"])

    /// Reads a row joined with its organisation (`o_id`, `o_path`, `o_time_zone`).
    init(row: SQLRow) throws {
        id = try row.text("id")
        organisationID = try row.text("organisation_id")
        title = try row.text("title")
        subjectKind = try row.text("subject_kind")
        subjectID = try row.text("subject_id")
        scope = try row.text("scope")
        method = try row.text("method")
        standard = try row.text("standard")
        startsOn = try row.text("starts_on")
        endsOn = try row.text("ends_on")
        schedule = try JSONDecoder().decode([Milestone].self, from: Data(try row.text("schedule").utf8))
        team = try JSONDecoder().decode([Member].self, from: Data(try row.text("team").utf8))
        createdBy = try row.text("created_by")
        createdAt = ServiceClock.iso(try row.int64("created_at"))
        updatedAt = ServiceClock.iso(try row.int64("updated_at"))
        ref = try OrganisationRef(row: row, prefix: "o_")
    }
}

/// One process record of a plan: a data collection step, a site check, or a validation finding
/// (findings carry a severity and a resolution status). Evidence is a list of references
/// (document numbers, file names, photo ids) kept as given.
struct VerificationRecord: Encodable, Sendable {
    struct Evidence: Codable, Sendable, Equatable {
        let reference: String
        let description: String?
    }

    let id: String
    let planID: String
    let organisationID: String
    let kind: String
    let title: String
    let description: String
    let occurredOn: String
    let severity: String?
    let resolution: String?
    let resolutionNote: String?
    let evidence: [Evidence]
    let createdBy: String
    let createdAt: String
    let updatedAt: String
    let ref: OrganisationRef

    enum CodingKeys: String, CodingKey {
        case id, kind, title, description, severity, resolution, evidence
        case planID = "plan_id"
        case organisationID = "organisation_id"
        case occurredOn = "occurred_on"
        case resolutionNote = "resolution_note"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static let kinds = ["data_collection", "site_check", "finding"]
    static let severities = ["low", "medium", "high", "critical"]
    static let resolutions = ["open", "resolved", "accepted"]

    static let evidenceSchema = JSONSchema.object(["reference": .name, "description": .text], required: ["reference"])
    static let schema = JSONSchema.object(
        ["id": .uuid, "plan_id": .uuid, "organisation_id": .uuid, "kind": .string(values: kinds), "title": .text,
         "description": .text, "occurred_on": .text, "severity": .nullable(.string(values: severities)),
         "resolution": .nullable(.string(values: resolutions)), "resolution_note": .nullable(.text),
         "evidence": .array(evidenceSchema), "created_by": .uuid, "created_at": .timestamp, "updated_at": .timestamp],
        required: ["id", "plan_id", "organisation_id", "kind", "title", "description", "occurred_on", "evidence",
                   "created_by", "created_at", "updated_at"])

    init(row: SQLRow) throws {
        id = try row.text("id")
        planID = try row.text("plan_id")
        organisationID = try row.text("organisation_id")
        kind = try row.text("kind")
        title = try row.text("title")
        description = try row.text("description")
        occurredOn = try row.text("occurred_on")
        severity = try row.optionalText("severity")
        resolution = try row.optionalText("resolution")
        resolutionNote = try row.optionalText("resolution_note")
        evidence = try JSONDecoder().decode([Evidence].self, from: Data(try row.text("evidence").utf8))
        createdBy = try row.text("created_by")
        createdAt = ServiceClock.iso(try row.int64("created_at"))
        updatedAt = ServiceClock.iso(try row.int64("updated_at"))
        ref = try OrganisationRef(row: row, prefix: "o_")
    }
}

struct VerificationPlanCreate: RequestBody {
    let organisationID: String
    let title: String
    let subjectKind: String
    let subjectID: String
    let scope: String
    let method: String
    let standard: String?
    let startsOn: String
    let endsOn: String
    let schedule: [VerificationPlan.Milestone]?
    let team: [VerificationPlan.Member]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, scope, method, standard, schedule, team
        case organisationID = "organisation_id"
        case subjectKind = "subject_kind"
        case subjectID = "subject_id"
        case startsOn = "starts_on"
        case endsOn = "ends_on"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["organisation_id": .uuid, "title": .name, "subject_kind": VerificationValidation.kindSchema,
         "subject_id": .name, "scope": VerificationValidation.longText, "method": .name,
         "standard": .string(maxLength: 200), "starts_on": VerificationValidation.dateSchema,
         "ends_on": VerificationValidation.dateSchema, "schedule": .array(VerificationPlan.milestoneSchema),
         "team": .array(VerificationPlan.memberSchema)],
        required: ["organisation_id", "title", "subject_kind", "subject_id", "scope", "method", "starts_on", "ends_on",
                   "team"])
}

struct VerificationRecordCreate: RequestBody {
    let kind: String
    let title: String
    let description: String?
    let occurredOn: String
    let severity: String?
    let evidence: [VerificationRecord.Evidence]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, title, description, severity, evidence
        case occurredOn = "occurred_on"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["kind": .string(values: VerificationRecord.kinds), "title": .name, "description": VerificationValidation.longText,
         "occurred_on": VerificationValidation.dateSchema, "severity": .string(values: VerificationRecord.severities),
         "evidence": .array(VerificationRecord.evidenceSchema)],
        required: ["kind", "title", "occurred_on"])
}

/// Resolving a finding: its resolution status and a note on how it was resolved.
struct VerificationRecordUpdate: RequestBody {
    let resolution: String
    let resolutionNote: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case resolution
        case resolutionNote = "resolution_note"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["resolution": .string(values: VerificationRecord.resolutions), "resolution_note": VerificationValidation.longText],
        required: ["resolution"])
}
