import Foundation

/// Bodies and replies of the authentication routes.
struct LoginRequest: RequestBody {
    let username: String
    let password: String
    enum CodingKeys: String, CodingKey, CaseIterable { case username, password }
    typealias Keys = CodingKeys
    static let schema = JSONSchema.object(
        ["username": .string(maxLength: 64), "password": .string(maxLength: 1024)], required: ["username", "password"])
}

struct LoginReply: Encodable, Sendable {
    let token: String
    let expiresAt: String
    let user: UserSummary
    enum CodingKeys: String, CodingKey {
        case token, user
        case expiresAt = "expires_at"
    }
    static let schema = JSONSchema.object(
        ["token": .string(), "expires_at": .timestamp, "user": UserSummary.schema], required: ["token", "expires_at", "user"])
}

struct RegistrationRequest: RequestBody {
    let username: String
    let displayName: String
    let email: String?
    let password: String
    /// The organisation the person asks to join; its administrators see the request.
    let requestedOrganisationID: String?
    enum CodingKeys: String, CodingKey, CaseIterable {
        case username, email, password
        case displayName = "display_name"
        case requestedOrganisationID = "requested_organisation_id"
    }
    typealias Keys = CodingKeys
    static let schema = JSONSchema.object(
        ["username": .string(pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$"), "display_name": .name,
         "email": .nullable(.string(format: "email", maxLength: 254)), "password": .password,
         "requested_organisation_id": .nullable(.uuid)],
        required: ["username", "display_name", "password"])
}

struct PasswordChange: RequestBody {
    let currentPassword: String
    let newPassword: String
    enum CodingKeys: String, CodingKey, CaseIterable {
        case currentPassword = "current_password"
        case newPassword = "new_password"
    }
    typealias Keys = CodingKeys
    static let schema = JSONSchema.object(
        ["current_password": .string(maxLength: 1024), "new_password": .password],
        required: ["current_password", "new_password"])
}

struct UserSummary: Codable, Sendable, Equatable {
    let id: String
    let username: String
    let displayName: String
    let status: String
    enum CodingKeys: String, CodingKey {
        case id, username, status
        case displayName = "display_name"
    }
    static let schema = JSONSchema.object(
        ["id": .uuid, "username": .string(), "display_name": .string(), "status": .string(values: UserStatus.all)],
        required: ["id", "username", "display_name", "status"])

    init(row: SQLRow) throws {
        id = try row.text("id")
        username = try row.text("username")
        displayName = try row.text("display_name")
        status = try row.text("status")
    }
}

enum UserStatus {
    static let pending = "pending", active = "active", disabled = "disabled", rejected = "rejected"
    static let all = [pending, active, disabled, rejected]
}

enum UserValidation {
    static func username(_ value: String) throws -> String {
        let lowered = value.lowercased()
        let allowed = lowered.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)
        }
        guard (3...64).contains(lowered.count), allowed, let first = lowered.first, first.isLetter || first.isNumber else {
            throw APIError.invalidField("username", "3 to 64 characters: letters, digits, '.', '_' or '-'")
        }
        return lowered
    }

    static func displayName(_ value: String) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(trimmed.count), value.count <= 200 else {
            throw APIError.invalidField("display_name", "1 to 200 characters")
        }
        return trimmed
    }

    static func email(_ value: String?) throws -> String? {
        guard let value, !value.isEmpty else { return nil }
        let parts = value.split(separator: "@")
        guard value.count <= 254, parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw APIError.invalidField("email", "not an email address")
        }
        return value
    }
}
