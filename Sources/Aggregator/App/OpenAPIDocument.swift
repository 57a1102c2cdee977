import Foundation
import HTTPTypes

/// The OpenAPI 3.1 document, generated from the route table so it always covers every route
/// (a test compares the two). Served at `/openapi.json`.
enum OpenAPIDocument {
    static func json(for catalogue: RouteCatalogue, version: String) throws -> Data {
        var paths: [String: [String: Operation]] = [:]
        for spec in catalogue.specs {
            let method = spec.method.rawValue.lowercased()
            var responses: [String: Response] = [
                String(spec.successStatus): Response(description: "success", schema: spec.responseSchema),
                "400": .error("the request is malformed"),
                "404": .error("not found, or not visible to the caller (also for objects a body refers to)"),
                "422": .error("a field or parameter is invalid; `field` names it"),
                "429": .error("rate limited; see Retry-After"),
                "503": .error("temporarily unavailable (e.g. the database is busy); see Retry-After"),
            ]
            if spec.requestSchema != nil { responses["413"] = .error("the body is too large") }
            if spec.access != .publicRoute {
                responses["401"] = .error("no valid credentials")
                responses["403"] = .error("not permitted")
            }
            if spec.method != .get { responses["409"] = .error("conflicts with the current state") }
            for status in spec.extraErrors { responses[String(status)] = .error("see the summary") }
            let operation = Operation(
                operationId: operationID(spec), summary: spec.summary, tags: [spec.tag],
                parameters: spec.parameters.map {
                    Parameter(name: $0, in: "path", required: true, schema: .string(maxLength: 200))
                } + spec.query.map {
                    Parameter(name: $0.name, in: "query", required: $0.required, schema: $0.schema,
                              description: $0.description)
                },
                requestBody: spec.requestSchema.map { schema in
                    var content = ["application/json": MediaType(schema: schema)]
                    for (type, other) in spec.otherBodies { content[type] = MediaType(schema: other) }
                    return RequestBody(required: true, content: content)
                },
                responses: responses,
                security: spec.access == .publicRoute ? [] : [["bearer": []]])
            paths[spec.openAPIPath, default: [:]][method] = operation
        }
        let document = Document(
            openapi: "3.1.0",
            info: .init(title: "Carbon platform aggregator", version: version),
            paths: paths,
            components: .init(
                securitySchemes: ["bearer": .init(type: "http", scheme: "bearer")],
                schemas: ["Error": errorSchema]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(document)
    }

    static let errorSchema = JSONSchema.object(
        ["error": .object(["code": .string(), "message": .string(), "field": .nullable(.string()),
                           "request_id": .nullable(.string())], required: ["code", "message"]),
         // Bulk operations add one line per item to say which items were wrong (all-or-nothing).
         "report": .array(.map(.any))],
        required: ["error"])

    private static func operationID(_ spec: RouteSpec) -> String {
        let words = spec.path.split(separator: "/").filter { !["api", "v1"].contains($0) }
            .map { $0.hasPrefix(":") ? "by-" + $0.dropFirst() : String($0) }
        return ([spec.method.rawValue.lowercased()] + words).joined(separator: "-")
    }

    struct Document: Encodable {
        struct Info: Encodable { let title: String; let version: String }
        struct Components: Encodable {
            struct Scheme: Encodable { let type: String; let scheme: String }
            let securitySchemes: [String: Scheme]
            let schemas: [String: JSONSchema]
        }
        let openapi: String
        let info: Info
        let paths: [String: [String: Operation]]
        let components: Components
    }
    struct Operation: Encodable {
        let operationId: String
        let summary: String
        let tags: [String]
        let parameters: [Parameter]
        let requestBody: RequestBody?
        let responses: [String: Response]
        let security: [[String: [String]]]
    }
    struct Parameter: Encodable {
        let name: String
        let `in`: String
        let required: Bool
        let schema: JSONSchema
        var description: String? = nil
    }
    struct MediaType: Encodable { let schema: JSONSchema }
    struct RequestBody: Encodable {
        let required: Bool
        let content: [String: MediaType]
    }
    struct Response: Encodable {
        let description: String
        let content: [String: MediaType]?
        init(description: String, schema: JSONSchema?) {
            self.description = description
            content = schema.map { ["application/json": MediaType(schema: $0)] }
        }
        static func error(_ description: String) -> Response {
            Response(description: description, schema: .ref("Error"))
        }
    }
}
