import CarbonCore
import Foundation

/// What access checks need of an organisation: its id, its place in the tree, and its time zone
/// (which defines its days, months, reporting years and the local time of ABAC rules).
struct OrganisationRef: Sendable, Hashable {
    let id: String
    let path: OrganisationPath
    let timeZone: TimeZone

    static let defaultTimeZone = TimeZone(identifier: "Asia/Shanghai")!

    static func load(id: String, on connection: any SQLConnection) throws -> OrganisationRef? {
        guard let row = try connection.first("SELECT id, path, time_zone FROM organisations WHERE id = $1", .text(id))
        else { return nil }
        return try OrganisationRef(row: row)
    }

    init(id: String, path: OrganisationPath, timeZone: TimeZone) {
        self.id = id
        self.path = path
        self.timeZone = timeZone
    }

    init(row: SQLRow, prefix: String = "") throws {
        id = try row.text(prefix + "id")
        path = try OrganisationPath(text: try row.text(prefix + "path"))
        timeZone = TimeZone(identifier: try row.text(prefix + "time_zone")) ?? Self.defaultTimeZone
    }
}
