import CarbonCore
import Foundation

/// One entry of the navigation tree as stored and as the admin editor sees it. Menus are
/// platform-wide (not owned by an organisation): what a person sees is decided by the permission
/// each entry needs, so one tree serves every tenant.
struct MenuItem: Encodable, Sendable, Equatable {
    let id: String
    let parentID: String?
    let nameZh: String
    let nameEn: String
    let icon: String
    let link: String
    let sortOrder: Int64
    /// The permission the entry's screen needs; nil for a grouping entry that only holds children.
    let permission: String?
    /// The business category and theme the applications page groups by.
    let category: String
    let theme: String

    enum CodingKeys: String, CodingKey {
        case id, icon, link, permission, category, theme
        case parentID = "parent_id"
        case nameZh = "name_zh"
        case nameEn = "name_en"
        case sortOrder = "sort_order"
    }

    /// Explicit nulls, so a client sees `parent_id: null` rather than a missing key.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(parentID, forKey: .parentID)
        try container.encode(nameZh, forKey: .nameZh)
        try container.encode(nameEn, forKey: .nameEn)
        try container.encode(icon, forKey: .icon)
        try container.encode(link, forKey: .link)
        try container.encode(sortOrder, forKey: .sortOrder)
        try container.encode(permission, forKey: .permission)
        try container.encode(category, forKey: .category)
        try container.encode(theme, forKey: .theme)
    }

    init(row: SQLRow) throws {
        id = try row.text("id")
        parentID = try row.optionalText("parent_id")
        nameZh = try row.text("name_zh")
        nameEn = try row.text("name_en")
        icon = try row.text("icon")
        link = try row.text("link")
        sortOrder = try row.int64("sort_order")
        permission = try row.optionalText("permission")
        category = try row.text("category")
        theme = try row.text("theme")
    }

    static let properties: [String: JSONSchema] = [
        "id": .uuid, "parent_id": .nullable(.uuid), "name_zh": MenuValidation.nameSchema,
        "name_en": MenuValidation.nameSchema, "icon": MenuValidation.iconSchema, "link": MenuValidation.linkSchema,
        "sort_order": MenuValidation.orderSchema, "permission": .nullable(MenuValidation.permissionSchema),
        "category": MenuValidation.categorySchema, "theme": MenuValidation.themeSchema,
    ]
    static let schema = JSONSchema.object(properties, required: Array(properties.keys))
}

/// `POST /api/v1/menu-items`.
struct MenuItemCreate: RequestBody {
    let parentID: String?
    let nameZh: String
    let nameEn: String
    let icon: String?
    let link: String
    let sortOrder: Int64?
    let permission: String?
    let category: String
    let theme: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case icon, link, permission, category, theme
        case parentID = "parent_id"
        case nameZh = "name_zh"
        case nameEn = "name_en"
        case sortOrder = "sort_order"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        MenuItem.properties.filter { $0.key != "id" }, required: ["name_zh", "name_en", "link", "category"])
}

/// `PATCH /api/v1/menu-items/:id`: every field optional. `parent_id` and `permission` tell an
/// explicit null (move to the top level, need no permission) from an absent key (keep as is).
struct MenuItemUpdate: RequestBody {
    var parentID: String??
    var nameZh: String?
    var nameEn: String?
    var icon: String?
    var link: String?
    var sortOrder: Int64?
    var permission: String??
    var category: String?
    var theme: String?

    typealias CodingKeys = MenuItemCreate.CodingKeys
    typealias Keys = CodingKeys

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.parentID) { parentID = .some(try container.decodeIfPresent(String.self, forKey: .parentID)) }
        if container.contains(.permission) {
            permission = .some(try container.decodeIfPresent(String.self, forKey: .permission))
        }
        nameZh = try container.decodeIfPresent(String.self, forKey: .nameZh)
        nameEn = try container.decodeIfPresent(String.self, forKey: .nameEn)
        icon = try container.decodeIfPresent(String.self, forKey: .icon)
        link = try container.decodeIfPresent(String.self, forKey: .link)
        sortOrder = try container.decodeIfPresent(Int64.self, forKey: .sortOrder)
        category = try container.decodeIfPresent(String.self, forKey: .category)
        theme = try container.decodeIfPresent(String.self, forKey: .theme)
    }

    static let schema = JSONSchema.object(MenuItem.properties.filter { $0.key != "id" }, required: [])
}

/// The field rules, stated once for the handler and once (identically) for the OpenAPI document.
enum MenuValidation {
    static let nameSchema = JSONSchema.string(pattern: "\\S", maxLength: 100)
    static let iconSchema = JSONSchema.string(pattern: "^[a-z0-9-]{0,64}$")
    static let linkSchema = JSONSchema.string(pattern: "^/[A-Za-z0-9._~!$&'()*+,;=:@%/?#-]{0,499}$")
    static let orderSchema = JSONSchema.integer(minimum: 0, maximum: 1_000_000)
    static let permissionSchema = JSONSchema.string(
        values: PermissionCatalogue.all.map(\.permission.description))
    static let categorySchema = JSONSchema.string(pattern: "^[a-z][a-z0-9-]{0,63}$")
    static let themeSchema = JSONSchema.string(pattern: "^([a-z][a-z0-9-]{0,63})?$")

    static func name(_ value: String, field: String) throws -> String {
        guard value.unicodeScalars.contains(where: { !$0.properties.isWhitespace }), value.unicodeScalars.count <= 100
        else { throw APIError.invalidField(field, "'\(field)' needs 1 to 100 characters, not only spaces") }
        return value
    }

    static func icon(_ value: String) throws -> String {
        guard value.utf8.count <= 64, value.utf8.allSatisfy({ isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") })
        else { throw APIError.invalidField("icon", "an icon name has up to 64 characters: a-z, 0-9 and '-'") }
        return value
    }

    static func link(_ value: String) throws -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~!$&'()*+,;=:@%/?#-".utf8)
        guard value.hasPrefix("/"), value.utf8.count <= 500, value.utf8.allSatisfy(allowed.contains) else {
            throw APIError.invalidField("link", "a link is a path inside the application: it starts with '/' and has no spaces")
        }
        return value
    }

    static func order(_ value: Int64) throws -> Int64 {
        guard (0...1_000_000).contains(value) else { throw APIError.invalidField("sort_order", "0 to 1000000") }
        return value
    }

    static func permission(_ value: String?) throws -> String? {
        guard let value else { return nil }
        guard let permission = try? Permission(value), PermissionCatalogue.permissions.contains(permission) else {
            throw APIError.invalidField("permission", "'\(value)' is not a permission of the catalogue")
        }
        return permission.description
    }

    static func category(_ value: String) throws -> String {
        guard isSlug(value) else {
            throw APIError.invalidField("category", "a category is a lowercase word: a-z first, then a-z, 0-9 or '-' (64 at most)")
        }
        return value
    }

    static func theme(_ value: String) throws -> String {
        guard value.isEmpty || isSlug(value) else {
            throw APIError.invalidField("theme", "a theme is empty or a lowercase word: a-z first, then a-z, 0-9 or '-'")
        }
        return value
    }

    static func id(_ value: String, field: String) throws -> String {
        guard UUID(uuidString: value) != nil else { throw APIError.invalidField(field, "'\(field)' must be a UUID") }
        return value.lowercased()
    }

    private static func isSlug(_ value: String) -> Bool {
        guard let first = value.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), value.utf8.count <= 64
        else { return false }
        return value.utf8.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
