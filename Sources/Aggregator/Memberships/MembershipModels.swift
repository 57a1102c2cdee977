import Foundation
import Hummingbird
import NIOCore

/// One item of a bulk bind or unbind, as read from JSON or CSV. Nothing is checked yet except its
/// shape (`problem`): the service validates every item before it writes anything.
struct BulkItem: Sendable {
    /// Where the item was in the request, for the report: JSON items by index, CSV by line.
    enum Position: Sendable, Equatable {
        case index(Int)
        case line(Int)
    }

    let position: Position
    var userID: String?
    var username: String?
    var organisationID: String?
    var roleID: String?
    var role: String?
    /// Set when the item could not even be read (wrong type, unknown key, wrong field count).
    var problem: String?

    init(position: Position, userID: String? = nil, username: String? = nil, organisationID: String? = nil,
         roleID: String? = nil, role: String? = nil, problem: String? = nil) {
        self.position = position
        self.userID = userID
        self.username = username
        self.organisationID = organisationID
        self.roleID = roleID
        self.role = role
        self.problem = problem
    }

    static let jsonKeys = ["user_id", "username", "organisation_id", "role_id", "role"]
    static let schema = JSONSchema.object(
        ["user_id": .uuid, "username": .string(maxLength: 64), "organisation_id": .uuid, "role_id": .uuid,
         "role": .string(maxLength: 64)],
        required: ["organisation_id"])
    static let requestSchema = JSONSchema.object(["items": .array(schema)], required: ["items"])
}

/// One line of the report: what happened to one item (`bound`, `already`, `unbound`, `absent`)
/// or, when the request failed, why that item was refused (`error`).
struct BulkReportEntry: Encodable, Sendable {
    let position: BulkItem.Position
    let status: String
    let message: String?

    enum CodingKeys: String, CodingKey { case index, line, status, message }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch position {
        case .index(let index): try c.encode(index, forKey: .index)
        case .line(let line): try c.encode(line, forKey: .line)
        }
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(message, forKey: .message)
    }

    static let schema = JSONSchema.object(
        ["index": .integer(minimum: 0), "line": .integer(minimum: 1),
         "status": .string(values: ["bound", "already", "unbound", "absent", "error"]), "message": .string()],
        required: ["status"])
}

/// The reply of a bulk request that was carried out.
struct BulkReply: Encodable, Sendable {
    enum Mode: Sendable { case bind, unbind }
    let mode: Mode
    /// Bindings created (bind) or removed (unbind).
    let changed: Int
    /// Items that changed nothing: already bound, or not bound in the first place.
    let unchanged: Int
    let report: [BulkReportEntry]

    enum CodingKeys: String, CodingKey { case bound, already, unbound, absent, report }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(changed, forKey: mode == .bind ? .bound : .unbound)
        try c.encode(unchanged, forKey: mode == .bind ? .already : .absent)
        try c.encode(report, forKey: .report)
    }

    static let bindSchema = JSONSchema.object(
        ["bound": .integer(minimum: 0), "already": .integer(minimum: 0), "report": .array(BulkReportEntry.schema)],
        required: ["bound", "already", "report"])
    static let unbindSchema = JSONSchema.object(
        ["unbound": .integer(minimum: 0), "absent": .integer(minimum: 0), "report": .array(BulkReportEntry.schema)],
        required: ["unbound", "absent", "report"])
}

/// A refused bulk request: the API's one error shape plus the per-item `report`, 422. Nothing
/// was written.
struct BulkFailure: ResponseGenerator, Sendable {
    let message: String
    let report: [BulkReportEntry]

    private struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let field: String
            let requestID: String?
            enum CodingKeys: String, CodingKey {
                case code, message, field
                case requestID = "request_id"
            }
        }
        let error: Detail
        let report: [BulkReportEntry]
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let requestID = (context as? AppRequestContext)?.requestID
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(Body(
            error: .init(code: "bulk_invalid", message: message, field: "items",
                         requestID: requestID?.isEmpty == false ? requestID : nil),
            report: report))
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if let requestID, !requestID.isEmpty { headers[.requestID] = requestID }
        return Response(status: .unprocessableContent, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A member of an organisation, for `GET /api/v1/organisations/:id/members`.
struct Member: Encodable, Sendable {
    let userID: String
    let username: String
    let displayName: String
    let status: String
    let roleID: String
    let role: String
    let since: String

    enum CodingKeys: String, CodingKey {
        case username, status, role, since
        case userID = "user_id"
        case displayName = "display_name"
        case roleID = "role_id"
    }

    static let schema = JSONSchema.object(
        ["user_id": .uuid, "username": .string(), "display_name": .string(), "status": .string(values: UserStatus.all),
         "role_id": .uuid, "role": .string(), "since": .timestamp],
        required: ["user_id", "username", "display_name", "status", "role_id", "role", "since"])

    init(row: SQLRow) throws {
        userID = try row.text("user_id")
        username = try row.text("username")
        displayName = try row.text("display_name")
        status = try row.text("status")
        roleID = try row.text("role_id")
        role = try row.text("role_name")
        since = ServiceClock.iso(try row.int64("created_at"))
    }
}
