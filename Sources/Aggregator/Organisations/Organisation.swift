import CarbonCore
import Foundation

/// An organisation as the API shows it. `kind` is descriptive (group → subsidiary → site, any
/// depth); access follows the tree, not the kind.
struct Organisation: Encodable, Sendable, Equatable {
    let id: String
    let parentID: String?
    let name: String
    let kind: String
    let timeZone: String
    /// Ids from the root down to this organisation.
    let path: [String]
    let createdAt: String
    let updatedAt: String
    /// For access checks; not part of the JSON.
    let ref: OrganisationRef

    enum CodingKeys: String, CodingKey {
        case id, name, kind, path
        case parentID = "parent_id"
        case timeZone = "time_zone"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static let kinds = ["platform", "group", "subsidiary", "site", "unit"]

    static let schema = JSONSchema.object(
        ["id": .uuid, "parent_id": .nullable(.uuid), "name": .text, "kind": .string(values: kinds),
         "time_zone": .string(), "path": .array(.uuid), "created_at": .timestamp, "updated_at": .timestamp],
        required: ["id", "name", "kind", "time_zone", "path", "created_at", "updated_at"])

    init(row: SQLRow) throws {
        id = try row.text("id")
        parentID = try row.optionalText("parent_id")
        name = try row.text("name")
        kind = try row.text("kind")
        timeZone = try row.text("time_zone")
        let path = try OrganisationPath(text: try row.text("path"))
        self.path = path.ids
        createdAt = ServiceClock.iso(try row.int64("created_at"))
        updatedAt = ServiceClock.iso(try row.int64("updated_at"))
        ref = OrganisationRef(id: id, path: path,
                              timeZone: TimeZone(identifier: timeZone) ?? OrganisationRef.defaultTimeZone)
    }
}

struct OrganisationCreate: RequestBody {
    let parentID: String
    let name: String
    let kind: String
    let timeZone: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, kind
        case parentID = "parent_id"
        case timeZone = "time_zone"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["parent_id": .uuid, "name": .name, "kind": .string(values: Array(Organisation.kinds.dropFirst())),
         "time_zone": .nullable(.timeZone)],
        required: ["parent_id", "name", "kind"])
}

struct OrganisationUpdate: RequestBody {
    let name: String?
    let kind: String?
    let timeZone: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, kind
        case timeZone = "time_zone"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["name": .nullable(.name), "kind": .nullable(.string(values: Array(Organisation.kinds.dropFirst()))),
         "time_zone": .nullable(.timeZone)],
        required: [])
}

struct OrganisationMove: RequestBody {
    let parentID: String
    enum CodingKeys: String, CodingKey, CaseIterable { case parentID = "parent_id" }
    typealias Keys = CodingKeys
    static let schema = JSONSchema.object(["parent_id": .uuid], required: ["parent_id"])
}

enum OrganisationValidation {
    static func name(_ value: String, field: String = "name") throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(trimmed.count), value.count <= 200 else {
            throw APIError.invalidField(field, "a name has 1 to 200 characters")
        }
        return trimmed
    }

    static func kind(_ value: String) throws -> String {
        guard Organisation.kinds.dropFirst().contains(value) else {
            throw APIError.invalidField("kind", "kind must be one of: \(Organisation.kinds.dropFirst().joined(separator: ", "))")
        }
        return value
    }

    static func timeZone(_ value: String) throws -> String {
        guard TimeZone(identifier: value) != nil else {
            throw APIError.invalidField("time_zone", "'\(value)' is not an IANA time zone (e.g. Asia/Shanghai)")
        }
        return value
    }

    static func id(_ value: String, field: String) throws -> String {
        guard UUID(uuidString: value) != nil else { throw APIError.invalidField(field, "'\(field)' must be a UUID") }
        return value.lowercased()
    }
}
