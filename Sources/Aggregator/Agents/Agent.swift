import CarbonCore
import Foundation

/// An edge agent as the API shows it. `name` is what the agent writes as `agent_id` in its
/// reading batches, so it is unique platform-wide; `site_id` is the organisation its data belongs
/// to (its credential can act nowhere else).
struct Agent: Encodable, Sendable, Equatable {
    let id: String
    let name: String
    let siteID: String
    let status: String
    let createdAt: String
    let updatedAt: String
    /// The site, for access checks; not part of the JSON.
    let site: OrganisationRef

    enum CodingKeys: String, CodingKey {
        case id, name, status
        case siteID = "site_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static let active = "active", disabled = "disabled"

    static let schema = JSONSchema.object(
        ["id": .uuid, "name": AgentValidation.nameSchema, "site_id": .uuid,
         "status": .string(values: [active, disabled]), "created_at": .timestamp, "updated_at": .timestamp],
        required: ["id", "name", "site_id", "status", "created_at", "updated_at"])

    /// A row of `agents` joined with its site's `path` and `time_zone`.
    init(row: SQLRow) throws {
        id = try row.text("id")
        name = try row.text("name")
        siteID = try row.text("site_id")
        status = try row.text("status")
        createdAt = ServiceClock.iso(try row.int64("created_at"))
        updatedAt = ServiceClock.iso(try row.int64("updated_at"))
        site = OrganisationRef(id: siteID, path: try OrganisationPath(text: try row.text("path")),
                               timeZone: TimeZone(identifier: try row.text("time_zone"))
                                   ?? OrganisationRef.defaultTimeZone)
    }

    static let select = "SELECT a.*, o.path, o.time_zone FROM agents a JOIN organisations o ON o.id = a.site_id"
}

/// A credential's metadata: never the token, never its hash.
struct AgentCredential: Encodable, Sendable, Equatable {
    let id: String
    let createdAt: String
    let expiresAt: String?
    let revokedAt: String?
    /// True when the credential authenticates right now.
    let active: Bool

    enum CodingKeys: String, CodingKey {
        case id, active
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(revokedAt, forKey: .revokedAt)
        try container.encode(active, forKey: .active)
    }

    static let schema = JSONSchema.object(
        ["id": .uuid, "created_at": .timestamp, "expires_at": .nullable(.timestamp),
         "revoked_at": .nullable(.timestamp), "active": .boolean],
        required: ["id", "created_at", "expires_at", "revoked_at", "active"])

    init(row: SQLRow, now: Int64) throws {
        id = try row.text("id")
        createdAt = ServiceClock.iso(try row.int64("created_at"))
        let expires = try row.optionalInt64("expires_at"), revoked = try row.optionalInt64("revoked_at")
        expiresAt = expires.map(ServiceClock.iso)
        revokedAt = revoked.map(ServiceClock.iso)
        active = revoked == nil && (expires.map { $0 > now } ?? true)
    }
}

/// A credential just issued: the only time its token is ever shown.
struct IssuedCredential: Encodable, Sendable {
    let id: String
    let token: String
    let createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, token
        case createdAt = "created_at"
    }

    static let schema = JSONSchema.object(["id": .uuid, "token": .string(), "created_at": .timestamp],
                                          required: ["id", "token", "created_at"])
}

/// `POST /api/v1/agents` reply.
struct AgentCreated: Encodable, Sendable {
    let agent: Agent
    let credential: IssuedCredential
    static let schema = JSONSchema.object(["agent": Agent.schema, "credential": IssuedCredential.schema],
                                          required: ["agent", "credential"])
}

/// `GET /api/v1/agent/whoami`: what the calling agent's credential stands for.
struct AgentIdentity: Encodable, Sendable {
    let agentID: String
    let name: String
    let siteID: String
    enum CodingKeys: String, CodingKey {
        case name
        case agentID = "agent_id"
        case siteID = "site_id"
    }
    static let schema = JSONSchema.object(["agent_id": .uuid, "name": AgentValidation.nameSchema, "site_id": .uuid],
                                          required: ["agent_id", "name", "site_id"])
}

struct AgentCreate: RequestBody {
    let name: String
    let siteID: String
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
        case siteID = "site_id"
    }
    typealias Keys = CodingKeys
    static let schema = JSONSchema.object(["name": AgentValidation.nameSchema, "site_id": .uuid],
                                          required: ["name", "site_id"])
}

/// `POST /api/v1/agents/:id/credentials`; the body may be empty (the default overlap).
struct CredentialRotation: RequestBody {
    var overlapSeconds: Int64?
    enum CodingKeys: String, CodingKey, CaseIterable { case overlapSeconds = "overlap_seconds" }
    typealias Keys = CodingKeys
    static let defaultOverlap: Int64 = 86_400
    static let maximumOverlap: Int64 = 7 * 86_400
    static let schema = JSONSchema.object(["overlap_seconds": .integer(minimum: 0, maximum: maximumOverlap)],
                                          required: [])
}

enum AgentValidation {
    static let nameSchema = JSONSchema.string(pattern: "^[a-z0-9][a-z0-9._-]{1,63}$")

    static func name(_ value: String) throws -> String {
        let bytes = Array(value.utf8)
        func alphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        let punctuation = Set("._-".utf8)
        guard (2...64).contains(bytes.count), alphanumeric(bytes[0]),
              bytes.dropFirst().allSatisfy({ alphanumeric($0) || punctuation.contains($0) })
        else {
            throw APIError.invalidField(
                "name", "an agent name has 2 to 64 characters: a-z or 0-9 first, then also '.', '_' or '-'")
        }
        return value
    }

    static func overlap(_ value: Int64?) throws -> Int64 {
        let seconds = value ?? CredentialRotation.defaultOverlap
        guard (0...CredentialRotation.maximumOverlap).contains(seconds) else {
            throw APIError.invalidField("overlap_seconds", "0 to \(CredentialRotation.maximumOverlap) seconds (7 days)")
        }
        return seconds
    }
}
