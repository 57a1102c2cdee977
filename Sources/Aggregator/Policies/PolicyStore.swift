import CarbonCore
import Foundation

/// An ABAC policy with the organisation that owns it: it applies only to objects in that
/// organisation's subtree, so one tenant's administrators cannot write rules for another's data.
struct ScopedPolicy: Sendable {
    let owner: OrganisationPath
    let policy: AccessPolicy
}

/// ABAC policies as stored (one JSON document each, owned by an organisation).
enum PolicyStore {
    static func all(on connection: any SQLConnection) throws -> [ScopedPolicy] {
        try connection.query(
            "SELECT p.id, p.document, o.path FROM policies p JOIN organisations o ON o.id = p.organisation_id ORDER BY p.id"
        ).map { row in
            ScopedPolicy(owner: try OrganisationPath(text: try row.text("path")),
                         policy: try AccessPolicy(fromJSON: Data(try row.text("document").utf8)))
        }
    }
}

extension PolicyStore {
    static let select = """
        SELECT p.id, p.organisation_id, p.document, p.created_at, p.updated_at,
            o.id AS org_id, o.path AS org_path, o.time_zone AS org_time_zone
        FROM policies p JOIN organisations o ON o.id = p.organisation_id
        """

    /// True when a policy with the document id `documentID` is owned on the same branch as
    /// `owner` (above it, at it or below it). Decisions name policies by id and the engine refuses
    /// two with one id, so such a pair would make every decision on that branch fail closed.
    static func idIsTaken(_ documentID: String, owner: OrganisationPath, excluding rowID: String?,
                          on connection: any SQLConnection) throws -> Bool {
        try connection.query("SELECT p.id, p.document, o.path FROM policies p JOIN organisations o ON o.id = p.organisation_id")
            .contains { row in
                guard try row.text("id") != rowID else { return false }
                let path = try OrganisationPath(text: try row.text("path"))
                guard path.contains(owner) || owner.contains(path) else { return false }
                return try AccessPolicy(fromJSON: Data(try row.text("document").utf8)).id == documentID
            }
    }

    /// The stored form: compact, keys sorted, exactly what `all(on:)` reads back.
    static func encode(_ policy: AccessPolicy) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(policy), as: UTF8.self)
    }
}
