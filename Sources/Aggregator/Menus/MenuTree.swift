/// One entry of the caller's menu with the children they may use, ordered by `sort_order`.
struct MenuNode: Encodable, Sendable, Equatable {
    let item: MenuItem
    let children: [MenuNode]

    enum CodingKeys: String, CodingKey { case children }

    /// The item's fields and `children` side by side, as one object.
    func encode(to encoder: any Encoder) throws {
        try item.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(children, forKey: .children)
    }

    /// The tree's schema to `depth` levels; deeper levels are left open (menus are rarely deeper
    /// than three, and the document cannot refer to itself without a component).
    static func schema(depth: Int = 4) -> JSONSchema {
        var properties = MenuItem.properties
        properties["children"] = .array(depth > 1 ? schema(depth: depth - 1) : .any)
        return .object(properties, required: Array(properties.keys))
    }
}

/// `GET /api/v1/menus`.
struct MenuTreeReply: Encodable, Sendable {
    let menus: [MenuNode]
    static let schema = JSONSchema.object(["menus": .array(MenuNode.schema())], required: ["menus"])
}

/// `GET /api/v1/applications`: the leaves the caller may use, grouped by business category and
/// then theme, both in menu order.
struct ApplicationsReply: Encodable, Sendable, Equatable {
    struct Application: Encodable, Sendable, Equatable {
        let id: String
        let nameZh: String
        let nameEn: String
        let icon: String
        let link: String
        let permission: String?

        enum CodingKeys: String, CodingKey {
            case id, icon, link, permission
            case nameZh = "name_zh"
            case nameEn = "name_en"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(nameZh, forKey: .nameZh)
            try container.encode(nameEn, forKey: .nameEn)
            try container.encode(icon, forKey: .icon)
            try container.encode(link, forKey: .link)
            try container.encode(permission, forKey: .permission)
        }
    }
    struct Theme: Encodable, Sendable, Equatable {
        let theme: String
        let applications: [Application]
    }
    struct Category: Encodable, Sendable, Equatable {
        let category: String
        let themes: [Theme]
    }
    let categories: [Category]

    static let schema: JSONSchema = {
        let application = JSONSchema.object(
            ["id": .uuid, "name_zh": MenuValidation.nameSchema, "name_en": MenuValidation.nameSchema,
             "icon": MenuValidation.iconSchema, "link": MenuValidation.linkSchema,
             "permission": .nullable(MenuValidation.permissionSchema)],
            required: ["id", "name_zh", "name_en", "icon", "link", "permission"])
        let theme = JSONSchema.object(["theme": MenuValidation.themeSchema, "applications": .array(application)],
                                      required: ["theme", "applications"])
        let category = JSONSchema.object(["category": MenuValidation.categorySchema, "themes": .array(theme)],
                                         required: ["category", "themes"])
        return .object(["categories": .array(category)], required: ["categories"])
    }()
}

/// Pure tree building and filtering: no database, no access checks beyond a set of names.
enum MenuTree {
    /// The forest of `items` that a holder of `permissions` may see. An entry stays when it needs
    /// no permission or one the caller holds, and, if it has children at all, when at least one
    /// child stays (an empty group is noise). Orphans (a parent that no longer exists) are dropped.
    static func visible(_ items: [MenuItem], permissions: Set<String>) -> [MenuNode] {
        let children = Dictionary(grouping: items, by: { $0.parentID ?? "" })
        func nodes(under parent: String, seen: Set<String>) -> [MenuNode] {
            (children[parent] ?? []).sorted(by: order).compactMap { item -> MenuNode? in
                guard !seen.contains(item.id) else { return nil }  // a cycle cannot be stored, but never loop
                if let needed = item.permission, !permissions.contains(needed) { return nil }
                let below = nodes(under: item.id, seen: seen.union([item.id]))
                if children[item.id]?.isEmpty == false && below.isEmpty { return nil }
                return MenuNode(item: item, children: below)
            }
        }
        return nodes(under: "", seen: [])
    }

    /// The leaves of a visible forest, grouped by category and theme in menu (pre-)order.
    static func applications(_ forest: [MenuNode]) -> ApplicationsReply {
        var leaves: [MenuItem] = []
        func walk(_ nodes: [MenuNode]) {
            for node in nodes {
                if node.children.isEmpty { leaves.append(node.item) } else { walk(node.children) }
            }
        }
        walk(forest)
        var categories: [String] = []
        var themes: [String: [String]] = [:]
        var applications: [String: [ApplicationsReply.Application]] = [:]
        for leaf in leaves {
            if themes[leaf.category] == nil { categories.append(leaf.category) }
            if !themes[leaf.category, default: []].contains(leaf.theme) {
                themes[leaf.category, default: []].append(leaf.theme)
            }
            applications["\(leaf.category)\u{0}\(leaf.theme)", default: []].append(
                .init(id: leaf.id, nameZh: leaf.nameZh, nameEn: leaf.nameEn, icon: leaf.icon, link: leaf.link,
                      permission: leaf.permission))
        }
        return ApplicationsReply(categories: categories.map { category in
            .init(category: category, themes: (themes[category] ?? []).map { theme in
                .init(theme: theme, applications: applications["\(category)\u{0}\(theme)"] ?? [])
            })
        })
    }

    /// Siblings by `sort_order`, then English name, then id, so equal orders still list stably.
    static func order(_ a: MenuItem, _ b: MenuItem) -> Bool {
        (a.sortOrder, a.nameEn, a.id) < (b.sortOrder, b.nameEn, b.id)
    }
}
