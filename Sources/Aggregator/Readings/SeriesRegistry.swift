/// The registry of tags: one series per (agent, tag), at the agent's site, with the unit it was
/// first seen in. Created on first sight by ingest; a tag is never silently re-united (a reading
/// in another unit is quarantined as `unit_changed`, because mixing kWh and MWh in one series
/// would corrupt every sum over it).
enum SeriesRegistry {
    struct Entry: Sendable, Equatable {
        let id: Int64
        let unit: String
    }

    struct Created: Sendable {
        let id: Int64
        let tag: String
        let unit: String
    }

    static func load(agentID: String, on connection: any SQLConnection) throws -> [String: Entry] {
        var entries: [String: Entry] = [:]
        for row in try connection.query("SELECT id, tag, unit FROM series WHERE agent_id = $1", .text(agentID)) {
            entries[try row.text("tag")] = Entry(id: try row.int64("id"), unit: try row.text("unit"))
        }
        return entries
    }

    /// Adds the tags not yet registered, each with the unit of its first appearance in `wanted`.
    /// `ON CONFLICT DO NOTHING` because another epoch of the same agent may register the same tag
    /// concurrently on PostgreSQL; the re-read then returns the winner's row.
    static func ensure(_ wanted: [(tag: String, unit: String)], agentID: String, siteID: String, now: Int64,
                       entries: inout [String: Entry], on connection: any SQLConnection) throws -> [Created] {
        var created: [Created] = []
        for (tag, unit) in wanted where entries[tag] == nil {
            try connection.execute(
                """
                INSERT INTO series (site_id, agent_id, tag, unit, created_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (agent_id, tag) DO NOTHING
                """, .text(siteID), .text(agentID), .text(tag), .text(unit), .integer(now))
            guard let row = try connection.first(
                "SELECT id, unit FROM series WHERE agent_id = $1 AND tag = $2", .text(agentID), .text(tag))
            else { throw DatabaseError(.sql, "series '\(tag)' vanished inside its transaction") }
            let entry = Entry(id: try row.int64("id"), unit: try row.text("unit"))
            entries[tag] = entry
            created.append(Created(id: entry.id, tag: tag, unit: entry.unit))
        }
        return created
    }
}
