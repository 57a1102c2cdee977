import Foundation

/// Schema version 4: what menus, agents and the audit search need beyond version 1. Agent names
/// become unique (the name is the `agent_id` an edge agent writes in its batches, so two agents
/// with one name would be indistinguishable to ingest), lookups get their indexes, and the default
/// menu tree is seeded once; administrators edit it afterwards through the API.
enum ExtrasSchema {
    static let migrations: [Migration] = [
        Migration(version: 4, name: "menus-agents-audit") { _ in
            [
                "CREATE UNIQUE INDEX agents_name ON agents(name)",
                "CREATE INDEX agent_credentials_agent ON agent_credentials(agent_id)",
                "CREATE INDEX menu_items_parent ON menu_items(parent_id)",
                "CREATE INDEX audit_log_actor ON audit_log(actor_id, sequence)",
            ] + MenuSeed.statements
        }
    ]
}

/// The default menu tree: one top-level entry per business area, each leaf with the permission
/// that its screen needs (names from `PermissionCatalogue`), its business category and theme.
/// Ids are fixed so that every installation, and every replica, agrees on them.
enum MenuSeed {
    struct Item {
        let number: Int
        let parent: Int?
        let nameZh: String
        let nameEn: String
        let icon: String
        let link: String
        let order: Int
        let permission: String?
        let category: String
        let theme: String
    }

    static func id(_ number: Int) -> String {
        "00000000-0000-4000-8100-" + String(repeating: "0", count: 12 - String(number).count) + String(number)
    }

    // swift-format-ignore
    static let items: [Item] = [
        Item(number: 1, parent: nil, nameZh: "监测", nameEn: "Monitoring", icon: "monitor", link: "/monitoring", order: 10, permission: nil, category: "monitoring", theme: ""),
        Item(number: 11, parent: 1, nameZh: "实时数据", nameEn: "Readings", icon: "chart-line", link: "/monitoring/readings", order: 10, permission: "readings:read", category: "monitoring", theme: "telemetry"),
        Item(number: 12, parent: 1, nameZh: "报警", nameEn: "Alarms", icon: "bell", link: "/monitoring/alarms", order: 20, permission: "alarms:read", category: "monitoring", theme: "alarms"),
        Item(number: 2, parent: nil, nameZh: "核算", nameEn: "Accounting", icon: "calculator", link: "/accounting", order: 20, permission: nil, category: "accounting", theme: ""),
        Item(number: 21, parent: 2, nameZh: "温室气体盘查", nameEn: "Inventories", icon: "clipboard", link: "/accounting/inventories", order: 10, permission: "inventories:read", category: "accounting", theme: "enterprise"),
        Item(number: 22, parent: 2, nameZh: "区域核算", nameEn: "Regional accounting", icon: "map", link: "/accounting/regional", order: 20, permission: "inventories:read", category: "accounting", theme: "regional"),
        Item(number: 23, parent: 2, nameZh: "产品碳足迹", nameEn: "Product footprints", icon: "package", link: "/accounting/products", order: 30, permission: "products:read", category: "accounting", theme: "product"),
        Item(number: 3, parent: nil, nameZh: "减排", nameEn: "Reduction", icon: "trending-down", link: "/reduction", order: 30, permission: nil, category: "reduction", theme: ""),
        Item(number: 31, parent: 3, nameZh: "减排项目", nameEn: "Reduction projects", icon: "leaf", link: "/reduction/projects", order: 10, permission: "projects:read", category: "reduction", theme: "projects"),
        Item(number: 4, parent: nil, nameZh: "资产", nameEn: "Assets", icon: "wallet", link: "/assets", order: 40, permission: nil, category: "assets", theme: ""),
        Item(number: 41, parent: 4, nameZh: "碳资产", nameEn: "Carbon assets", icon: "coins", link: "/assets/holdings", order: 10, permission: "trades:read", category: "assets", theme: "holdings"),
        Item(number: 5, parent: nil, nameZh: "交易", nameEn: "Trading", icon: "exchange", link: "/trading", order: 50, permission: nil, category: "trading", theme: ""),
        Item(number: 51, parent: 5, nameZh: "交易委托", nameEn: "Trade orders", icon: "list", link: "/trading/orders", order: 10, permission: "trades:read", category: "trading", theme: "market"),
        Item(number: 6, parent: nil, nameZh: "知识", nameEn: "Knowledge", icon: "book", link: "/knowledge", order: 60, permission: nil, category: "knowledge", theme: ""),
        Item(number: 61, parent: 6, nameZh: "排放因子库", nameEn: "Emission factors", icon: "database", link: "/knowledge/factors", order: 10, permission: "factors:read", category: "knowledge", theme: "factors"),
        Item(number: 7, parent: nil, nameZh: "驾驶舱", nameEn: "Dashboard", icon: "dashboard", link: "/cockpit", order: 70, permission: nil, category: "cockpit", theme: ""),
        Item(number: 71, parent: 7, nameZh: "全景驾驶舱", nameEn: "Overview", icon: "eye", link: "/cockpit/overview", order: 10, permission: "readings:read", category: "cockpit", theme: "overview"),
        Item(number: 8, parent: nil, nameZh: "系统", nameEn: "System", icon: "settings", link: "/system", order: 80, permission: nil, category: "system", theme: ""),
        Item(number: 81, parent: 8, nameZh: "用户", nameEn: "Users", icon: "user", link: "/system/users", order: 10, permission: "users:read", category: "system", theme: "accounts"),
        Item(number: 82, parent: 8, nameZh: "组织", nameEn: "Organisations", icon: "sitemap", link: "/system/organisations", order: 20, permission: "organisations:read", category: "system", theme: "accounts"),
        Item(number: 83, parent: 8, nameZh: "角色", nameEn: "Roles", icon: "id-card", link: "/system/roles", order: 30, permission: "roles:read", category: "system", theme: "access"),
        Item(number: 84, parent: 8, nameZh: "访问策略", nameEn: "Policies", icon: "shield", link: "/system/policies", order: 40, permission: "policies:read", category: "system", theme: "access"),
        Item(number: 85, parent: 8, nameZh: "审计日志", nameEn: "Audit log", icon: "file-search", link: "/system/audit", order: 50, permission: "audit:read", category: "system", theme: "audit"),
        Item(number: 86, parent: 8, nameZh: "边缘代理", nameEn: "Edge agents", icon: "server", link: "/system/agents", order: 60, permission: "agents:read", category: "system", theme: "devices"),
        Item(number: 87, parent: 8, nameZh: "菜单", nameEn: "Menus", icon: "menu", link: "/system/menus", order: 70, permission: "menus:update", category: "system", theme: "access"),
    ]

    /// Literal INSERTs (migrations take no parameters); every value is a constant above, quoted.
    static var statements: [String] {
        func quoted(_ text: String?) -> String {
            text.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" } ?? "NULL"
        }
        return items.map { item in
            """
            INSERT INTO menu_items (id, parent_id, name_zh, name_en, icon, link, sort_order, permission, category, theme)
            VALUES (\(quoted(id(item.number))), \(quoted(item.parent.map(id))), \(quoted(item.nameZh)), \
            \(quoted(item.nameEn)), \(quoted(item.icon)), \(quoted(item.link)), \(item.order), \
            \(quoted(item.permission)), \(quoted(item.category)), \(quoted(item.theme)))
            """
        }
    }
}
