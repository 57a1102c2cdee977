import CarbonCore
import Hummingbird

/// HTTP for menus and the applications page: decode, call the service, encode.
struct MenuController {
    let service: MenuService
    let scopes: ScopeFactory

    func register(in routes: RouteRegistry) {
        let service = self.service, scopes = self.scopes
        routes.add(.get, "/api/v1/menus", access: .user, tag: "menus",
                   summary: "The menu tree filtered to what the caller may use", response: MenuTreeReply.schema) {
            _, context in
            JSONReply(MenuTreeReply(menus: try await service.tree(scope: try await scopes.scope(for: context))))
        }
        routes.add(.get, "/api/v1/applications", access: .user, tag: "menus",
                   summary: "The applications the caller may use, grouped by business category and theme",
                   response: ApplicationsReply.schema) { _, context in
            JSONReply(try await service.applications(scope: try await scopes.scope(for: context)))
        }
        routes.add(.get, "/api/v1/menu-items", access: .permission(.menusUpdate), tag: "menus",
                   summary: "Every menu item, flat (editors at a root only)", response: .array(MenuItem.schema)) {
            _, context in
            JSONReply(try await service.list(scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.post, "/api/v1/menu-items", access: .permission(.menusUpdate), tag: "menus",
                   summary: "Add a menu item", request: MenuItemCreate.schema, response: MenuItem.schema, status: 201) {
            request, context in
            let body = try await JSONBody.decode(MenuItemCreate.self, from: request, context: context, limit: 16_384)
            return JSONReply(try await service.create(body, scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        routes.add(.patch, "/api/v1/menu-items/:id", access: .permission(.menusUpdate), tag: "menus",
                   summary: "Change or move a menu item", request: MenuItemUpdate.schema, response: MenuItem.schema) {
            request, context in
            let body = try await JSONBody.decode(MenuItemUpdate.self, from: request, context: context, limit: 16_384)
            return JSONReply(try await service.update(try context.parameters.require("id"), body,
                                                      scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.delete, "/api/v1/menu-items/:id", access: .permission(.menusUpdate), tag: "menus",
                   summary: "Delete a menu item that has no children", status: 204) { _, context in
            try await service.delete(try context.parameters.require("id"), scope: try await scopes.scope(for: context),
                                     context: context)
            return Response(status: .noContent)
        }
    }
}
