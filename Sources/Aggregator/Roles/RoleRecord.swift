import CarbonCore

/// A role as stored: a named set of permissions, built in or created by an organisation's
/// administrators (usable in that organisation's subtree).
struct RoleRecord: Codable, Sendable, Equatable {
    let id: String
    let organisationID: String?
    let name: String
    let description: String
    let builtIn: Bool
    let permissions: [String]

    enum CodingKeys: String, CodingKey {
        case id, name, description, permissions
        case organisationID = "organisation_id"
        case builtIn = "built_in"
    }

    static let schema = JSONSchema.object(
        ["id": .uuid, "organisation_id": .nullable(.uuid), "name": .string(), "description": .string(),
         "built_in": .boolean, "permissions": .array(.string())],
        required: ["id", "name", "description", "built_in", "permissions"])

    init(row: SQLRow) throws {
        id = try row.text("id")
        organisationID = try row.optionalText("organisation_id")
        name = try row.text("name")
        description = try row.text("description")
        builtIn = try row.bool("built_in")
        permissions = Self.decodePermissions(try row.text("permissions")).map(\.description).sorted()
    }

    /// Permissions are stored as one space-separated text (the names never contain spaces);
    /// names that no longer parse are dropped rather than granting something unintended.
    static func decodePermissions(_ text: String) -> Set<Permission> {
        Set(text.split(separator: " ").compactMap { try? Permission(String($0)) })
    }

    static func encodePermissions(_ permissions: Set<Permission>) -> String {
        permissions.map(\.description).sorted().joined(separator: " ")
    }

    /// Writes the built-in roles (administrator, operator, analyst, auditor) with their current
    /// permission sets; run at every start so a new release's permissions reach them.
    static func seedBuiltIns(now: Int64, on connection: any SQLConnection) throws {
        for role in BuiltInRole.allCases {
            try connection.execute(
                """
                INSERT INTO roles (id, organisation_id, name, description, built_in, permissions, created_at, updated_at)
                VALUES ($1, NULL, $2, $3, 1, $4, $5, $5)
                ON CONFLICT (name) DO UPDATE SET permissions = $4, description = $3, updated_at = $5
                """, .text(builtInID(role)), .text(role.rawValue), .text(summary(role)),
                .text(encodePermissions(role.permissions)), .integer(now))
        }
    }

    static func summary(_ role: BuiltInRole) -> String {
        switch role {
        case .administrator: return "Every permission, in the organisation where it is granted and below"
        case .operator: return "Watches telemetry and handles alarms"
        case .analyst: return "Reads data, runs inventories and writes reports"
        case .auditor: return "Reads everything, including the audit log; changes nothing"
        }
    }

    /// Stable ids for the built-ins, so every replica and every database agrees on them.
    static func builtInID(_ role: BuiltInRole) -> String {
        switch role {
        case .administrator: return "00000000-0000-4000-8000-000000000001"
        case .operator: return "00000000-0000-4000-8000-000000000002"
        case .analyst: return "00000000-0000-4000-8000-000000000003"
        case .auditor: return "00000000-0000-4000-8000-000000000004"
        }
    }
}
