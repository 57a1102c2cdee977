import Foundation
import Testing

@testable import Aggregator

/// The pure filtering and grouping behind `/menus` and `/applications`.
@Suite struct MenuTreeTests {
    func item(_ id: String, parent: String? = nil, order: Int64 = 0, permission: String? = nil,
              category: String = "c", theme: String = "") -> MenuItem {
        let row = SQLRow(
            columns: ["id", "parent_id", "name_zh", "name_en", "icon", "link", "sort_order", "permission", "category", "theme"],
            values: [.text(id), SQLValue(parent), .text(id), .text(id), .text(""), .text("/" + id), .integer(order),
                     SQLValue(permission), .text(category), .text(theme)])
        return try! MenuItem(row: row)
    }

    @Test func emptyGroupsOrphansAndForbiddenEntriesAreDroppedAndSiblingsOrdered() {
        let items = [
            item("group", order: 20),
            item("b", parent: "group", order: 2, permission: "readings:read", theme: "t1"),
            item("a", parent: "group", order: 1, permission: "alarms:read", theme: "t2"),
            item("hidden", parent: "group", order: 3, permission: "audit:read"),
            item("empty", order: 10),
            item("onlyForbidden", order: 5),
            item("x", parent: "onlyForbidden", permission: "audit:read"),
            item("orphan", parent: "missing"),
            item("home", order: 1, category: "home"),
            item("locked", order: 30, permission: "audit:read"),
            item("under-locked", parent: "locked", permission: "readings:read"),
        ]
        let forest = MenuTree.visible(items, permissions: ["readings:read", "alarms:read"])
        #expect(forest.map(\.item.id) == ["home", "empty", "group"])
        #expect(forest.last?.children.map(\.item.id) == ["a", "b"])

        let applications = MenuTree.applications(forest)
        #expect(applications.categories.map(\.category) == ["home", "c"])
        #expect(applications.categories.last?.themes.map(\.theme) == ["", "t2", "t1"])
    }

    @Test func aNodeEncodesItsFieldsAndChildrenAsOneObject() throws {
        let node = MenuNode(item: item("p"), children: [MenuNode(item: item("q", parent: "p"), children: [])])
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(node)) as? [String: Any]
        #expect(object?["id"] as? String == "p" && object?["parent_id"] is NSNull)
        #expect(field(object as Any, "children", "0", "parent_id") as? String == "p")
    }
}
