import CarbonCore
import Foundation
import HTTPTypes

/// A stored ABAC policy as the API shows it: the row's id, its owner, and the document.
struct PolicyRecord: Encodable, Sendable {
    let id: String
    let organisationID: String
    let policy: AccessPolicy
    let createdAt: String
    let updatedAt: String
    /// For access checks; not part of the JSON.
    let owner: OrganisationRef

    enum CodingKeys: String, CodingKey {
        case id, policy
        case organisationID = "organisation_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(row: SQLRow) throws {
        id = try row.text("id")
        organisationID = try row.text("organisation_id")
        policy = try AccessPolicy(fromJSON: Data(try row.text("document").utf8))
        createdAt = ServiceClock.iso(try row.int64("created_at"))
        updatedAt = ServiceClock.iso(try row.int64("updated_at"))
        owner = try OrganisationRef(row: row, prefix: "org_")
    }

    static let schema = JSONSchema.object(
        ["id": .uuid, "organisation_id": .uuid, "policy": PolicySchema.policy, "created_at": .timestamp,
         "updated_at": .timestamp],
        required: ["id", "organisation_id", "policy", "created_at", "updated_at"])
}

/// `POST /api/v1/policies`.
struct PolicyCreate: RequestBody {
    let organisationID: String
    let policy: AccessPolicy

    enum CodingKeys: String, CodingKey, CaseIterable {
        case policy
        case organisationID = "organisation_id"
    }
    typealias Keys = CodingKeys

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        organisationID = try c.decode(String.self, forKey: .organisationID)
        policy = try PolicySchema.decode(c, .policy)
    }

    static let schema = JSONSchema.object(["organisation_id": .uuid, "policy": PolicySchema.policy],
                                          required: ["organisation_id", "policy"])
}

/// `PUT /api/v1/policies/:id`: a new document; the owner stays (a policy cannot be moved to
/// another organisation's subtree: delete it and create it there).
struct PolicyReplace: RequestBody {
    let policy: AccessPolicy

    enum CodingKeys: String, CodingKey, CaseIterable { case policy }
    typealias Keys = CodingKeys

    init(from decoder: any Decoder) throws {
        policy = try PolicySchema.decode(try decoder.container(keyedBy: CodingKeys.self), .policy)
    }

    static let schema = JSONSchema.object(["policy": PolicySchema.policy], required: ["policy"])
}

/// CarbonCore's strict policy reading, with its errors as the API's: 422 naming the field
/// (`policy.conditions[0].amount.at_most`).
enum PolicySchema {
    static func decode<K: CodingKey>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> AccessPolicy {
        do {
            return try container.decode(AccessPolicy.self, forKey: key)
        } catch let error as AccessError {
            throw APIError(.unprocessableContent, "invalid_policy", error.message, field: error.field ?? key.stringValue)
        }
    }

    static let window = JSONSchema.object(
        ["from": .string(pattern: "^[0-2][0-9]:[0-5][0-9]$"), "to": .string(pattern: "^[0-2][0-9]:[0-5][0-9]$")],
        required: ["from", "to"])
    static let attribute = JSONSchema.object(["key": .string(maxLength: 100), "equals": .string(maxLength: 1000)],
                                             required: ["key", "equals"])
    static let amount = JSONSchema.object(
        ["at_most": .decimal, "below": .decimal, "at_least": .decimal, "above": .decimal], required: [])
    /// Each condition has exactly one of these keys (the handler refuses none or several with 422).
    static let condition = JSONSchema.object(
        ["organisation": .string(values: ["within_grants", "outside_grants"]),
         "owner": .string(values: ["subject", "not_subject"]), "amount": amount,
         "weekday": .array(.string(values: ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])),
         "local_time": window, "subject_attribute": attribute, "resource_attribute": attribute,
         "request_attribute": attribute],
        required: [])
    static let policy = JSONSchema.object(
        ["id": .string(maxLength: 200), "description": .string(maxLength: 2000),
         "effect": .string(values: ["permit", "deny"]), "permissions": .array(.string(maxLength: 100)),
         "roles": .array(.string(maxLength: 64)), "subjects": .array(.string(maxLength: 64)),
         "subject_kinds": .array(.string(values: ["user", "agent"])), "conditions": .array(condition)],
        required: ["id", "description", "effect", "permissions"])
}
