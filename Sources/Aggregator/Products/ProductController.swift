import CarbonCore
import HTTPTypes
import Hummingbird
import NIOCore

/// HTTP for products, suppliers, footprint versions and labels: decode, call the service, encode.
struct ProductController {
    let products: ProductService
    let suppliers: SupplierService
    let footprints: FootprintService
    let labels: LabelService
    let scopes: ScopeFactory

    func register(in routes: RouteRegistry) {
        let products = self.products, suppliers = self.suppliers, scopes = self.scopes
        routes.add(.get, "/api/v1/products", access: .permission(.productsRead), tag: "products",
                   summary: "List the products the caller may see", response: .array(ProductSummary.schema)) { _, context in
            JSONReply(try await products.list(scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/products", access: .permission(.productsCreate), tag: "products",
                   summary: "Create a product: bill of materials, processes and stages, or an uploaded CarbonCore model",
                   request: ProductBody.schema(create: true), response: Product.schema, status: 201) { request, context in
            let body = try await JSONBody.decode(ProductBody.self, from: request, context: context)
            return JSONReply(try await products.create(body, scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        routes.add(.get, "/api/v1/products/:id", access: .permission(.productsRead), tag: "products",
                   summary: "One product with its definition and assembled footprint model", response: Product.schema) {
            _, context in
            JSONReply(try await products.get(try context.parameters.require("id"), scope: try await scopes.scope(for: context)))
        }
        routes.add(.put, "/api/v1/products/:id", access: .permission(.productsUpdate), tag: "products",
                   summary: "Replace a product's definition", request: ProductBody.schema(create: false),
                   response: Product.schema) { request, context in
            let body = try await JSONBody.decode(ProductBody.self, from: request, context: context)
            return JSONReply(try await products.replace(try context.parameters.require("id"), body,
                                                        scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.delete, "/api/v1/products/:id", access: .permission(.productsDelete), tag: "products",
                   summary: "Delete a product that has no footprint versions", status: 204) { _, context in
            try await products.delete(try context.parameters.require("id"), scope: try await scopes.scope(for: context),
                                      context: context)
            return Response(status: .noContent)
        }

        routes.add(.get, "/api/v1/suppliers", access: .permission(.productsRead), tag: "products",
                   summary: "List the suppliers the caller may see", response: .array(Supplier.schema)) { _, context in
            JSONReply(try await suppliers.list(scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/suppliers", access: .permission(.productsCreate), tag: "products",
                   summary: "Create a supplier of an organisation", request: SupplierCreate.schema,
                   response: Supplier.schema, status: 201) { request, context in
            let body = try await JSONBody.decode(SupplierCreate.self, from: request, context: context)
            return JSONReply(try await suppliers.create(body, scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        routes.add(.get, "/api/v1/suppliers/:id", access: .permission(.productsRead), tag: "products",
                   summary: "One supplier with its declared product footprints", response: Supplier.schema) { _, context in
            JSONReply(try await suppliers.get(try context.parameters.require("id"), scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/suppliers/:id/products", access: .permission(.productsCreate), tag: "products",
                   summary: "Record a supplier's declared product footprint (value per unit, method, year, evidence)",
                   request: SupplierProductCreate.schema, response: SupplierProduct.schema, status: 201) { request, context in
            let body = try await JSONBody.decode(SupplierProductCreate.self, from: request, context: context)
            return JSONReply(try await suppliers.addProduct(try context.parameters.require("id"), body,
                                                            scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        registerFootprintsAndLabels(in: routes)
    }

    private func registerFootprintsAndLabels(in routes: RouteRegistry) {
        let footprints = self.footprints, labels = self.labels, scopes = self.scopes
        routes.add(.post, "/api/v1/products/:id/footprints", access: .permission(.productsCreate), tag: "products",
                   summary: "Calculate the footprint with CarbonCore; unchanged inputs return the existing version "
                       + "(created: false)", response: FootprintVersion.schema) { _, context in
            JSONReply(try await footprints.calculate(productID: try context.parameters.require("id"),
                                                     scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.get, "/api/v1/products/:id/footprints", access: .permission(.productsRead), tag: "products",
                   summary: "The product's footprint versions", response: .array(FootprintVersion.schema)) { _, context in
            JSONReply(try await footprints.list(productID: try context.parameters.require("id"),
                                                scope: try await scopes.scope(for: context)))
        }
        routes.add(.get, "/api/v1/products/:id/footprints/:footprint", access: .permission(.productsRead), tag: "products",
                   summary: "One footprint version: model, result with formula trail, input hash",
                   response: FootprintVersion.schema) { _, context in
            JSONReply(try await footprints.get(productID: try context.parameters.require("id"),
                                               footprintID: try context.parameters.require("footprint"),
                                               scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/products/:id/labels", access: .permission(.productsCreate), tag: "products",
                   summary: "Issue carbon label data from a footprint version, with its verification hash",
                   request: LabelCreate.schema, response: CarbonLabel.schema, status: 201) { request, context in
            let body = try await JSONBody.decode(LabelCreate.self, from: request, context: context)
            return JSONReply(try await labels.create(productID: try context.parameters.require("id"), body,
                                                     scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        routes.add(.get, "/api/v1/labels/:id", access: .permission(.productsRead), tag: "products",
                   summary: "One carbon label's data", response: CarbonLabel.schema) { _, context in
            JSONReply(try await labels.get(try context.parameters.require("id"), scope: try await scopes.scope(for: context)))
        }
        routes.add(.get, "/api/v1/labels/:id/verify", access: .permission(.productsRead), tag: "products",
                   summary: "Recompute a label's verification hash from its data and the footprint version's result",
                   response: LabelVerification.schema) { _, context in
            JSONReply(try await labels.verify(try context.parameters.require("id"), scope: try await scopes.scope(for: context)))
        }
        routes.add(.get, "/api/v1/labels/:id/label.svg", access: .permission(.productsRead), tag: "products",
                   summary: "The carbon label as SVG (image/svg+xml)") { _, context in
            let svg = try await labels.svg(try context.parameters.require("id"), scope: try await scopes.scope(for: context))
            var headers = HTTPFields()
            headers[.contentType] = "image/svg+xml; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: svg)))
        }
    }
}

/// Wires the products module into the route table.
struct ProductsModule {
    let dependencies: AppDependencies
    let auditor: Auditor

    func register(in routes: RouteRegistry) {
        let database = dependencies.database, clock = dependencies.clock
        let products = ProductService(database: database, auditor: auditor, clock: clock)
        let footprints = FootprintService(database: database, auditor: auditor, clock: clock, products: products)
        ProductController(
            products: products, suppliers: SupplierService(database: database, auditor: auditor, clock: clock),
            footprints: footprints,
            labels: LabelService(database: database, auditor: auditor, clock: clock, products: products, footprints: footprints),
            scopes: ScopeFactory(database: database, clock: clock)
        ).register(in: routes)
    }
}
