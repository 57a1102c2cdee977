import CarbonCore
import Foundation
import HTTPTypes

/// The navigation tree (B1): what each person sees, and its editing by platform administrators.
/// Menus belong to no organisation, so editing needs `menus:update` at a root: an administrator of
/// one tenant must not change what every other tenant sees.
struct MenuService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    func tree(scope: AccessScope) async throws -> [MenuNode] {
        MenuTree.visible(try await all(), permissions: Self.permissionsAnywhere(scope))
    }

    func applications(scope: AccessScope) async throws -> ApplicationsReply {
        MenuTree.applications(try await tree(scope: scope))
    }

    /// The union of what the caller may do at each organisation where they hold a role, as the
    /// engine answers it (deny policies that certainly apply there remove a permission).
    static func permissionsAnywhere(_ scope: AccessScope) -> Set<String> {
        let places = Set(scope.principal.grants.map(\.organisation))
        var names: Set<String> = []
        for place in places {
            guard let engine = try? scope.engine(for: place) else { continue }  // invalid policies: fail closed
            names.formUnion(engine.permissions(of: scope.principal.subject, at: place).map(\.description))
        }
        return names
    }

    func list(scope: AccessScope, context: AppRequestContext) async throws -> [MenuItem] {
        try await requireEditor(scope, context: context)
        return try await all().sorted { ($0.parentID ?? "", $0.sortOrder, $0.id) < ($1.parentID ?? "", $1.sortOrder, $1.id) }
    }

    func create(_ body: MenuItemCreate, scope: AccessScope, context: AppRequestContext) async throws -> MenuItem {
        try await requireEditor(scope, context: context)
        let parentID = try body.parentID.map { try MenuValidation.id($0, field: "parent_id") }
        let nameZh = try MenuValidation.name(body.nameZh, field: "name_zh")
        let nameEn = try MenuValidation.name(body.nameEn, field: "name_en")
        let icon = try MenuValidation.icon(body.icon ?? "")
        let link = try MenuValidation.link(body.link)
        let order = try body.sortOrder.map(MenuValidation.order)
        let permission = try MenuValidation.permission(body.permission)
        let category = try MenuValidation.category(body.category)
        let theme = try MenuValidation.theme(body.theme ?? "")
        let id = SecretToken.newID(), auditor = self.auditor
        return try await database.write { connection in
            if let parentID { try Self.requireParent(parentID, on: connection) }
            let sortOrder = try order ?? Self.nextOrder(under: parentID, on: connection)
            try connection.execute(
                """
                INSERT INTO menu_items (id, parent_id, name_zh, name_en, icon, link, sort_order, permission, category, theme)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """, .text(id), SQLValue(parentID), .text(nameZh), .text(nameEn), .text(icon), .text(link),
                .integer(sortOrder), SQLValue(permission), .text(category), .text(theme))
            try auditor.append(.init(action: "menus.create", target: id,
                                     details: ["name_en": nameEn, "link": link, "permission": permission ?? ""]),
                               context: context, on: connection)
            return try Self.load(id, on: connection)
        }
    }

    func update(_ id: String, _ body: MenuItemUpdate, scope: AccessScope, context: AppRequestContext) async throws
        -> MenuItem
    {
        try await requireEditor(scope, context: context)
        guard let id = try? MenuValidation.id(id, field: "id") else { throw APIError.notFound("menu item") }
        let parentChange = try body.parentID.map { try $0.map { try MenuValidation.id($0, field: "parent_id") } }
        let nameZh = try body.nameZh.map { try MenuValidation.name($0, field: "name_zh") }
        let nameEn = try body.nameEn.map { try MenuValidation.name($0, field: "name_en") }
        let icon = try body.icon.map(MenuValidation.icon)
        let link = try body.link.map(MenuValidation.link)
        let order = try body.sortOrder.map(MenuValidation.order)
        let permissionChange = try body.permission.map(MenuValidation.permission)
        let category = try body.category.map(MenuValidation.category)
        let theme = try body.theme.map(MenuValidation.theme)
        let auditor = self.auditor
        return try await database.write { connection in
            let current = try Self.load(id, on: connection)
            let parentID = parentChange ?? current.parentID
            if let parentID, parentID != current.parentID {
                try Self.requireParent(parentID, on: connection)
                guard try !Self.ancestors(of: parentID, on: connection).contains(id) else {
                    throw APIError.invalidField("parent_id", "a menu item cannot move under itself or its own descendants")
                }
            }
            let permission = permissionChange ?? current.permission
            try connection.execute(
                """
                UPDATE menu_items SET parent_id = $2, name_zh = $3, name_en = $4, icon = $5, link = $6, sort_order = $7,
                    permission = $8, category = $9, theme = $10
                WHERE id = $1
                """, .text(id), SQLValue(parentID), .text(nameZh ?? current.nameZh), .text(nameEn ?? current.nameEn),
                .text(icon ?? current.icon), .text(link ?? current.link), .integer(order ?? current.sortOrder),
                SQLValue(permission), .text(category ?? current.category), .text(theme ?? current.theme))
            let updated = try Self.load(id, on: connection)
            try auditor.append(.init(action: "menus.update", target: id, details: Self.changes(current, updated)),
                               context: context, on: connection)
            return updated
        }
    }

    func delete(_ id: String, scope: AccessScope, context: AppRequestContext) async throws {
        try await requireEditor(scope, context: context)
        guard let id = try? MenuValidation.id(id, field: "id") else { throw APIError.notFound("menu item") }
        let auditor = self.auditor
        try await database.write { connection in
            let current = try Self.load(id, on: connection)
            let children = try connection.first("SELECT count(*) AS n FROM menu_items WHERE parent_id = $1", .text(id))?
                .int64("n") ?? 0
            guard children == 0 else {
                throw APIError(.conflict, "menu_item_has_children",
                               "the menu item still has \(children) children; move or delete them first")
            }
            try connection.execute("DELETE FROM menu_items WHERE id = $1", .text(id))
            try auditor.append(.init(action: "menus.delete", target: id,
                                     details: ["name_en": current.nameEn, "link": current.link]),
                               context: context, on: connection)
        }
    }

    // MARK: Helpers

    private func all() async throws -> [MenuItem] {
        try await database.read { try $0.query("SELECT * FROM menu_items").map(MenuItem.init(row:)) }
    }

    /// Editing is for holders of `menus:update` at a root; anyone else is refused, and the refusal audited.
    private func requireEditor(_ scope: AccessScope, context: AppRequestContext) async throws {
        guard !scope.holdsAtRoot(.menusUpdate) else { return }
        let refusal = APIError.forbidden("menus are platform-wide: only holders of menus:update at a root organisation edit them")
        try await auditor.record(.denial(action: "menus.edit", reason: refusal.message), context: context)
        throw refusal
    }

    private static func load(_ id: String, on connection: any SQLConnection) throws -> MenuItem {
        guard let row = try connection.first("SELECT * FROM menu_items WHERE id = $1", .text(id)) else {
            throw APIError.notFound("menu item")
        }
        return try MenuItem(row: row)
    }

    private static func requireParent(_ id: String, on connection: any SQLConnection) throws {
        guard try connection.first("SELECT id FROM menu_items WHERE id = $1", .text(id)) != nil else {
            throw APIError.invalidField("parent_id", "no such menu item")
        }
    }

    /// `id` and every item above it. Bounded, so a corrupted table cannot loop forever.
    private static func ancestors(of id: String, on connection: any SQLConnection) throws -> [String] {
        var chain: [String] = []
        var next: String? = id
        while let current = next, chain.count < 1_000, !chain.contains(current) {
            chain.append(current)
            next = try connection.first("SELECT parent_id FROM menu_items WHERE id = $1", .text(current))?
                .optionalText("parent_id")
        }
        return chain
    }

    /// New items go last among their siblings, in steps of 10 to leave room for insertions.
    private static func nextOrder(under parentID: String?, on connection: any SQLConnection) throws -> Int64 {
        let row = try parentID.map {
            try connection.first("SELECT max(sort_order) AS m FROM menu_items WHERE parent_id = $1", .text($0))
        } ?? connection.first("SELECT max(sort_order) AS m FROM menu_items WHERE parent_id IS NULL")
        return min(1_000_000, (try row?.optionalInt64("m") ?? 0) + 10)
    }

    /// Old → new of every changed field, for the audit record.
    private static func changes(_ old: MenuItem, _ new: MenuItem) -> [String: String] {
        var details: [String: String] = [:]
        func note(_ key: String, _ a: String?, _ b: String?) {
            if a != b { details[key] = "\(a ?? "null") -> \(b ?? "null")" }
        }
        note("parent_id", old.parentID, new.parentID)
        note("name_zh", old.nameZh, new.nameZh)
        note("name_en", old.nameEn, new.nameEn)
        note("icon", old.icon, new.icon)
        note("link", old.link, new.link)
        note("sort_order", String(old.sortOrder), String(new.sortOrder))
        note("permission", old.permission, new.permission)
        note("category", old.category, new.category)
        note("theme", old.theme, new.theme)
        return details
    }
}
