import CarbonCore
import Foundation

/// One role a user holds at one organisation, as the user routes show it.
struct UserMembership: Encodable, Sendable, Equatable {
    let organisationID: String
    let organisationName: String
    let roleID: String
    let role: String
    /// For access checks; not part of the JSON.
    let organisation: OrganisationRef

    enum CodingKeys: String, CodingKey {
        case role
        case organisationID = "organisation_id"
        case organisationName = "organisation_name"
        case roleID = "role_id"
    }

    static let schema = JSONSchema.object(
        ["organisation_id": .uuid, "organisation_name": .string(), "role_id": .uuid, "role": .string()],
        required: ["organisation_id", "organisation_name", "role_id", "role"])

    init(row: SQLRow) throws {
        organisationID = try row.text("org_id")
        organisationName = try row.text("org_name")
        roleID = try row.text("role_id")
        role = try row.text("role_name")
        organisation = try OrganisationRef(row: row, prefix: "org_")
    }
}

/// A user account as administrators see it. Never the password hash: the row is read column by
/// column, so a new sensitive column cannot leak by being added to the table.
struct UserDetail: Encodable, Sendable {
    let id: String
    let username: String
    let displayName: String
    let email: String?
    let status: String
    let requestedOrganisationID: String?
    let createdAt: String
    let updatedAt: String
    /// Only the memberships the caller may read: a tenant administrator does not learn where else
    /// their user works.
    let memberships: [UserMembership]

    enum CodingKeys: String, CodingKey {
        case id, username, email, status, memberships
        case displayName = "display_name"
        case requestedOrganisationID = "requested_organisation_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(username, forKey: .username)
        try c.encode(displayName, forKey: .displayName)
        try c.encode(email, forKey: .email)  // null rather than absent: the schema says nullable
        try c.encode(status, forKey: .status)
        try c.encode(requestedOrganisationID, forKey: .requestedOrganisationID)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(memberships, forKey: .memberships)
    }

    static let schema = JSONSchema.object(
        ["id": .uuid, "username": .string(), "display_name": .string(), "email": .nullable(.string()),
         "status": .string(values: UserStatus.all), "requested_organisation_id": .nullable(.uuid),
         "created_at": .timestamp, "updated_at": .timestamp, "memberships": .array(UserMembership.schema)],
        required: ["id", "username", "display_name", "email", "status", "requested_organisation_id", "created_at",
                   "updated_at", "memberships"])
}

/// `POST /api/v1/users`: an administrator creates an active account with one first membership.
struct UserCreate: RequestBody {
    let username: String
    let displayName: String
    let email: String?
    let password: String
    let organisationID: String
    let roleID: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case username, email, password
        case displayName = "display_name"
        case organisationID = "organisation_id"
        case roleID = "role_id"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["username": .string(pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$"), "display_name": .string(maxLength: 200),
         "email": .nullable(.string(maxLength: 254)), "password": .string(maxLength: 1024),
         "organisation_id": .uuid, "role_id": .uuid],
        required: ["username", "display_name", "password", "organisation_id", "role_id"])
}

/// `PATCH /api/v1/users/:id`: the name and e-mail address only; status, memberships and the
/// password have routes of their own, each with its own permission.
struct UserUpdate: RequestBody {
    let displayName: String?
    /// nil: leave as is; `.some(nil)`: remove the address.
    let email: String??

    enum CodingKeys: String, CodingKey, CaseIterable {
        case email
        case displayName = "display_name"
    }
    typealias Keys = CodingKeys

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        displayName = try c.decodeIfPresent(String.self, forKey: .displayName)
        if c.contains(.email) {
            email = .some(try c.decodeNil(forKey: .email) ? nil : try c.decode(String.self, forKey: .email))
        } else {
            email = nil
        }
    }

    static let schema = JSONSchema.object(
        ["display_name": .string(maxLength: 200), "email": .nullable(.string(maxLength: 254))], required: [])
}

/// `POST /api/v1/users/:id/approve`: the organisation the person joins and the roles they get.
struct UserApproval: RequestBody {
    let organisationID: String
    let roleIDs: [String]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case organisationID = "organisation_id"
        case roleIDs = "role_ids"
    }
    typealias Keys = CodingKeys

    static let maximumRoles = 20
    static let schema = JSONSchema.object(
        ["organisation_id": .uuid, "role_ids": .array(.uuid)], required: ["organisation_id", "role_ids"])
}

/// `POST /api/v1/users/:id/password`: an administrator sets a new password.
struct PasswordReset: RequestBody {
    let newPassword: String
    enum CodingKeys: String, CodingKey, CaseIterable { case newPassword = "new_password" }
    typealias Keys = CodingKeys
    static let schema = JSONSchema.object(["new_password": .string(maxLength: 1024)], required: ["new_password"])
}
