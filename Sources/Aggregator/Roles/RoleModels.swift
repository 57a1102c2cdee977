import CarbonCore
import Foundation
import HTTPTypes

/// `POST /api/v1/roles`: a custom role, owned by an organisation and usable in its subtree.
struct RoleCreate: RequestBody {
    let name: String
    let description: String
    let permissions: [String]
    let organisationID: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, permissions
        case organisationID = "organisation_id"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["name": .string(pattern: RoleValidation.namePattern, maxLength: 64), "description": .string(maxLength: 500),
         "permissions": .array(.string(maxLength: 100)), "organisation_id": .uuid],
        required: ["name", "description", "permissions", "organisation_id"])
}

/// `PATCH /api/v1/roles/:id`: any of name, description, permissions. The owner never changes:
/// moving a role to another tenant would hand its holders to that tenant's administrators.
struct RoleUpdate: RequestBody {
    let name: String?
    let description: String?
    let permissions: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable { case name, description, permissions }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["name": .string(pattern: RoleValidation.namePattern, maxLength: 64), "description": .string(maxLength: 500),
         "permissions": .array(.string(maxLength: 100))],
        required: [])
}

enum RoleValidation {
    /// Lowercase words, because policies name roles (`"roles": ["operator"]`) and a name that
    /// differs only in case or spacing would be a trap there.
    static let namePattern = "^[a-z][a-z0-9._-]{1,63}$"

    static func name(_ value: String) throws -> String {
        let allowed = value.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)
        }
        guard (2...64).contains(value.count), allowed, let first = value.unicodeScalars.first, ("a"..."z").contains(first)
        else {
            throw APIError.invalidField("name", "2 to 64 characters: lowercase letters, digits, '.', '_' or '-', starting with a letter")
        }
        return value
    }

    static func description(_ value: String) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 500 else { throw APIError.invalidField("description", "at most 500 characters") }
        return trimmed
    }

    /// Every entry must be a permission of the catalogue: a typo would otherwise be a role that
    /// silently grants nothing, and a made-up name one that some later route might honour.
    static func permissions(_ values: [String]) throws -> [Permission] {
        guard !values.isEmpty else { throw APIError.invalidField("permissions", "a role needs at least one permission") }
        var result: [Permission] = []
        for (index, value) in values.enumerated() {
            guard let permission = try? Permission(value), PermissionCatalogue.permissions.contains(permission) else {
                throw APIError.invalidField("permissions[\(index)]", "'\(value)' is not a permission of the catalogue")
            }
            if !result.contains(permission) { result.append(permission) }
        }
        return result
    }

    /// The caller must hold every permission of the role at its owner: nobody defines a role
    /// stronger than themselves (and then binds it, or has it bound, to escalate).
    static func requireHeld(_ permissions: [Permission], requested: [String], at owner: OrganisationRef,
                            scope: AccessScope) throws {
        let held = scope.held(at: owner)
        for permission in permissions where !held.contains(permission) {
            let index = requested.firstIndex(of: permission.description) ?? 0
            throw APIError(.forbidden, "escalation", "you do not hold '\(permission)' at this organisation",
                           field: "permissions[\(index)]")
        }
    }
}
