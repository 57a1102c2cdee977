import CarbonCore
import Foundation

/// A series as the API shows it: one tag of one agent, at that agent's site.
struct Series: Encodable, Sendable, Equatable {
    let id: Int64
    let siteID: String
    let agentID: String
    let agentName: String
    let tag: String
    let unit: String
    let createdAt: String
    /// The owning site, for access checks; not part of the JSON.
    let site: OrganisationRef

    enum CodingKeys: String, CodingKey {
        case id, tag, unit
        case siteID = "site_id"
        case agentID = "agent_id"
        case agentName = "agent_name"
        case createdAt = "created_at"
    }

    static let schema = JSONSchema.object(
        ["id": .integer(minimum: 1), "site_id": .uuid, "agent_id": .uuid, "agent_name": .string(), "tag": .string(),
         "unit": .string(), "created_at": .timestamp],
        required: ["id", "site_id", "agent_id", "agent_name", "tag", "unit", "created_at"])

    /// Every query that returns series selects these columns.
    static let select = """
        SELECT s.id, s.site_id, s.agent_id, a.name AS agent_name, s.tag, s.unit, s.created_at, o.path, o.time_zone
        FROM series s JOIN organisations o ON o.id = s.site_id JOIN agents a ON a.id = s.agent_id
        """

    init(row: SQLRow) throws {
        id = try row.int64("id")
        siteID = try row.text("site_id")
        agentID = try row.text("agent_id")
        agentName = try row.text("agent_name")
        tag = try row.text("tag")
        unit = try row.text("unit")
        createdAt = ServiceClock.iso(try row.int64("created_at"))
        site = OrganisationRef(
            id: siteID, path: try OrganisationPath(text: try row.text("path")),
            timeZone: TimeZone(identifier: try row.text("time_zone")) ?? OrganisationRef.defaultTimeZone)
    }
}
